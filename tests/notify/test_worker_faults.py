"""Notify's worker as the containers run it — its own process, on PostgreSQL and RabbitMQ, sending
to an SMTP server — killed in the middle of a batch, and run as two replicas at once: nobody
hears the same thing twice (at most the one message in flight when the worker died), and the
backlog drains within seconds of the kill, not after a lease runs out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.notify import store
from tests.notify.conftest import KEY, Notify, sample

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 300


class Worker:
    """``python -m services.notify.worker``, as a replica runs it."""

    def __init__(self, notify: Notify, amqp_url: str, smtp_port: int, log: Path):
        env = {
            **os.environ, "NOTIFY_DATABASE_URL": str(notify.engine.url.render_as_string(hide_password=False)),
            "AMQP_URL": amqp_url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
            "TANDEM_SIGNING_KEY": KEY, "TANDEM_DATA_DIR": str(log.parent), "TANDEM_PUBLIC_URL": "https://tandem.example.org",
            "MAIL_FROM": "Tandem <no-reply@tandem.example.org>", "NOTIFY_BATCH": "100", "NOTIFY_DISPATCH_INTERVAL": "0.2",
        }
        env.pop("METRICS_PORT", None)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.log = log.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "services.notify.worker"], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def queue_backlog(notify: Notify) -> set[str]:
    addresses = set()
    for tenant in ("saco", "oske", "vestfold"):
        cohort = notify.cohort(tenant)
        for n in range(BACKLOG // 3):
            address = f"adept{n}@{tenant}.example.org"
            addresses.add(address)
            notify.feed("application.accepted.v1", tenant, sample("application.accepted.v1", cohort,
                                                                  application_id=f"{tenant}-{n}", email=address))
    return addresses


def pending(notify: Notify) -> int:
    d = store.deliveries
    with notify.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(d).where(d.c.status == "pending")).scalar_one()


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def backlog(pg_url_factory, tmp_path, mail):
    notify = Notify(pg_url_factory("notify"), tmp_path, smtp_port=mail.port)
    notify.dispatcher.close()  # only the worker processes send
    addresses = queue_backlog(notify)
    yield notify, addresses
    notify.engine.dispose()


@pytest.mark.services
def test_a_worker_killed_mid_batch_sends_nothing_twice_and_its_successor_drains_the_backlog_within_seconds(
        backlog, amqp_url, mail, tmp_path):
    notify, addresses = backlog
    first = Worker(notify, amqp_url, mail.port, tmp_path / "first.log")
    second = None
    try:
        assert wait_until(lambda: len(mail.received) >= 60, 60), "the first worker sent nothing"
        first.kill()  # in the middle of its first batch of 100
        killed_at, at_kill = time.monotonic(), len(mail.received)
        assert pending(notify) > 0
        second = Worker(notify, amqp_url, mail.port, tmp_path / "second.log")
        assert wait_until(lambda: pending(notify) == 0, 30), "the successor did not take the claims over"
        drained_after = time.monotonic() - killed_at
    finally:
        first.stop()
        if second is not None:
            second.stop()
    ids = Counter(m["Message-ID"] for m in mail.received)
    duplicates = sum(n - 1 for n in ids.values())
    print(f"killed after {at_kill} e-mails; backlog drained {drained_after:.1f}s after the kill; {duplicates} duplicate(s)")
    assert duplicates <= 1  # at most the one in flight when the worker died
    assert {m["To"].addresses[0].addr_spec for m in mail.received} == addresses
    assert drained_after <= 15
    assert {d["status"] for d in notify.deliveries()} == {"sent"}
    assert len(notify.outbox("notification.sent")) == BACKLOG


@pytest.mark.services
def test_two_worker_replicas_share_one_backlog_and_send_every_message_once(backlog, amqp_url, mail, tmp_path):
    notify, addresses = backlog
    workers = [Worker(notify, amqp_url, mail.port, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        assert wait_until(lambda: pending(notify) == 0, 60), "the backlog did not drain"
    finally:
        for worker in workers:
            worker.stop()
    ids = Counter(m["Message-ID"] for m in mail.received)
    assert len(mail.received) == BACKLOG and set(ids.values()) == {1}
    assert {m["To"].addresses[0].addr_spec for m in mail.received} == addresses
    assert len(notify.outbox("notification.sent")) == BACKLOG
