"""The walking skeleton with every service as its own processes (gunicorn API + worker), on the
real RabbitMQ and PostgreSQL, with notify sending over SMTP to a server on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from services.shared.tenancy import issue_token
from tests.skeleton import eventually, over_urllib, recorded_everywhere, walk

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "matching", "scheduling", "notify")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _free_port_base() -> int:
    while True:
        base = _free_port()
        if base > 60000:
            continue
        ports = [base + i for i in range(1, 5)]
        try:
            for port in ports:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue


@pytest.fixture
def platform(amqp_url, postgres, smtp, tmp_path):
    controller, inbox = smtp
    prefix = f"tandem_test_up_{uuid.uuid4().hex[:8]}"
    base = _free_port_base()
    key = "test-signing-key-" + uuid.uuid4().hex
    env = dict(
        os.environ,
        AMQP_URL=amqp_url,
        DATABASE_URL=postgres.format(db=prefix + "_{service}"),
        TANDEM_DATA_DIR=str(tmp_path),
        TANDEM_SIGNING_KEY=key,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(controller.port),
        PYTHONUNBUFFERED="1",
    )
    log = open(tmp_path / "up.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "up", "--port-base", str(base), "--api-workers", "1"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    urls = {name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(SERVICES, start=1)}
    try:
        for name, url in urls.items():
            eventually(lambda url=url, name=name: over_urllib(url)("GET", f"/{name}/readyz")[0] == 200 if proc.poll() is None
                       else pytest.fail(f"tandem up ended: {(tmp_path / 'up.log').read_text()[-3000:]}"),
                       timeout=90, what=f"{name} to be ready")
        yield {"urls": urls, "key": key, "inbox": inbox, "proc": proc}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        admin = sa.create_engine(postgres.format(db="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in SERVICES:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')
        admin.dispose()


def test_the_walking_skeleton_over_rabbitmq_and_postgresql(platform):
    urls = platform["urls"]

    def send(method, path, body=None, token=None):
        service = path.split("/")[1]
        return over_urllib(urls[service])(method, path, body, token)

    operator = issue_token(platform["key"], tenant="*", role="operator", sub="ops")
    walked = walk(send, operator)
    recorded_everywhere(send, walked, timeout=60)
    envelope = eventually(lambda: [m for m in platform["inbox"].messages if "amira.haddad@example.se" in m.rcpt_tos],
                          timeout=30, what="the acknowledgement over SMTP")[0]
    assert "Vi har tagit emot din ans" in envelope.content.decode()

    # each API exposes its metrics, aggregated over its gunicorn workers and its worker process
    metrics = over_urllib(urls["notify"])
    import urllib.request
    text = urllib.request.urlopen(urls["notify"] + "/metrics", timeout=10).read().decode()
    assert 'tandem_events_consumed_total{service="notify",tenant="saco",type="application.submitted.v1"} 1.0' in text
    assert metrics("GET", "/healthz")[0] == 200
