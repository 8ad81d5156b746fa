"""A crash-looping worker against the real RabbitMQ and PostgreSQL: being killed costs no event.

The fault this guards against: notify's worker was killed within a second of attaching, seven
times in a row, and the broker dead-lettered every event it had been holding (the whole
prefetch window, reason ``delivery_limit``), because a quorum queue counts a crashed consumer's
unacknowledged messages as deliveries. Here a small consuming service runs as a separate worker
process (forked, so that it starts quickly) with the production defaults (prefetch 500, five
handler attempts) on a scratch vhost with the deployment's queue policy, and is SIGKILLed soon
after it attaches, again and again.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import threading
import time
from urllib.parse import unquote, urlsplit

import pika
import pytest
import sqlalchemy as sa

from services.ops import _policy
from services.shared.bus import HandlerTable, PikaConfirmPublisher, connection, declare
from services.shared.config import Settings
from services.shared.contract import Event, new_event, parse_event
from services.shared.db import add_messaging_tables, create_engine, ensure_database
from services.shared.worker import ServiceWorker
from tests.conftest import rabbitmqctl

pytestmark = pytest.mark.services

SERVICE = "crashtest"
EVENT = "tenant.created.v1"
FORK = multiprocessing.get_context("fork")

metadata = sa.MetaData()
outbox_table, inbox_table = add_messaging_tables(metadata)
# One row per application (no unique constraint: an event applied twice shows as two rows).
applied_table = sa.Table(
    "applied", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False),
)
# One row per handler call of a poisoned event, written outside the handler's transaction.
attempts_table = sa.Table(
    "attempts", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
)


def acknowledgement(n: int, name: str = "ok") -> Event:
    return new_event(EVENT, source="tests", tenant="acme", subject=f"applicant-{n}", data={"slug": f"a{n}", "name": name})


def worker_process(settings: Settings, attached) -> None:
    """The worker: consumer, relay and timers, as `tandem worker` runs them, until it is killed."""
    engine = create_engine(settings.database_url)
    handlers = HandlerTable(SERVICE)

    @handlers.on(EVENT)
    def acknowledge(conn, event: Event) -> None:
        if event.data["name"] == "poison":
            with engine.begin() as other:
                other.execute(attempts_table.insert().values(event_id=event.id, pid=os.getpid()))
            raise RuntimeError(f"cannot acknowledge {event.id}")
        time.sleep(0.001)  # a little work per event, so that kills land while a batch is applied
        conn.execute(applied_table.insert().values(event_id=event.id))

    worker = ServiceWorker(settings, engine, outbox_table, inbox_table, handlers)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker.start(stop)
    if worker.consumer.connected.wait(15):
        attached.set()
    stop.wait()
    for thread in worker.threads:
        thread.join(timeout=10)


class CrashLoop:
    def __init__(self, settings: Settings, engine: sa.Engine):
        self.settings, self.engine = settings, engine

    def start(self):
        attached = FORK.Event()
        process = FORK.Process(target=worker_process, args=(self.settings, attached), daemon=True)
        process.start()
        assert attached.wait(20), "the worker did not attach to its queue"
        return process

    def crash(self, times: int, rng: random.Random) -> None:
        """Start the worker and SIGKILL it soon after it attaches, ``times`` times."""
        for _ in range(times):
            process = self.start()
            time.sleep(rng.uniform(0.02, 0.6))
            os.kill(process.pid, signal.SIGKILL)
            process.join(10)

    def publish(self, events: list[Event]) -> None:
        with connection(self.settings, "test") as conn:
            declare(self.settings, [EVENT], conn.channel())
        publisher = PikaConfirmPublisher(self.settings, name="test")
        try:
            assert all(publisher.publish_batch([(e.type, e.tenant, e.id, e.to_json()) for e in events]))
        finally:
            publisher.close()

    def applied(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(applied_table.c.event_id)).scalars())

    def attempts(self, event_id: str, pid: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(attempts_table).where(
                attempts_table.c.event_id == event_id, attempts_table.c.pid == pid)).scalar_one()

    def dead_letters(self) -> list[tuple[pika.BasicProperties, bytes]]:
        with pika.BlockingConnection(pika.URLParameters(self.settings.amqp_url)) as conn:
            channel, found = conn.channel(), []
            while (got := channel.basic_get(f"{self.settings.queue}.dlq", auto_ack=True))[0] is not None:
                found.append((got[1], got[2]))
            return found

    def run_until(self, done, timeout: float, what) -> None:
        process = self.start()
        try:
            deadline = time.monotonic() + timeout
            while not done():
                assert time.monotonic() < deadline, what()
                time.sleep(0.1)
        finally:
            process.terminate()
            process.join(15)


@pytest.fixture
def loop(amqp_url, pg_url_factory):
    url = pg_url_factory("crash")
    ensure_database(url)
    engine = create_engine(url)
    metadata.create_all(engine)
    # The defaults of a deployed worker, and the broker policy the deployment sets on its queue.
    settings = Settings(service=SERVICE, database_url=url, amqp_url=amqp_url, signing_key="crash-tests")
    policy = _policy(SERVICE)
    vhost = unquote(urlsplit(amqp_url).path.lstrip("/"))
    rabbitmqctl("set_policy", "-p", vhost, "--apply-to", policy["apply-to"], "--priority", str(policy["priority"]),
                policy["name"], policy["pattern"], __import__("json").dumps(policy["definition"]))
    yield CrashLoop(settings, engine)
    engine.dispose()


def test_a_crash_looping_worker_dead_letters_no_healthy_event(loop):
    events = [acknowledgement(n) for n in range(1000)]
    loop.publish(events)

    loop.crash(20, random.Random(7))
    wanted = {e.id for e in events}
    loop.run_until(lambda: wanted <= set(loop.applied()), 30,
                   lambda: f"{len(wanted - set(loop.applied()))} of 1000 events were never applied")

    dead = loop.dead_letters()
    assert not dead, f"{len(dead)} healthy events were dead-lettered, e.g. {dead[0][0].headers}"
    applied = loop.applied()
    assert len(applied) == 1000 and set(applied) == wanted, "every event is applied exactly once"


def test_a_failing_handler_still_gets_its_retries_and_its_reason_after_crashes(loop):
    poison = acknowledgement(0, "poison")
    healthy = [acknowledgement(n) for n in range(1, 200)]
    loop.publish([poison, *healthy])

    loop.crash(8, random.Random(11))  # more crashes than the handler has attempts
    final = {}

    def done():
        final.setdefault("pid", multiprocessing.active_children()[0].pid)
        return {e.id for e in healthy} <= set(loop.applied()) and loop.attempts(poison.id, final["pid"]) >= 5

    loop.run_until(done, 30, lambda: f"applied {len(loop.applied())} of 199; the poisoned event tried "
                   f"{loop.attempts(poison.id, final.get('pid', 0))} times by the last worker")
    time.sleep(0.5)  # the dead letter is published right after the last attempt
    dead = loop.dead_letters()
    assert [parse_event(body).id for _p, body in dead] == [poison.id], "only the failing event is dead-lettered"
    reason = (dead[0][0].headers or {}).get("x-tandem-reason")
    reason = reason.decode() if isinstance(reason, bytes) else reason
    assert reason and "handler failed 5 times" in reason and "cannot acknowledge" in reason, dead[0][0].headers
    assert loop.attempts(poison.id, final["pid"]) == 5, "crashes cost the handler none of its five attempts"
    assert sorted(loop.applied()) == sorted(e.id for e in healthy)
