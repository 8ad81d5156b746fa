"""The event backbone against the real RabbitMQ and PostgreSQL.

Each test runs a small service ("bustest") the way a real worker does: a ServiceWorker whose
consumer applies ``tenant.created.v1`` events to a projection table of its own, and whose outbox
relay publishes through a confirming pika publisher. Each test gets a scratch vhost and a scratch
database, and the worker's threads are always stopped in teardown.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlsplit, urlunsplit

import pika
import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from services.shared import outbox
from services.shared.bus import PARKING_QUEUE, HandlerTable, publisher_factory
from services.shared.config import Settings
from services.shared.contract import Event, new_event, parse_event
from services.shared.db import add_messaging_tables, create_engine, ensure_database
from services.shared.worker import ServiceWorker
from tests.conftest import rabbitmqctl
from tests.unit.test_contract import SAMPLES

from .tcp_proxy import TcpProxy

pytestmark = pytest.mark.services

SERVICE = "bustest"
EVENT = "tenant.created.v1"
DELIVERY_LIMIT = 3

# --- the little service under test -------------------------------------------------------------

metadata = sa.MetaData()
outbox_table, inbox_table = add_messaging_tables(metadata)
# What the handler does: one row per application, in the order applied. No unique constraint on
# purpose, so an event applied twice shows up as two rows instead of being hidden by the database.
applied_table = sa.Table(
    "applied",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
)


def tenant_created(subject: str, name: str = "ok", tenant: str = "acme") -> Event:
    """An event of aggregate ``subject``. A name starting with "poison" makes the handler fail
    every time, one starting with "flaky" only the first time (as a deadlock would)."""
    return new_event(
        EVENT, source="tests", tenant=tenant, subject=subject, data={"slug": subject, "name": name}
    )


def make_handlers(attempts: Counter) -> HandlerTable:
    handlers = HandlerTable(SERVICE)

    @handlers.on(EVENT)
    def apply_tenant_created(conn, event: Event) -> None:
        attempts[event.id] += 1
        if event.data["name"].startswith("poison"):
            raise RuntimeError(f"poisoned event {event.id}")
        if event.data["name"].startswith("flaky") and attempts[event.id] == 1:
            raise RuntimeError(f"transient failure of {event.id}")
        conn.execute(
            applied_table.insert().values(
                event_id=event.id,
                tenant=event.tenant,
                subject=event.subject,
                name=event.data["name"],
            )
        )

    return handlers


# --- helpers -----------------------------------------------------------------------------------


def wait_for(condition: Callable[[], object], timeout: float, message: str | Callable[[], str]):
    """Poll ``condition`` until it is truthy; fail with ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"after {timeout:.0f}s: {message() if callable(message) else message}"
            )
        time.sleep(0.05)


def duplicates_counted() -> float:
    """tandem_inbox_duplicates_total (services.shared.metrics.INBOX_DUPLICATES) for our service."""
    value = REGISTRY.get_sample_value(
        "tandem_inbox_duplicates_total", {"service": SERVICE, "type": EVENT}
    )
    return value or 0.0


def text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class CountingFactory:
    """Wraps the relay's publisher factory to count its attempts to reach the broker."""

    def __init__(self, factory):
        self.factory = factory
        self.opened = 0
        self.failed = 0

    def __call__(self):
        try:
            publisher = self.factory()
        except Exception:
            self.failed += 1
            raise
        self.opened += 1
        return publisher


