"""The browser tests' surroundings: the embedded platform served on a local port (Debian's
Chromium and its ``browser`` and ``page`` fixtures are in tests/chromium.py, for the whole suite)."""

from __future__ import annotations

import logging
import mailbox
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kombu.transport import memory

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, REQUIRE, need_chromium  # noqa: F401  (the browser tests import them from here)
from tests.skeleton import Send, applicant, eventually, expect, over_urllib

# The platform's clock runs from this morning on, whenever the tests run, so that the cohorts'
# dates in 2027 stay ahead (tokens keep real time).
TODAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class _Deferred:
    """The server listens (and so knows its port) before the platform is built with that URL."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class Tandem:
    """The embedded platform on a local port, and the calls a coordinator makes through the API
    to set up what an applicant then meets in the browser."""

    url: str
    mbox: Path
    operator: str
    send: Send
    tenants: dict[str, str] = field(default_factory=dict)  # coordinator's token -> tenant

    def coordinator(self, slug: str | None = None) -> str:
        """A new tenant and its coordinator's token."""
        slug = slug or f"t{uuid.uuid4().hex[:8]}"
        expect(self.send("POST", "/intake/tenants", {"slug": slug, "name": slug.title()}, self.operator), 201)
        token = expect(self.send("POST", f"/intake/tenants/{slug}/tokens",
                                 {"role": "coordinator", "sub": f"coordinator@{slug}.example.se"}, self.operator), 201)["token"]
        self.tenants[token] = slug
        return token

    def representative(self, coordinator: str, org: str) -> str:
        """A member organisation's representative in the coordinator's tenant."""
        slug = self.tenants[coordinator]
        return expect(self.send("POST", f"/intake/tenants/{slug}/tokens",
                                {"role": "representative", "sub": f"rep@{org}.example.se", "org": org}, self.operator), 201)["token"]

    def nominee_link(self, coordinator: str, cohort: dict, org: str, name: str, email: str) -> str:
        """A representative nominates a mentor, the coordinator accepts: the mentor-form link mailed to them."""
        nomination = expect(self.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                      {"name": name, "email": email, "rank": 1}, self.representative(coordinator, org)), 201)
        expect(self.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
        return self.link_in_mail(email, "/mentor-form?token=")

    def programme(self, coordinator: str, **fields) -> dict:
        body = {"name": {"sv": "Mentorprogram för utrikes födda akademiker", "fi": "Mentorointiohjelma ulkomailla syntyneille akateemisille",
                         "nb": "Mentorprogram for utenlandsfødte akademikere", "en": "Mentoring for foreign-born graduates"},
                "locale": "sv", "languages": ["sv", "en"], **fields}
        return expect(self.send("POST", "/intake/programmes", body, coordinator), 201)

    def open_cohort(self, coordinator: str, programme: dict, mentee_places: int = 20, **fields) -> dict:
        body = {"name": "Våren 2027", "open": True, "time_zone": "Europe/Stockholm", "starts_on": "2027-02-01",
                "ends_on": "2027-08-31", "mentee_places": mentee_places, "admission": "first_come", **fields}
        return expect(self.send("POST", f"/intake/programmes/{programme['id']}/cohorts", body, coordinator), 201)

    def apply(self, cohort: dict, email: str, **fields) -> dict:
        """An application sent straight to intake's API (someone who applied before)."""
        body = {**applicant(email), **fields}
        return expect(self.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", body, None), 201)

    def mail_to(self, email: str, timeout: float = 20.0) -> list:
        """The messages in the mailbox for one address, once there is at least one."""
        def arrived():
            if not self.mbox.exists():
                return []
            return [m for m in mailbox.mbox(self.mbox) if email in (m["To"] or "")]

        return eventually(arrived, timeout, f"an e-mail to {email}")

    def link_in_mail(self, email: str, path: str, timeout: float = 20.0) -> str:
        """The first link to ``path`` on this server in an e-mail to ``email``."""
        pattern = re.compile(re.escape(self.url + path) + r"[^\s\"'<>]*")

        def found():
            for message in self.mail_to(email, timeout):
                for part in message.walk():
                    if part.get_content_maintype() == "text":
                        text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                        match = pattern.search(text.replace("&amp;", "&"))
                        if match:
                            return match.group(0)
            return None

        return eventually(found, timeout, f"a link to {path} in an e-mail to {email}")


@pytest.fixture(scope="session")
def tandem(tmp_path_factory):
    """All four services and the web front in one process, as `tandem run` serves them, on a
    free local port: the APIs answer under their prefixes, the pages at /, and the e-mail lands in
    ``<data>/mail/outbox.mbox``."""
    from services import embedded
    from services.shared import clock
    from services.shared.tenancy import issue_token

    data = tmp_path_factory.mktemp("platform")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    deferred = _Deferred()
    server = embedded.make_server("127.0.0.1", 0, deferred)
    url = f"http://127.0.0.1:{server.server_port}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TANDEM_DATA_DIR", str(data))
        mp.setenv("AMQP_URL", "memory://")
        mp.delenv("SMTP_HOST", raising=False)
        mp.delenv("DATABASE_URL", raising=False)
        mp.setenv("TANDEM_PUBLIC_RATE_LIMIT", "100000 per minute")
        mp.setenv("TANDEM_PUBLIC_URL", url)
        mp.setenv("TANDEM_WEB_URL", url)
        for service in ("INTAKE", "MATCHING", "SCHEDULING", "NOTIFY"):
            mp.setenv(f"TANDEM_{service}_URL", url)
        shift = TODAY - clock.now()
        clock.advance(shift)
        platform = embedded.build(public_url=url)
        deferred.app = platform.wsgi
        platform.start_workers()
        thread = threading.Thread(target=server.serve_forever, name="tandem-web-test-server", daemon=True)
        thread.start()
        try:
            key = platform.apps["intake"].config["TANDEM_SETTINGS"].signing_key
            yield Tandem(url=url, mbox=data / "mail" / "outbox.mbox",
                         operator=issue_token(key, tenant="*", role="operator", sub="ops"), send=over_urllib(url))
        finally:
            server.shutdown()
            thread.join(timeout=10)
            platform.shutdown()
            # the in-memory broker lives as long as the process: leave nothing for other tests
            memory.Channel.queues.clear()
            memory.Transport.global_state.clear()
            clock.advance(-shift)


@pytest.fixture(scope="module")
def web(tandem):
    """The web front as its own app over the ``tandem`` platform's APIs, for the page tests'
    test client (CSRF off there: the browser tests post real forms with their tokens)."""
    from services.web.app import create_app
    from services.web.settings import web_settings

    app = create_app(web_settings(**{f"{name}_url": tandem.url for name in ("intake", "matching", "scheduling", "notify")},
                                  secret="test-secret"))
    app.config["WTF_CSRF_ENABLED"] = False
    return app
