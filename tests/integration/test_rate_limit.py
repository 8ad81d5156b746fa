"""The public rate limit as it runs in production: replicas of intake under gunicorn (two workers
each) behind an ingress that appends the peer's address to X-Forwarded-For, counting in the real
Redis — so each applicant has their own count, and every worker and replica adds to the same one."""

from __future__ import annotations

import http.client
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from werkzeug.test import Client

from services.intake.app import create_app
from services.shared.config import settings_for
from services.shared.db import create_engine, migrate
from tests.conftest import need
from tests.intake.conftest import KEY, Intake

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ingress(ThreadingHTTPServer):
    """What the ingress does: hands each request to the next replica, appending the address of
    the peer it came from to X-Forwarded-For (whatever the client claimed stays in front)."""

    daemon_threads = True

    def __init__(self, replica_ports: list[int]):
        super().__init__(("127.0.0.1", 0), _Forward)
        self._next = itertools.cycle(replica_ports)
        self._lock = threading.Lock()

    def replica(self) -> int:
        with self._lock:
            return next(self._next)


class _Forward(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's hook
        claimed = self.headers.get("X-Forwarded-For")
        forwarded = f"{claimed}, {self.client_address[0]}" if claimed else self.client_address[0]
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.replica(), timeout=10)
        upstream.request("GET", self.path, headers={"Host": self.headers["Host"], "X-Forwarded-For": forwarded})
        answer = upstream.getresponse()
        body = answer.read()
        upstream.close()
        self.send_response(answer.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def status_from(address: str, port: int, path: str, claimed: str | None = None) -> int:
    """GET through the ingress from a loopback address of our choosing (127.0.0.0/8 is all ours)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(address, 0))
    conn.request("GET", path, headers={"X-Forwarded-For": claimed} if claimed else {})
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.fixture
def redis_prefix():
    need("Redis", "127.0.0.1", 6379)
    prefix = f"tandem-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(f"{prefix}*"):
        store.delete(key)
    store.close()


@pytest.fixture
def behind_the_ingress(tmp_path, redis_prefix):
    """Two replicas of intake's API, two gunicorn workers each, behind one ingress."""
    intake = Intake(f"sqlite:///{tmp_path}/intake.db", tmp_path)
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    env = dict(os.environ, INTAKE_DATABASE_URL=intake.settings.database_url, AMQP_URL="memory://",
               TANDEM_DATA_DIR=str(tmp_path), TANDEM_SIGNING_KEY=KEY, TANDEM_SERVICE="intake",
               TANDEM_PUBLIC_RATE_LIMIT="6 per hour", TANDEM_TRUSTED_PROXIES="1",
               RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=redis_prefix)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    ports = [free_port(), free_port()]
    replicas = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:services.shared.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "services.intake.app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    ingress = Ingress(ports)
    threading.Thread(target=ingress.serve_forever, daemon=True).start()
    try:
        for port in ports:
            _wait_until_serving(port)
        yield ingress.server_address[1], f"/intake/public/cohorts/{cohort['id']}"
    finally:
        ingress.shutdown()
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            replica.wait(timeout=30)


def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if status_from("127.0.0.1", port, "/intake/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"intake did not start on port {port}")


def test_each_applicant_has_their_own_count_and_every_worker_and_replica_adds_to_it(behind_the_ingress):
    port, cohort_page = behind_the_ingress
    # Amira reads the cohort page twelve times; the ingress spreads her over both replicas
    amira = [status_from("127.0.0.2", port, cohort_page) for _ in range(12)]
    assert amira == [200] * 6 + [429] * 6
    # Bashir, at another address behind the same ingress, is not held up by her
    assert status_from("127.0.0.3", port, cohort_page) == 200
    # and Amira cannot buy a fresh count by claiming another address herself
    assert status_from("127.0.0.2", port, cohort_page, claimed="203.0.113.9") == 429


def test_a_forwarded_address_is_believed_only_through_the_configured_proxies(tmp_path):
    database_url = f"sqlite:///{tmp_path}/intake.db"
    migrate("intake", database_url)
    page = f"/intake/public/cohorts/{uuid.uuid4()}"

    def statuses(trusted_proxies: int) -> list[int]:
        settings = settings_for("intake", database_url=database_url, amqp_url="memory://", signing_key=KEY,
                                public_rate_limit="3 per hour", trusted_proxies=trusted_proxies, data_dir=tmp_path)
        client = Client(create_app(settings, create_engine(database_url)))
        return [client.get(page, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(5)]

    assert statuses(trusted_proxies=0)[3:] == [429, 429]  # anyone can write the header: one count
    assert 429 not in statuses(trusted_proxies=1)  # the ingress wrote it: one count per applicant