@dataclass
class Backbone:
    settings: Settings
    engine: sa.Engine
    attempts: Counter = field(default_factory=Counter)  # handler calls per event id
    stop: threading.Event = field(default_factory=threading.Event)
    worker: ServiceWorker | None = None
    relay_factory: CountingFactory | None = None

    # -- running the worker ---------------------------------------------------------------------

    def start(self, relay_amqp_url: str | None = None) -> None:
        """Start the consumer and relay threads; the relay may reach the broker by another URL."""
        self.worker = ServiceWorker(
            self.settings, self.engine, outbox_table, inbox_table, make_handlers(self.attempts)
        )
        relay_settings = replace(self.settings, amqp_url=relay_amqp_url or self.settings.amqp_url)
        self.relay_factory = CountingFactory(publisher_factory(relay_settings))
        self.worker.relay.publisher_factory = self.relay_factory
        self.worker.start(self.stop)
        # The consumer declares the queue and its bindings: until then a published event has
        # nowhere to go (it would come back unroutable), so wait for it.
        assert self.worker.consumer.connected.wait(15), "the consumer did not connect to the broker"

    def shutdown(self) -> None:
        self.stop.set()
        alive = []
        for thread in self.worker.threads if self.worker else []:
            thread.join(timeout=15)
            if thread.is_alive():
                alive.append(thread.name)
        assert not alive, f"worker threads did not stop: {alive}"

    # -- the database ----------------------------------------------------------------------------

    def write(self, *events: Event) -> None:
        """Write events to the outbox in one transaction, as a service's request handler would."""
        with self.engine.begin() as conn:
            for event in events:
                outbox.add(conn, outbox_table, event)

    def applications(self) -> list[tuple[str, str, str, str]]:
        """(event_id, tenant, subject, name) of every application of the handler, in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    applied_table.c.event_id,
                    applied_table.c.tenant,
                    applied_table.c.subject,
                    applied_table.c.name,
                ).order_by(applied_table.c.seq)
            ).all()
        return [tuple(r) for r in rows]

    def applied_ids(self) -> list[str]:
        return [row[0] for row in self.applications()]

    def inbox_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(inbox_table.c.event_id)).scalars())

    def pending_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(outbox_table.c.event_id)
                    .where(outbox_table.c.sent_at.is_(None))
                    .order_by(outbox_table.c.id)
                ).scalars()
            )

    def wait_applied(self, events: list[Event], timeout: float = 20) -> None:
        wanted = {e.id for e in events}
        wait_for(
            lambda: wanted <= set(self.applied_ids()),
            timeout,
            lambda: (
                f"{len(wanted - set(self.applied_ids()))} of {len(wanted)} events were not "
                f"applied; outbox still pending: {len(self.pending_ids())}"
            ),
        )

    # -- the broker, directly --------------------------------------------------------------------

    def channel(self):
        conn = pika.BlockingConnection(pika.URLParameters(self.settings.amqp_url))
        return conn, conn.channel()

    def publish_raw(
        self, body: bytes | str, *, message_id: str | None = None, tenant: str | None = None
    ) -> None:
        """Put a message on the events exchange as any client could (no contract checks)."""
        conn, channel = self.channel()
        try:
            channel.confirm_delivery()
            channel.basic_publish(
                self.settings.exchange,
                EVENT,
                body.encode() if isinstance(body, str) else body,
                pika.BasicProperties(
                    message_id=message_id or str(uuid.uuid4()),
                    delivery_mode=2,
                    content_type="application/json",
                    headers={"tenant": tenant} if tenant else {},
                ),
                mandatory=True,  # fails here (UnroutableError) if the service queue is not bound
            )
        finally:
            conn.close()

    def take_all(self, queue: str) -> list[tuple[pika.BasicProperties, bytes, str]]:
        """Every message now in ``queue``, removed from it: (properties, body, routing key)."""
        conn, channel = self.channel()
        taken = []
        try:
            while True:
                method, properties, body = channel.basic_get(queue, auto_ack=True)
                if method is None:
                    return taken
                taken.append((properties, body, method.routing_key))
        finally:
            conn.close()

    def wait_dead_letters(
        self, count: int, timeout: float = 15
    ) -> list[tuple[pika.BasicProperties, bytes, str]]:
        """Wait until ``count`` messages have reached the dead-letter queue; return all of them."""
        found: list = []
        dlq = f"{self.settings.queue}.dlq"

        def enough():
            found.extend(self.take_all(dlq))
            return len(found) >= count

        wait_for(enough, timeout, lambda: f"{len(found)} of {count} messages reached {dlq}")
        found.extend(self.take_all(dlq))  # and nothing more than expected
        return found


def vhost_of(amqp_url: str) -> str:
    return unquote(urlsplit(amqp_url).path.lstrip("/"))


def connections(vhost: str) -> list[tuple[str, str]]:
    """(connection name, client-provided connection_name) of the broker's connections to ``vhost``."""
    out = rabbitmqctl(
        "list_connections", "-q", "vhost", "name", "client_properties", "--formatter", "json"
    )
    rows = json.loads(out.stdout or "[]")
    found = []
    for row in rows:
        if row.get("vhost") != vhost:
            continue
        props = row.get("client_properties") or []
        # The json formatter renders the AMQP table as [[key, type, value], ...] (or a dict).
        if isinstance(props, dict):
            client_name = props.get("connection_name", "")
        else:
            client_name = next((p[2] for p in props if p and p[0] == "connection_name"), "")
        found.append((row.get("name"), client_name))
    return found


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def backbone(amqp_url, pg_url_factory):
    url = pg_url_factory("bus")
    ensure_database(url)
    engine = create_engine(url)
    metadata.create_all(engine)
    settings = Settings(
        service=SERVICE,
        database_url=url,
        amqp_url=amqp_url,
        signing_key="integration-tests",
        delivery_limit=DELIVERY_LIMIT,
        prefetch=10,
        relay_interval=0.05,
    )
    bb = Backbone(settings, engine)
    try:
        yield bb
    finally:
        try:
            bb.shutdown()
        finally:
            engine.dispose()


