"""`tandem up` for the integration tests: every service as its own processes (gunicorn API +
worker) and the web front under gunicorn, on the real RabbitMQ and PostgreSQL, with notify
sending its e-mail over SMTP to a server on loopback that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import os
import random
import re
import signal
import socket
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.conftest import rabbitmqctl
from tests.skeleton import eventually, over_urllib

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "matching", "scheduling", "notify")


class Inbox:
    """What the SMTP server received: aiosmtpd's envelopes, in the order they came."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages for one address so far, parsed."""
        return [email.message_from_bytes(m.content, policy=email.policy.default)
                for m in list(self.messages) if address in m.rcpt_tos]

    def links(self, address: str, prefix: str) -> list[str]:
        """Every link starting with ``prefix`` in the messages for ``address``, oldest first."""
        pattern = re.compile(re.escape(prefix) + r"[^\s\"'<>]*")
        found = []
        for message in self.to(address):
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    for link in pattern.findall(part.get_content().replace("&amp;", "&")):
                        if link not in found:
                            found.append(link)
        return found

    def link(self, address: str, prefix: str, timeout: float = 30.0) -> str:
        """The first such link, once an e-mail with one has arrived."""
        return eventually(lambda: self.links(address, prefix)[:1], timeout, f"a link to {prefix} in an e-mail to {address}")[0]


@contextmanager
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    """An SMTP server on a free loopback port: (port, inbox)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@contextmanager
def scratch_vhost(host: str) -> Iterator[str]:
    """A vhost of the real broker for as long as the block lasts (for fixtures wider than a test,
    which tests/conftest.py's ``amqp_url`` is not)."""
    vhost = f"tandem-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield f"amqp://guest:guest@{host}:5672/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_base() -> int:
    """A port with the four after it free too: the web front on it, the APIs on +1 … +4. They are
    taken below the kernel's ephemeral range, so no outgoing connection (to PostgreSQL, say) takes
    one of them between this choice and gunicorn binding it."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    while True:
        base = random.randrange(10000, max(low, 10010) - 5)
        try:
            for port in range(base, base + 5):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue


@dataclass
class Up:
    """The running `tandem up`: each API's base URL, the web front's, the signing key, the
    mailbox, the process (its log in ``log``) and each service's database URL."""

    urls: dict[str, str]
    web: str
    key: str
    inbox: Inbox
    proc: subprocess.Popen
    log: Path
    databases: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """A call to the API that owns ``path`` (``/intake/…`` to intake, and so on)."""
        return over_urllib(self.urls[path.split("/")[1]])(method, path, body, token)

    def ready(self, url: str) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"tandem up ended: {self.log.read_text()[-3000:]}")
        try:  # a worker still booting keeps the connection waiting: ask again
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as answer:
                return answer.status == 200
        except OSError:  # refused, timed out, or an error status
            return False


@contextmanager
def tandem_up(amqp_url: str, postgres: str, smtp: tuple[int, Inbox], data: Path, api_workers: int = 1) -> Iterator[Up]:
    """Start `tandem up` on fresh databases (``postgres`` is the URL template of tests/conftest.py)
    and wait until every API and the web front are ready; stop it and drop the databases after."""
    port, inbox = smtp
    prefix = f"tandem_test_up_{uuid.uuid4().hex[:8]}"
    base = free_port_base()
    key = "test-signing-key-" + uuid.uuid4().hex
    # the addresses are `tandem up`'s own (from its port base), whatever another fixture of this
    # run (tests/web's embedded platform) has set in the environment
    inherited = {name: value for name, value in os.environ.items()
                 if not (name.startswith("TANDEM_") and name.endswith("_URL"))}
    env = dict(
        inherited,
        AMQP_URL=amqp_url,
        DATABASE_URL=postgres.format(db=prefix + "_{service}"),
        TANDEM_DATA_DIR=str(data),
        TANDEM_SIGNING_KEY=key,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    path = data / "up.log"
    log = open(path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "up", "--port-base", str(base), "--api-workers", str(api_workers)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    up = Up(urls={name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(SERVICES, start=1)},
            web=f"http://127.0.0.1:{base}", key=key, inbox=inbox, proc=proc, log=path,
            databases={name: postgres.format(db=f"{prefix}_{name}") for name in SERVICES})
    try:
        for name, url in up.urls.items():
            eventually(lambda url=url, name=name: up.ready(f"{url}/{name}"), timeout=90, what=f"{name} to be ready")
        eventually(lambda: up.ready(up.web), timeout=30, what="the web front to be ready")
        yield up
    finally:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
        log.close()
        admin = sa.create_engine(postgres.format(db="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in SERVICES:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')
        admin.dispose()


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    """Signal `tandem up` and every process it started (its own process group), if any is left."""
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:
        pass
