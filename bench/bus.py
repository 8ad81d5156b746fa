"""Benchmark of Tandem's event bus against raw pika and kombu on the real broker and database.

Four measurements in one run, each over the same number of ~1 KiB persistent messages on
quorum queues:

  (a) raw pika publish with asynchronous publisher confirms, in batches of 500;
  (b) the Tandem outbox relay (OutboxRelay + PikaConfirmPublisher) draining pre-inserted outbox
      rows from PostgreSQL until every row is marked sent;
  (c) raw kombu consume with a manual ack per message (the queue filled by (a));
  (d) the Tandem EventConsumer applying pre-published envelopes (the queue filled by (b)), each
      in one PostgreSQL transaction with its inbox row and one projection row.

It prints one line per rate, the ratios b/a and d/c against their targets, and, last, one JSON
object. Everything runs in a scratch RabbitMQ vhost and a scratch PostgreSQL database, both
removed at the end.

    .venv/bin/python bench/bus.py [--count N | --quick] [--prefetch P]

Exit status: 0 when the run completed (whether or not the targets were met), 2 when RabbitMQ or
PostgreSQL is unreachable (or the scratch vhost cannot be made), 1 on any other failure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pika  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from kombu import Connection, Consumer, Exchange, Queue  # noqa: E402
from pika.spec import Basic  # noqa: E402

AMQP_BASE = os.environ.get("TANDEM_BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672")
PG_BASE = os.environ.get("TANDEM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")

DEFAULT_COUNT = 20000
QUICK_COUNT = 2000
BATCH = 500  # the relay's default batch
MESSAGE_BYTES = 1024
DEFAULT_PREFETCH = 500  # Settings.prefetch's default; used by (c) and (d) alike
TARGETS = {"relay_vs_raw": 0.5, "consumer_vs_raw": 0.3}

EVENT_TYPE = "tenant.created.v1"  # what (b) relays and (d) consumes: the simplest type
RAW_ROUTING_KEY = "bench.raw.v1"  # (a) and (c): not a contract type, so nothing else binds it
RAW_QUEUE = "bench.raw"
RELAY_SERVICE = "bench-relay"
CONSUMER_SERVICE = "bench-consumer"  # its queue is "bench-consumer.events"
STALL_SECONDS = 30.0  # a phase that makes no progress for this long fails


class Unreachable(RuntimeError):
    """RabbitMQ or PostgreSQL cannot be reached (exit status 2)."""


class BenchError(RuntimeError):
    """A phase did not complete (exit status 1)."""


def say(line: str = "") -> None:
    print(line, flush=True)


def warn(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


# --- reachability and scratch resources --------------------------------------------------------


def check_tcp(what: str, url: str, default_port: int) -> None:
    parts = urlsplit(url.replace("+psycopg", ""))
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError as exc:
        raise Unreachable(f"{what} is not reachable on {host}:{port}: {exc}") from None


def check_postgres() -> None:
    check_tcp("PostgreSQL", PG_BASE, 5432)
    engine = sa.create_engine(f"{PG_BASE}/postgres", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        raise Unreachable(f"PostgreSQL at {PG_BASE} refused the benchmark: {exc}") from None
    finally:
        engine.dispose()


def rabbitmqctl(*args: str) -> None:
    tool = shutil.which("rabbitmqctl")
    if tool is None:
        raise Unreachable("rabbitmqctl is not on PATH; it is needed to make the scratch vhost")
    try:
        subprocess.run([tool, "-q", *args], capture_output=True, text=True, timeout=120, check=True)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()
        raise Unreachable(f"rabbitmqctl {' '.join(args)} failed: {' / '.join(detail[-3:])}") from None
    except subprocess.TimeoutExpired:
        raise Unreachable(f"rabbitmqctl {' '.join(args)} timed out") from None


def check_amqp_login(amqp_url: str) -> None:
    params = pika.URLParameters(amqp_url)
    params.connection_attempts = 1
    params.socket_timeout = 5
    try:
        pika.BlockingConnection(params).close()
    except pika.exceptions.AMQPError as exc:
        where = amqp_url.replace(f":{params.credentials.password}@", ":***@")
        raise Unreachable(f"RabbitMQ refused the benchmark at {where}: {exc!r}") from None


def drop_database(name: str) -> None:
    admin = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def queue_depth(amqp_url: str, queue: str) -> int:
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return conn.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        conn.close()


def wait_depth(amqp_url: str, queue: str, expected: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        depth = queue_depth(amqp_url, queue)
        if depth == expected or time.monotonic() > deadline:
            return depth
        time.sleep(0.1)


# --- (a) raw pika publish with asynchronous confirms -------------------------------------------


class RawConfirmPublisher:
    """The least one can do with pika for batched confirms: publish a batch, collect its acks."""

    def __init__(self, amqp_url: str, exchange: str, timeout: float = 30.0):
        self.exchange = exchange
        self.timeout = timeout
        self.error: str | None = None
        self.ready = False
        self.outstanding: set[int] = set()
        self.nacked = 0
        self.returned = 0
        self.next_tag = 1
        self.conn = pika.SelectConnection(
            pika.URLParameters(amqp_url),
            on_open_callback=lambda c: c.channel(on_open_callback=self._on_channel),
            on_open_error_callback=self._on_error,
            on_close_callback=self._on_error,
        )
        self._loop_until(lambda: self.ready)

    def _on_error(self, _conn, reason) -> None:
        self.error = repr(reason)
        self.conn.ioloop.stop()

    def _on_channel(self, channel) -> None:
        self.channel = channel
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame) -> None:
        self.ready = True
        self.conn.ioloop.stop()

    def _on_return(self, *_args) -> None:
        self.returned += 1

    def _on_confirm(self, frame) -> None:
        method = frame.method
        if method.multiple:
            done = [t for t in self.outstanding if t <= method.delivery_tag]
        else:
            done = [method.delivery_tag]
        self.outstanding.difference_update(done)
        if isinstance(method, Basic.Nack):
            self.nacked += len(done)
        if not self.outstanding:
            self.conn.ioloop.stop()

    def _loop_until(self, done) -> None:
        if not done():
            timer = self.conn.ioloop.call_later(self.timeout, self.conn.ioloop.stop)
            try:
                self.conn.ioloop.start()
            finally:
                self.conn.ioloop.remove_timeout(timer)
        if self.error:
            raise BenchError(f"raw publisher: {self.error}")
        if not done():
            raise BenchError("raw publisher: the broker did not answer in time")

    def publish_batch(self, routing_key: str, body: bytes, count: int) -> None:
        for _ in range(count):
            self.channel.basic_publish(
                self.exchange,
                routing_key,
                body,
                pika.BasicProperties(
                    message_id=str(uuid.uuid4()),
                    delivery_mode=pika.DeliveryMode.Persistent,
                    content_type="application/octet-stream",
                ),
                mandatory=True,
            )
            self.outstanding.add(self.next_tag)
            self.next_tag += 1
        self._loop_until(lambda: not self.outstanding)

    def close(self) -> None:
        if self.conn.is_open:
            self.conn.close()
            try:
                self._loop_until(lambda: self.conn.is_closed)
            except BenchError:
                pass


def bench_raw_publish(amqp_url: str, exchange: str, count: int) -> float:
    body = os.urandom(MESSAGE_BYTES // 2).hex().encode()  # 1 KiB, incompressible-ish
    started = time.perf_counter()
    publisher = RawConfirmPublisher(amqp_url, exchange)
    try:
        left = count
        while left:
            n = min(BATCH, left)
            publisher.publish_batch(RAW_ROUTING_KEY, body, n)
            left -= n
    finally:
        publisher.close()
    elapsed = time.perf_counter() - started
    if publisher.nacked or publisher.returned:
        raise BenchError(f"raw publish: {publisher.nacked} nacked, {publisher.returned} returned")
    return elapsed


# --- (b) the Tandem outbox relay ---------------------------------------------------------------


def sample_value(field, name: str):
    """A value that satisfies ``field`` (the contract is young and changes: derive, don't hard-code)."""
    from marshmallow import fields, validate

    for v in getattr(field, "validators", []):
        if isinstance(v, validate.OneOf):
            return next(iter(v.choices))
        if isinstance(v, validate.Length) and isinstance(field, fields.String):
            return "0" * (v.equal or v.min or 1)
    if isinstance(field, fields.Nested):
        schema = field.schema
        value = {k: sample_value(f, k) for k, f in schema.fields.items() if f.required}
        return [value] if field.many else value
    if isinstance(field, fields.List):
        return [sample_value(field.inner, name)]
    if isinstance(field, fields.Email):
        return "bench@example.org"
    if isinstance(field, fields.AwareDateTime | fields.DateTime):
        return datetime.now(UTC)
    if isinstance(field, fields.Date):
        return datetime.now(UTC).date()
    if isinstance(field, fields.Boolean):
        return False
    if isinstance(field, fields.Integer):
        return 1
    if isinstance(field, fields.Number):
        return 1.0
    if isinstance(field, fields.Dict | fields.Mapping):
        return {}
    if isinstance(field, fields.UUID):
        return str(uuid.uuid4())
    return f"bench-{name}"


def envelope_factory(count: int):
    """Valid ``EVENT_TYPE`` envelopes of about MESSAGE_BYTES, distinct ids, built fast.

    The data holds the schema's required fields; the first plain required string is padded.
    """
    from marshmallow import fields

    from services.shared.contract import new_event, schema_for

    schema = schema_for(EVENT_TYPE)
    data = {name: sample_value(f, name) for name, f in schema.fields.items() if f.required}
    pad = next(
        (name for name, f in schema.fields.items()
         if f.required and type(f) is fields.String and not f.validators),
        None,
    )

    def build(padding: str):
        if pad is not None:
            data[pad] = f"bench-{pad}-{padding}"
        return new_event(EVENT_TYPE, source="bench", tenant="bench", subject="bench/000000", data=data)

    probe = build("")
    template = build("x" * max(0, MESSAGE_BYTES - len(probe.to_json().encode())))
    for i in range(count):
        event_id = str(uuid.uuid4())
        yield replace(template, id=event_id, correlation_id=event_id, subject=f"bench/{i:06d}")


def fill_outbox(engine, outbox, count: int) -> int:
    now = datetime.now(UTC)
    rows, size = [], 0
    for event in envelope_factory(count):
        body = event.to_json()
        size = len(body.encode())
        rows.append({
            "event_id": event.id, "type": event.type, "tenant": event.tenant,
            "aggregate": event.subject, "body": body, "created_at": now,
        })
    with engine.begin() as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(outbox.insert(), rows[i:i + 5000])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum would have done by the time a real backlog is relayed.
        conn.exec_driver_sql("VACUUM ANALYZE outbox")
    return size


def bench_relay(settings, engine, outbox, count: int) -> float:
    from services.shared.bus import publisher_factory
    from services.shared.outbox import OutboxRelay, backlog

    relay = OutboxRelay(settings.service, engine, outbox, publisher_factory(settings), batch=BATCH)
    sent = 0
    started = time.perf_counter()
    last_progress = started
    try:
        while sent < count:
            n = relay.run_once()
            now = time.perf_counter()
            if n:
                sent += n
                last_progress = now
            elif now - last_progress > STALL_SECONDS:
                raise BenchError(f"outbox relay: stuck after {sent} of {count} rows")
        elapsed = time.perf_counter() - started
    finally:
        # OutboxRelay has no public close(); run() ends with these two.
        relay._close_publisher()
        relay._step_down()
    left = backlog(engine, outbox)
    if left:
        raise BenchError(f"outbox relay: {left} rows still pending after {sent} were reported sent")
    return elapsed


# --- (c) raw kombu consume ---------------------------------------------------------------------


def bench_raw_consume(amqp_url: str, exchange: str, count: int, prefetch: int) -> float:
    queue = Queue(
        RAW_QUEUE,
        exchange=Exchange(exchange, type="topic", durable=True),
        routing_key=RAW_ROUTING_KEY,
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )
    received = 0

    def on_message(message) -> None:
        nonlocal received
        message.ack()
        received += 1

    started = time.perf_counter()
    last_progress, seen = started, 0
    with Connection(amqp_url, heartbeat=0) as conn:
        with Consumer(conn, [queue], on_message=on_message, prefetch_count=prefetch, no_ack=False):
            while received < count:
                try:
                    conn.drain_events(timeout=1)
                except TimeoutError:
                    pass
                now = time.perf_counter()
                if received != seen:
                    seen, last_progress = received, now
                elif now - last_progress > STALL_SECONDS:
                    raise BenchError(f"raw consume: stuck after {received} of {count} messages")
            elapsed = time.perf_counter() - started
    return elapsed


# --- (d) the Tandem consumer -------------------------------------------------------------------


def bench_consumer(settings, engine, inbox, handlers, projection, count: int) -> float:
    from services.shared.bus import EventConsumer

    consumer = EventConsumer(settings, engine, inbox, handlers)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), name="bench-consumer", daemon=True)
    count_query = sa.select(sa.func.count()).select_from(projection)
    watcher = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        started = time.perf_counter()
        thread.start()
        last_progress, seen = started, 0
        while True:
            applied = watcher.execute(count_query).scalar_one()
            now = time.perf_counter()
            if applied >= count:
                elapsed = now - started
                break
            if applied != seen:
                seen, last_progress = applied, now
            elif now - last_progress > STALL_SECONDS:
                raise BenchError(f"Tandem consumer: stuck after {applied} of {count} events")
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=15)
        watcher.close()
    if thread.is_alive():
        warn("the Tandem consumer did not stop within 15 s")
    return elapsed