@pytest.fixture
def proxy(rabbitmq):
    """A TCP proxy to the broker on an ephemeral port of 127.0.0.1, which the test can shut."""
    p = TcpProxy(rabbitmq, 5672).open()
    yield p
    p.shut()


def through(proxy: TcpProxy, amqp_url: str) -> str:
    parts = urlsplit(amqp_url)
    netloc = f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# --- scenarios ---------------------------------------------------------------------------------


def test_events_written_while_the_broker_is_unreachable_arrive_after_it_returns(backbone, proxy):
    backbone.start(relay_amqp_url=through(proxy, backbone.settings.amqp_url))
    warm_up = tenant_created("warm-up")
    backbone.write(warm_up)
    backbone.wait_applied([warm_up])
    assert proxy.live_connections >= 1, "the relay should reach the broker through the proxy"

    proxy.shut()  # the broker is now unreachable for the relay; live connections are cut
    failed_before = backbone.relay_factory.failed
    subjects = ["alpha", "beta", "gamma"]
    events = [tenant_created(s, f"{s}-{n}") for n in range(5) for s in subjects]  # interleaved
    for start in range(0, len(events), 5):  # several transactions, as separate requests would
        backbone.write(*events[start : start + 5])

    wait_for(
        lambda: backbone.relay_factory.failed >= failed_before + 3,
        15,
        lambda: (
            "the relay did not keep trying to reach the broker while it was unreachable "
            f"({backbone.relay_factory.failed - failed_before} failed attempts; "
            f"{len(backbone.pending_ids())} of {len(events)} events still pending)"
        ),
    )
    ids = [e.id for e in events]
    assert backbone.pending_ids() == ids, "events written while the broker is down stay pending"
    assert not set(ids) & set(backbone.applied_ids()), "nothing can reach the consumer yet"
    assert not set(ids) & set(backbone.inbox_ids())

    proxy.reopen()
    backbone.wait_applied(events, timeout=25)
    wait_for(
        lambda: not backbone.pending_ids(),
        10,
        "the outbox was not drained after the broker returned",
    )

    applied = Counter(backbone.applied_ids())
    twice = {i: n for i, n in applied.items() if n != 1}
    assert not twice, f"events applied more than once: {twice}"
    for subject in subjects:
        order = [name for _id, _t, s, name in backbone.applications() if s == subject]
        assert order == [f"{subject}-{n}" for n in range(5)], (
            f"{subject} applied out of order: {order}"
        )


