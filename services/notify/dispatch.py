"""The worker's sender: claims due deliveries from the log, sends them through their channel and
records what became of each — sent, to be retried, or failed — with its event and its metrics.

Each delivery is recorded as sent right after the channel accepts it, durably, before the next
one goes out: a worker killed mid-batch leaves at most the one message it had in flight to be sent
again (with the same Message-ID). The recording runs on a thread of its own while the next message
is built and its envelope goes to the server; only its content waits for the record (``ready``),
which keeps the commit off the path of the mail.

Safe with several worker replicas: claims are taken with SKIP LOCKED on PostgreSQL and belong to
a dispatcher that is alive (``store.ClaimOwner``), so a restarted or second worker takes over a
dead one's claims at its next claim. One SMTP connection serves a whole batch. While the SMTP
server is unreachable nothing is charged to the messages: the dispatcher probes the server with
growing pauses, and everything goes out once it answers again.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from email.message import Message
from html import escape as html_escape

from sqlalchemy.engine import Engine

from services.shared import clock, metrics
from services.shared.retry import backoff

from . import store
from .channels import (
    ChannelDown,
    Letter,
    PermanentFailure,
    TransientFailure,
    WebhookChannel,
    Withheld,
    build_email,
    email_channel,
)
from .domain.deliveries import Outcome, RetryPolicy, Settled
from .domain.messages import SECRET_LINK
from .domain.webhooks import SIGNATURE_HEADER, signature_header, url_refusal
from .settings import NotifySettings
from .usecases.sending import claim, record_sent, renew, settle, still_held, webhook_targets

log = logging.getLogger(__name__)


def letter_of(row: dict) -> Letter:
    headers = row.get("headers") or {}
    text, html = row["body_text"] or "", row["body_html"]
    if headers.get("secret_link"):  # a sign-in link: only the e-mail itself carries it, never the log
        text = text.replace(SECRET_LINK, headers["secret_link"])
        html = html and html.replace(SECRET_LINK, html_escape(headers["secret_link"]))
    return Letter(
        delivery_id=row["id"], to=row["recipient"], subject=row["subject"], text=text,
        html=html, locale=row["locale"],
        sender_name=headers.get("sender_name"), reply_to=headers.get("reply_to"),
        unsubscribe_url=headers.get("unsubscribe_url"), calendar=row["calendar"],
        calendar_method=headers.get("calendar_method"),
    )


class Dispatcher:
    def __init__(self, settings: NotifySettings, engine: Engine, email=None, webhooks: WebhookChannel | None = None,
                 worker_id: str | None = None):
        self.settings = settings
        self.engine = engine
        self.email = email or email_channel(settings)
        self.webhooks = webhooks or WebhookChannel(settings)
        self.policy = RetryPolicy(settings.max_attempts, settings.retry_base_seconds, settings.retry_max_seconds)
        self.worker = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:64]
        self.lease = timedelta(seconds=settings.lease_seconds)
        self._renew_at = 0.0  # monotonic time when the leases of a batch still to send are renewed next
        self.owner = store.ClaimOwner(engine, self.worker)
        self.owner.hold()
        self._down_until: datetime | None = None
        self._outages = 0  # failed attempts to reach the SMTP server in a row
        self._handled: dict[str, int] = {"email": 0, "webhook": 0}  # claimed in the last round, per channel
        self._recorder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notify-recorder")

    # -- the timers ------------------------------------------------------------------------------

    def tick(self) -> int:
        """Send what is due now on every channel; return how many went out."""
        return self.send_email() + self.send_webhooks()

    def drain_email(self, budget_seconds: float = 5.0) -> int:
        return self._drain("email", self.send_email, budget_seconds)

    def drain_webhooks(self, budget_seconds: float = 5.0) -> int:
        return self._drain("webhook", self.send_webhooks, budget_seconds)

    def _drain(self, channel: str, step: Callable[[], int], budget: float) -> int:
        """Batch after batch while there is a backlog, within a time budget (so a stopping worker
        is not held up)."""
        done, deadline = 0, time.monotonic() + budget
        while True:
            self._handled[channel] = 0
            done += step()
            if self._handled[channel] < self.settings.batch or time.monotonic() > deadline:
                return done

    def _claim(self, channel: str) -> list[dict]:
        self.owner.hold()
        with self.engine.begin() as conn:
            rows = claim(conn, channel, clock.now(), self.settings.batch, self.worker, self.lease)
        self._handled[channel] = len(rows)
        self._renew_at = time.monotonic() + self.lease.total_seconds() / 3
        return rows

    def _record(self, outcome: Outcome, still_to_send: Sequence[str] = ()) -> bool:
        """Record one outcome in its own transaction (and, a third of the lease after the last
        time, hold on to the rest of the batch); False if the delivery was no longer this
        dispatcher's — its lease ran out, or it was cancelled or erased meanwhile."""
        renewing: Sequence[str] = ()
        if still_to_send and time.monotonic() >= self._renew_at:
            renewing, self._renew_at = still_to_send, time.monotonic() + self.lease.total_seconds() / 3
        if outcome.result != "sent" or renewing:
            return bool(self._settle([outcome], renewing))
        with self.engine.connect() as conn:  # the common case: on PostgreSQL one statement, committed as it runs
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            sent = record_sent(conn, outcome.delivery, clock.now(), self.policy, self.worker)
            conn.commit()
        self._count([sent] if sent else [])
        return sent is not None

    def _still_mine(self, rows: Sequence[dict]) -> list[dict]:
        with self.engine.connect() as conn:
            return still_held(conn, rows, self.worker)

    def _settle(self, outcomes: list[Outcome], still_to_send: Sequence[str] = ()) -> list[Settled]:
        if not outcomes and not still_to_send:
            return []
        with self.engine.begin() as conn:
            settled = settle(conn, outcomes, clock.now(), self.policy, self.worker)
            renew(conn, still_to_send, clock.now(), self.lease, self.worker)
        self._count(settled)
        return settled

    @staticmethod
    def _count(settled: list[Settled]) -> None:
        for s in settled:  # counted once the transaction holds them
            row = s.delivery
            if s.status == "sent":
                metrics.NOTIFICATIONS_SENT.labels("notify", row["channel"], row["tenant"]).inc()
            elif s.status == "failed":
                metrics.NOTIFICATIONS_FAILED.labels("notify", row["channel"], row["tenant"]).inc()
                log.error("delivery %s (%s, %s) failed after %d attempt(s): %s", row["id"], row["message"],
                          row["channel"], s.attempts, s.error, extra={"tenant": row["tenant"], "delivery": row["id"]})
            elif s.error:
                log.warning("delivery %s (%s, %s) will be tried again: %s", row["id"], row["message"], row["channel"],
                            s.error, extra={"tenant": row["tenant"], "delivery": row["id"]})

    # -- e-mail ------------------------------------------------------------------------------------

    def send_email(self) -> int:
        if self._down_until is not None and clock.now() < self._down_until:
            return 0  # the server was unreachable a moment ago: wait for the next probe
        claimed = self._claim("email")
        if not claimed:
            return 0
        sent, pending = 0, deque(claimed)
        recording: list[Future] = []  # outcomes being recorded while the next message is prepared

        def ready() -> bool:
            """Are the messages before on record, and still this dispatcher's? (asked before the
            content of the next one goes out)"""
            held = all([f.result() for f in recording])
            recording.clear()
            return held

        down: ChannelDown | None = None
        try:
            with self.email.session() as session:
                while pending:
                    row = pending[0]
                    outcome = self._build(row)
                    if not isinstance(outcome, Outcome):
                        try:
                            outcome = self._send(session, row, outcome, ready)
                        except Withheld:
                            ready()  # a failure to record surfaces here
                            # one before was taken from this dispatcher: go on with what is still its own
                            pending = deque(self._still_mine(pending))
                            continue
                    pending.popleft()
                    sent += outcome.result == "sent"
                    recording.append(self._recorder.submit(self._record, outcome, [r["id"] for r in pending]))
        except ChannelDown as exc:
            down = exc
        finally:
            for future in recording:
                future.result()  # a failure to record surfaces here (the next claim takes the rest again)
        if down is not None:
            self._settle([Outcome(row, "deferred", str(down)) for row in pending])
            self._outage(down)
        else:
            self._recovered()
        return sent

    def _build(self, row: dict) -> Message | Outcome:
        """The e-mail of ``row``, or the outcome of a delivery that cannot become one."""
        try:
            if not row["body_text"]:
                raise PermanentFailure("nothing to send: the message's text is gone")
            return build_email(self.settings, letter_of(row), clock.now())
        except PermanentFailure as exc:
            return Outcome(row, "failed", str(exc))
        except Exception as exc:  # a fault of ours with this one message: it must not stop the rest
            log.exception("delivery %s could not be built", row["id"])
            return Outcome(row, "retry", f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _send(session, row: dict, message: Message, ready) -> Outcome:
        try:
            session.send(message, ready)
            return Outcome(row, "sent")
        except PermanentFailure as exc:
            return Outcome(row, "failed", str(exc))
        except TransientFailure as exc:
            return Outcome(row, "retry", str(exc), exc.retry_after)
        except (ChannelDown, Withheld):
            raise
        except Exception as exc:  # a fault of ours with this one message: it must not stop the rest
            log.exception("delivery %s could not be sent", row["id"])
            return Outcome(row, "retry", f"{type(exc).__name__}: {exc}")

    def _outage(self, exc: Exception) -> None:
        first = self._outages == 0
        self._outages += 1
        # half the ceiling for sure, a random share of the other half: replicas do not retry in step
        ceiling = backoff(self._outages, 0.5, self.settings.outage_max_seconds)
        wait = ceiling / 2 + backoff(self._outages, 0.25, self.settings.outage_max_seconds / 2, jitter=True)
        self._down_until = clock.now() + timedelta(seconds=wait)
        (log.error if first else log.warning)(
            "e-mail cannot be sent (%s); everything waits, next try in %.1fs", exc, wait)

    def _recovered(self) -> None:
        if self._outages:
            log.warning("the SMTP server answers again; the waiting messages go out")
        self._outages, self._down_until = 0, None

    # -- webhooks ----------------------------------------------------------------------------------

    def send_webhooks(self) -> int:
        rows = self._claim("webhook")
        if not rows:
            return 0
        with self.engine.connect() as conn:
            endpoints, secrets = webhook_targets(conn, rows, clock.now())
        unreachable: dict[str, str] = {}
        refusals: dict[str, str | None] = {}  # checked (and its host resolved) once per endpoint and batch
        sent, pending = 0, deque(rows)
        while pending:
            row = pending.popleft()
            outcome = self._post(row, endpoints.get(row["recipient"]), secrets, unreachable, refusals)
            sent += outcome.result == "sent"
            if not self._record(outcome, [r["id"] for r in pending]):
                pending = deque(self._still_mine(pending))
        return sent

    def _post(self, row: dict, endpoint: dict | None, secrets: dict[str, list[str]], unreachable: dict[str, str],
              refusals: dict[str, str | None]) -> Outcome:
        if endpoint is None or endpoint["tenant"] != row["tenant"] or not endpoint["active"]:
            return Outcome(row, "failed", "the webhook endpoint was removed or switched off")
        if endpoint["id"] in unreachable:  # it just failed to answer: do not wait on it again now
            return Outcome(row, "later", unreachable[endpoint["id"]])
        if endpoint["id"] not in refusals:
            refusals[endpoint["id"]] = url_refusal(endpoint["url"], self.settings.webhook_allow_http_loopback)
        refusal = refusals[endpoint["id"]]
        if refusal or row["tenant"] not in secrets or not row["payload"]:
            return Outcome(row, "failed", refusal and f"the URL {refusal}" or "no payload or signing secret")
        body = row["payload"].encode()
        timestamp = int(clock.now().timestamp())
        headers = {
            "Content-Type": "application/json", SIGNATURE_HEADER: signature_header(secrets[row["tenant"]], timestamp, body),
            "Tandem-Event-Id": row["event_id"], "Tandem-Event-Type": row["event_type"], "Tandem-Delivery": row["id"],
        }
        try:
            self.webhooks.post(endpoint["url"], body, headers)
            return Outcome(row, "sent")
        except PermanentFailure as exc:
            return Outcome(row, "failed", str(exc))
        except TransientFailure as exc:
            if str(exc).startswith(("cannot connect", "timed out")):
                unreachable[endpoint["id"]] = str(exc)
            return Outcome(row, "retry", str(exc), exc.retry_after)
        except Exception as exc:  # a fault of ours with this one delivery: the others go on
            log.exception("webhook delivery %s could not be sent", row["id"])
            return Outcome(row, "retry", f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        self.webhooks.close()
        self._recorder.shutdown(wait=True)
        self.owner.release()