# --- the run -----------------------------------------------------------------------------------


def run(count: int, prefetch: int) -> dict:
    from services.shared.bus import HandlerTable, declare, events_exchange
    from services.shared.config import settings_for
    from services.shared.db import add_messaging_tables, create_engine, ensure_database

    check_tcp("RabbitMQ", AMQP_BASE, 5672)
    check_postgres()

    tag = uuid.uuid4().hex[:8]
    vhost = f"tandem-bench-{tag}"
    db_name = f"tandem_bench_{tag}"
    amqp_url = f"{AMQP_BASE}/{vhost}"
    user = urlsplit(AMQP_BASE).username or "guest"
    db_url = f"{PG_BASE}/{db_name}"
    scratch_dir = tempfile.mkdtemp(prefix="tandem-bench-")
    vhost_made = db_made = False
    engines = []
    try:
        # settings_for() reads (and would create) a signing key file in the data directory even
        # when signing_key is passed: point it at a scratch directory.
        os.environ["TANDEM_DATA_DIR"] = scratch_dir
        common = dict(amqp_url=amqp_url, database_url=db_url, signing_key="bench", prefetch=prefetch, relay_batch=BATCH)
        relay_settings = settings_for(RELAY_SERVICE, **common)
        consumer_settings = settings_for(CONSUMER_SERVICE, **common)

        vhost_made = True  # before the call: an interrupt may land after the broker made it
        rabbitmqctl("add_vhost", vhost)
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        check_amqp_login(amqp_url)
        db_made = True
        ensure_database(db_url)

        metadata = sa.MetaData()
        outbox, inbox = add_messaging_tables(metadata)
        projection = sa.Table(
            "bench_projection",
            metadata,
            sa.Column("event_id", sa.String(36), primary_key=True),
            sa.Column("tenant", sa.String(64), nullable=False),
            sa.Column("subject", sa.String(200), nullable=False),
            sa.Column("type", sa.String(120), nullable=False),
            sa.Column("fields", sa.Integer, nullable=False),
        )
        engine = create_engine(db_url)
        engines.append(engine)
        metadata.create_all(engine)

        handlers = HandlerTable(CONSUMER_SERVICE)

        # A projection as Tandem's services write them: each run of consecutive events of its
        # type lands with one statement, inside the consumer's transaction with the inbox rows.
        @handlers.on_batch(EVENT_TYPE)
        def project(conn, events) -> None:
            conn.execute(projection.insert(), [{
                "event_id": event.id, "tenant": event.tenant, "subject": event.subject, "type": event.type,
                "fields": len(event.data),
            } for event in events])

        # Topology: the exchange, the raw quorum queue for (a)/(c) and the consumer's own quorum
        # queue (with its dead-letter queue) for (b)/(d), declared as EventConsumer declares it.
        exchange = consumer_settings.exchange
        with Connection(amqp_url) as conn:
            channel = conn.channel()
            events_exchange(consumer_settings)(channel).declare()
            Queue(
                RAW_QUEUE, exchange=events_exchange(consumer_settings), routing_key=RAW_ROUTING_KEY,
                durable=True, queue_arguments={"x-queue-type": "quorum"},
            )(channel).declare()
            declare(consumer_settings, handlers.routing_keys, channel)

        say(f"Tandem bus benchmark: {count} persistent messages of ~{MESSAGE_BYTES} B on quorum queues "
            f"(vhost {vhost}, database {db_name})")

        # (a)
        raw_publish_s = bench_raw_publish(amqp_url, exchange, count)
        depth = wait_depth(amqp_url, RAW_QUEUE, count)
        if depth != count:
            raise BenchError(f"raw publish: {RAW_QUEUE} holds {depth} messages, expected {count}")
        raw_publish = count / raw_publish_s
        say(f"(a) raw pika publish, async confirms, batches of {BATCH}:    "
            f"{raw_publish:9.0f} msg/s  ({raw_publish_s:.2f} s)")

        # (b)
        body_size = fill_outbox(engine, outbox, count)
        relay_s = bench_relay(relay_settings, engine, outbox, count)
        depth = wait_depth(amqp_url, consumer_settings.queue, count)
        if depth != count:
            raise BenchError(f"outbox relay: {consumer_settings.queue} holds {depth} messages, expected {count}")
        relay = count / relay_s
        say(f"(b) Tandem outbox relay (PikaConfirmPublisher, {BATCH}/batch): "
            f"{relay:9.0f} msg/s  ({relay_s:.2f} s, {body_size} B envelopes)")

        # (c)
        raw_consume_s = bench_raw_consume(amqp_url, exchange, count, prefetch)
        raw_consume = count / raw_consume_s
        say(f"(c) raw kombu consume, manual ack, prefetch {prefetch}:        "
            f"{raw_consume:9.0f} msg/s  ({raw_consume_s:.2f} s)")

        # (d)
        consumer_s = bench_consumer(consumer_settings, engine, inbox, handlers, projection, count)
        with engine.connect() as conn:
            inbox_rows = conn.execute(sa.select(sa.func.count()).select_from(inbox)).scalar_one()
        if inbox_rows != count:
            raise BenchError(f"Tandem consumer: {inbox_rows} inbox rows, expected {count}")
        dead = queue_depth(amqp_url, f"{consumer_settings.queue}.dlq")
        if dead:
            raise BenchError(f"Tandem consumer: {dead} events were dead-lettered")
        consumer = count / consumer_s
        say(f"(d) Tandem EventConsumer (inbox + 1 row, PG), prefetch {prefetch}: "
            f"{consumer:9.0f} msg/s  ({consumer_s:.2f} s)")
    finally:
        for engine in engines:
            engine.dispose()
        if db_made:
            try:
                drop_database(db_name)
            except Exception as exc:
                warn(f"could not drop database {db_name}: {exc}")
        if vhost_made:
            try:
                rabbitmqctl("delete_vhost", vhost)
            except Exception as exc:
                if "does not exist" not in str(exc):
                    warn(f"could not delete vhost {vhost}: {exc}")
        shutil.rmtree(scratch_dir, ignore_errors=True)

    relay_vs_raw = relay / raw_publish
    consumer_vs_raw = consumer / raw_consume
    met = {
        "relay_vs_raw": relay_vs_raw >= TARGETS["relay_vs_raw"],
        "consumer_vs_raw": consumer_vs_raw >= TARGETS["consumer_vs_raw"],
    }
    say(f"relay vs raw publish    (b/a): {relay_vs_raw:5.2f}  target >= {TARGETS['relay_vs_raw']}  "
        f"{'MET' if met['relay_vs_raw'] else 'MISSED'}")
    say(f"consumer vs raw consume (d/c): {consumer_vs_raw:5.2f}  target >= {TARGETS['consumer_vs_raw']}  "
        f"{'MET' if met['consumer_vs_raw'] else 'MISSED'}")
    if not all(met.values()):
        say("TARGETS MISSED: " + ", ".join(k for k, ok in met.items() if not ok))
    return {
        "count": count,
        "message_bytes": MESSAGE_BYTES,
        "batch": BATCH,
        "prefetch": prefetch,
        "raw_pika_publish_per_s": round(raw_publish, 1),
        "outbox_relay_per_s": round(relay, 1),
        "relay_vs_raw": round(relay_vs_raw, 3),
        "raw_kombu_consume_per_s": round(raw_consume, 1),
        "tandem_consumer_per_s": round(consumer, 1),
        "consumer_vs_raw": round(consumer_vs_raw, 3),
        "targets": TARGETS,
        "targets_met": all(met.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=None, help=f"messages per measurement (default {DEFAULT_COUNT})")
    parser.add_argument("--quick", action="store_true", help=f"a small run of {QUICK_COUNT} messages (smoke test)")
    parser.add_argument("--prefetch", type=int, default=DEFAULT_PREFETCH,
                        help=f"prefetch of both consumers, (c) and (d) (default {DEFAULT_PREFETCH})")
    args = parser.parse_args(argv)
    count = args.count if args.count is not None else (QUICK_COUNT if args.quick else DEFAULT_COUNT)
    if count < 1 or args.prefetch < 1:
        parser.error("--count and --prefetch must be positive")

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for name in ("pika", "kombu", "amqp", "sqlalchemy", "services"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("pika").setLevel(logging.CRITICAL)  # our own errors say what failed

    def interrupted(_signum, _frame):
        raise KeyboardInterrupt

    # Stopped by a signal, the run still removes its vhost and database (finally blocks).
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        result = run(count, args.prefetch)
    except Unreachable as exc:
        warn(f"cannot run: {exc}")
        return 2
    except BenchError as exc:
        warn(f"failed: {exc}")
        return 1
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    say(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