def test_a_duplicate_delivery_is_applied_once(backbone):
    backbone.start()
    event = tenant_created("dup")
    duplicates_before = duplicates_counted()

    # The same envelope (same id) twice, through the service's own confirming publisher.
    publisher = publisher_factory(backbone.settings, name="test")()
    try:
        item = (event.type, event.tenant, event.id, event.to_json())
        assert publisher.publish_batch([item, item]) == [True, True], (
            "the broker confirms both copies"
        )
    finally:
        publisher.close()

    wait_for(
        lambda: duplicates_counted() >= duplicates_before + 1,
        15,
        lambda: (
            f"the second copy was not counted as a duplicate (applied: {backbone.applied_ids()})"
        ),
    )
    assert backbone.applied_ids() == [event.id], "the handler's effect happens once"
    assert backbone.inbox_ids() == [event.id], "the inbox has one row for the event"
    assert backbone.attempts[event.id] == 1, "the handler is not even called for the duplicate"
    assert duplicates_counted() == duplicates_before + 1


def test_unreadable_messages_and_envelopes_without_tenant_are_dead_lettered(backbone):
    backbone.start()
    no_tenant = tenant_created("no-tenant").to_dict()
    del no_tenant["tenant"]
    empty_tenant = {**tenant_created("empty-tenant").to_dict(), "tenant": ""}
    valid = tenant_created("valid")

    backbone.publish_raw(b"this is not JSON {", message_id="not-json")
    backbone.publish_raw(json.dumps(no_tenant), message_id=no_tenant["id"])
    backbone.publish_raw(json.dumps(empty_tenant), message_id=empty_tenant["id"])
    backbone.publish_raw(valid.to_json(), message_id=valid.id, tenant=valid.tenant)

    backbone.wait_applied([valid], timeout=15)  # the consumer carried on after the bad ones
    assert backbone.applied_ids() == [valid.id], "only the valid event is applied"
    assert backbone.inbox_ids() == [valid.id]

    dead = backbone.wait_dead_letters(3)
    reasons = {
        p.message_id: text((p.headers or {}).get("x-tandem-reason", "")) for p, _b, _rk in dead
    }
    assert sorted(reasons) == sorted(["not-json", no_tenant["id"], empty_tenant["id"]]), reasons
    assert "not JSON" in reasons["not-json"], reasons
    assert "tenant" in reasons[no_tenant["id"]], reasons
    assert "tenant" in reasons[empty_tenant["id"]], reasons
    bodies = {p.message_id: body for p, body, _rk in dead}
    assert bodies["not-json"] == b"this is not JSON {", "the dead letter keeps the original body"
    for props, _body, _rk in dead:
        headers = props.headers or {}
        assert text(headers.get("x-tandem-queue")) == backbone.settings.queue
        assert text(headers.get("x-tandem-routing-key")) == EVENT


def test_a_handler_that_keeps_failing_is_dead_lettered_after_the_delivery_limit(backbone):
    backbone.start()
    poison = tenant_created("poison", "poison pill")
    after = tenant_created("after")
    backbone.write(poison, after)

    dead = backbone.wait_dead_letters(1, timeout=20)
    backbone.wait_applied([after], timeout=15)  # and the consumer carried on

    assert [p.message_id for p, _b, _rk in dead] == [poison.id], (
        "only the failing event is dead-lettered"
    )
    reason = text((dead[0][0].headers or {}).get("x-tandem-reason", ""))
    assert f"handler failed {DELIVERY_LIMIT} times" in reason, reason
    assert "RuntimeError" in reason and f"poisoned event {poison.id}" in reason, reason
    assert parse_event(dead[0][1]).id == poison.id, "the dead letter keeps the original body"
    assert backbone.attempts[poison.id] == DELIVERY_LIMIT, (
        f"the handler was tried {backbone.attempts[poison.id]} times, "
        f"expected delivery_limit={DELIVERY_LIMIT}"
    )
    assert poison.id not in backbone.inbox_ids(), "a failed attempt leaves no inbox row"
    assert backbone.applied_ids() == [after.id]


