"""Notify on its own: its API and dispatcher over a fresh database, fed with the other services'
events as its consumer applies them, sending to a real SMTP server and a real HTTP receiver on
loopback that the tests start and stop."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from werkzeug.test import Client

from services.notify import store
from services.notify.app import create_app
from services.notify.dispatch import Dispatcher
from services.notify.domain import samples
from services.notify.handlers import HANDLERS
from services.notify.settings import notify_settings
from services.shared import inbox
from services.shared.config import settings_for
from services.shared.contract import Event, new_event
from services.shared.db import create_engine, migrate
from services.shared.tenancy import issue_token
from tests.skeleton import over_test_client

KEY = "notify-test-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a real SMTP server ---------------------------------------------------------------------------


class MailServer:
    """aiosmtpd on loopback: keeps every message; answers chosen recipients with a chosen reply
    (``refuse["x@example.se"] = "550 5.1.1 No such mailbox"``); can be stopped and started again."""

    def __init__(self):
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}
        self.controller: Controller | None = None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 — aiosmtpd's hook
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.received.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 Message accepted"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if address in m["To"]]


@pytest.fixture
def mail():
    server = MailServer()
    server.start()
    yield server
    server.stop()


# --- a real HTTP receiver -------------------------------------------------------------------------


class Receiver:
    """http.server on loopback in a thread: keeps every request; answers with the statuses queued
    in ``answers`` (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's hook
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, headers = receiver.answers.pop(0) if receiver.answers else (200, {})
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


# --- notify itself --------------------------------------------------------------------------------


class Notify:
    """Notify's API, its consumer's handlers and its dispatcher, over one database."""

    def __init__(self, database_url: str, tmp_path, smtp_port: int | None = None, **notify_overrides):
        base = settings_for("notify", database_url=database_url, amqp_url="memory://", signing_key=KEY, data_dir=tmp_path,
                            smtp_host="127.0.0.1" if smtp_port else None, smtp_port=smtp_port or 25,
                            mail_from="Tandem <no-reply@tandem.example.org>",
                            public_url="https://tandem.example.org", web_url="https://tandem.example.org")
        overrides = dict(retry_base_seconds=0.05, retry_max_seconds=0.2, outage_max_seconds=0.2, smtp_timeout=5,
                         webhook_allow_http_loopback=True, batch=50)
        overrides.update(notify_overrides)
        self.settings = notify_settings(base, **overrides)
        migrate("notify", database_url)
        self.engine = create_engine(database_url)
        self.app = create_app(base, self.engine, self.settings)
        self.client = Client(self.app)
        self.send = over_test_client(self.client)
        self.dispatcher = Dispatcher(self.settings, self.engine)

    # events in, as the consumer applies them
    def event(self, type_: str, tenant: str, data: dict) -> Event:
        return new_event(type_, source="test", tenant=tenant, subject="test", data=data)

    def apply(self, event: Event) -> bool:
        """Inbox row and handler in one transaction; False if the inbox had the event already."""
        with self.engine.begin() as conn:
            if not inbox.record(conn, store.INBOX, [event]):
                return False
            HANDLERS.handlers[event.type](conn, event)
        return True

    def feed(self, type_: str, tenant: str, data: dict) -> Event:
        event = self.event(type_, tenant, data)
        assert self.apply(event)
        return event

    def cohort(self, tenant: str, **programme) -> str:
        snapshot = cohort_snapshot(**programme)
        self.feed("cohort.opened.v1", tenant, snapshot)
        return snapshot["cohort_id"]

    def coordinator(self, tenant: str) -> str:
        return issue_token(KEY, tenant=tenant, role="coordinator", sub=f"coordinator@{tenant}.example.se")

    def operator(self) -> str:
        return issue_token(KEY, tenant="*", role="operator", sub="ops")

    # what came of it
    def deliveries(self, **where) -> list[dict]:
        t = store.deliveries
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(t).where(*[t.c[k] == v for k, v in where.items()])
                                                  .order_by(t.c.created_at, t.c.id)).mappings()]

    def outbox(self, prefix: str = "notification.") -> list[dict]:
        o = store.OUTBOX
        with self.engine.connect() as conn:
            return [json.loads(b) for b in conn.execute(sa.select(o.c.body).where(o.c.type.startswith(prefix)).order_by(o.c.id)).scalars()]

    def dispatch(self, rounds: int = 1) -> int:
        return sum(self.dispatcher.tick() for _ in range(rounds))

    def close(self) -> None:
        self.dispatcher.close()
        self.engine.dispose()


@pytest.fixture
def notify(tmp_path, mail):
    made = Notify(f"sqlite:///{tmp_path}/notify.db", tmp_path, smtp_port=mail.port)
    yield made
    made.close()


@pytest.fixture
def notify_mbox(tmp_path):
    made = Notify(f"sqlite:///{tmp_path}/notify.db", tmp_path)
    yield made
    made.close()


# --- events as the other services publish them (invented people) --------------------------------


def cohort_snapshot(cohort_id: str | None = None, time_zone: str = "Europe/Stockholm", **programme) -> dict:
    return {
        "cohort_id": cohort_id or str(uuid.uuid4()), "name": "Våren 2027", "status": "open", "time_zone": time_zone,
        "applications_open_at": None, "application_deadline": None, "nomination_deadline": None,
        "starts_on": samples.COHORT.starts_on, "ends_on": samples.COHORT.ends_on, "mentee_places": 20, "mentor_places": None,
        "admission": "first_come", "group_events": [],
        "programme": {
            "id": "p1", "name": dict(samples.PROGRAMME), "locale": "sv", "languages": ["sv", "en"], "professions": [],
            "duration_months": 7, "meeting_every_months": 1, "meeting_minutes": 120,
            "meeting_plan": [{"title": {"sv": "Lära känna varandra"}, "checklist": []}],
            "matching_weights": {"profession": 5.0}, "matching_mode": "optimal", "match_when_closed": False,
            "reminder_days": [3, 1], "share_contact_details": ["email"],
            "contacts": [{"name": "Karin Ek", "email": "karin.ek@example.se", "phone": None, "role": "Samordnare"}],
            "messages": {}, **programme,
        },
    }


def sample(event_type: str, cohort_id: str | None = None, **changes) -> dict:
    """The sample event of ``event_type`` (invented people), with ``changes``."""
    data = copy.deepcopy(samples.EVENTS[event_type])
    if cohort_id:
        data["cohort_id"] = cohort_id
    data.update(changes)
    return data


def person(name: str, email: str, locale: str, role: str, **extra) -> dict:
    """One of a pair as scheduling's and matching's events carry them."""
    return {"application_id": str(uuid.uuid4()), "role": role, "name": name, "email": email, "locale": locale,
            "link": f"https://tandem.example.org/scheduling/p/{uuid.uuid4().hex[:8]}?token=t", **extra}


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def dispatched_until(notify, mail, expected: int, rounds: int = 50) -> None:
    """Let the dispatcher send until the SMTP sink holds ``expected`` messages (or give up)."""
    for _ in range(rounds):
        notify.dispatch()
        if len(mail.received) >= expected:
            return
        time.sleep(0.05)