def test_consumer_and_relay_resume_after_the_broker_closes_their_connections(backbone, amqp_url):
    backbone.start()
    first = tenant_created("before-close")
    backbone.write(first)
    backbone.wait_applied([first])
    vhost = vhost_of(amqp_url)
    before = connections(vhost)
    consumer_name = f"tandem-{SERVICE}-consumer"
    relay_name = f"tandem-{SERVICE}-relay"
    assert {consumer_name, relay_name} <= {client for _n, client in before}, before

    rabbitmqctl("close_all_connections", "--vhost", vhost, "test")

    second = tenant_created("after-close")
    backbone.write(second)
    # Neither the relay nor the consumer is restarted: they must come back by themselves.
    backbone.wait_applied([second], timeout=25)
    assert backbone.applied_ids() == [first.id, second.id]

    after = connections(vhost)
    old = {name for name, _c in before}
    for client in (consumer_name, relay_name):
        fresh = [name for name, c in after if c == client and name not in old]
        assert fresh, f"{client} did not open a new connection after the broker closed it: {after}"


def test_published_events_carry_their_tenant_id_and_persistence_on_the_wire(backbone):
    backbone.start()
    # A queue of our own that sees everything on the exchange, to look at the messages as sent.
    conn, channel = backbone.channel()
    try:
        channel.exchange_declare(backbone.settings.exchange, exchange_type="topic", durable=True)
        channel.queue_declare("wire-tap")
        channel.queue_bind("wire-tap", backbone.settings.exchange, routing_key="#")
    finally:
        conn.close()

    events = [tenant_created("acme-1", tenant="acme"), tenant_created("globex-1", tenant="globex")]
    backbone.write(*events)
    backbone.wait_applied(events)

    seen = backbone.take_all("wire-tap")
    assert len(seen) == 2, f"expected the 2 events on the wire, saw {len(seen)}"
    for (props, body, routing_key), event in zip(seen, events, strict=True):
        assert props.message_id == event.id, "message_id is the event id"
        assert text((props.headers or {}).get("tenant")) == event.tenant, props.headers
        assert props.delivery_mode == 2, "events are persistent"
        assert props.content_type == "application/json"
        assert props.type == EVENT and routing_key == EVENT
        assert parse_event(body) == event, "the body is the envelope as written to the outbox"
    applied_tenants = {event_id: tenant for event_id, tenant, _s, _n in backbone.applications()}
    assert applied_tenants == {e.id: e.tenant for e in events}


def test_an_event_retried_after_a_transient_failure_is_still_applied_before_the_next_of_its_aggregate(
    backbone,
):
    backbone.start()
    flaky = tenant_created("agg", "flaky first")
    second = tenant_created("agg", "second")
    backbone.write(flaky, second)

    backbone.wait_applied([flaky, second])
    assert backbone.attempts[flaky.id] == 2, "the first attempt failed, the retry succeeded"
    order = [name for _id, _t, _s, name in backbone.applications()]
    assert order == ["flaky first", "second"], f"agg applied out of order: {order}"


def test_an_event_no_queue_is_bound_for_is_parked_not_lost(backbone):
    """No alternate exchange here (no deployment policy): the publisher gets the event back and
    parks it itself before the relay marks the row sent."""
    backbone.start()
    # matching's services consume match.ended, but none of them is bound on this scratch broker
    nobody = new_event("match.ended.v1", source="tests", tenant="acme", subject="pair-1",
                       data=SAMPLES["match.ended.v1"])
    # nobody consumes notification.sent yet either, but it is declared for the record: not parked
    record = new_event("notification.sent.v1", source="tests", tenant="acme", subject="delivery-1",
                       data=SAMPLES["notification.sent.v1"])
    after = tenant_created("after-unroutable")
    backbone.write(nobody, record, after)
    backbone.wait_applied([after])
    wait_for(lambda: not backbone.pending_ids(), 10, "the outbox was not drained")

    parked = backbone.take_all(PARKING_QUEUE)
    assert [p.message_id for p, _b, _rk in parked] == [nobody.id], "the unroutable event is kept"
    props, body, _rk = parked[0]
    assert parse_event(body) == nobody, "the parked copy is the event as written"
    assert "no queue is bound for match.ended.v1" in text(props.headers["x-tandem-reason"])
    assert text(props.headers["x-tandem-routing-key"]) == "match.ended.v1"
    assert REGISTRY.get_sample_value(
        "tandem_events_unroutable_total", {"service": SERVICE, "type": "match.ended.v1"}) >= 1
