"""Transactional outbox: events are written with the state change and published by a relay.

The relay publishes pending rows in id order (so in order per aggregate), marks them sent only
after the broker confirms them, and keeps its backlog across broker outages and restarts. With
several worker replicas on PostgreSQL only the one holding the service's advisory lock relays.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from tenacity import RetryCallState, Retrying, stop_when_event_set, wait_exponential

from . import metrics
from .contract import Event

log = logging.getLogger(__name__)


def add(conn: Connection, table: sa.Table, *events: Event) -> None:
    """Write ``events`` to the outbox inside the caller's transaction, in one statement."""
    now = datetime.now(UTC)
    rows = [{"event_id": event.id, "type": event.type, "tenant": event.tenant, "aggregate": event.subject,
             "body": event.to_json(), "created_at": now} for event in events]
    if rows:
        # one statement for them all (rows keep their order, so the relay publishes them in it);
        # the values go as parameters, so SQLAlchemy reuses the compiled statement
        conn.execute(table.insert(), rows)


def scrub(conn: Connection, table: sa.Table, tenant: str, needles: list[str], replacements: dict[str, str]) -> None:
    """Erasure's part in the outbox: events that mention the person (any of ``needles``: their
    address, their application ids...) leave it once published; pending ones keep travelling with
    each of ``replacements``' keys (a string value in the body) replaced by its value (their
    consumers hear of the erasure right after)."""
    needles = [n for n in needles if n]
    if not needles:
        return

    def encoded(text: str) -> str:  # a string as it stands inside the JSON body
        return json.dumps(text, ensure_ascii=False)[1:-1]

    about = sa.or_(*[table.c.body.like(f"%{encoded(n)}%") for n in needles])
    conn.execute(table.delete().where(table.c.tenant == tenant, table.c.sent_at.is_not(None), about))
    for row in conn.execute(sa.select(table.c.id, table.c.body).where(table.c.tenant == tenant,
                                                                       table.c.sent_at.is_(None), about)).all():
        body = row.body
        for needle, replacement in replacements.items():
            if needle:
                body = body.replace(f'"{encoded(needle)}"', f'"{replacement}"')
        conn.execute(table.update().where(table.c.id == row.id).values(body=body))


def backlog(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.sent_at.is_(None))).scalar_one()


class OutboxRelay:
    """Moves pending outbox rows to the broker through a confirming publisher."""

    def __init__(self, service: str, engine: Engine, table: sa.Table, publisher_factory, batch: int = 500, interval: float = 0.2):
        self.service = service
        self.engine = engine
        self.table = table
        self.publisher_factory = publisher_factory
        self.batch = batch
        self.interval = interval
        self.publisher = None
        self._lock_conn: Connection | None = None

    # -- leadership (PostgreSQL only; SQLite is one process) ------------------------------------

    def _lead(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        if self._lock_conn is not None:
            return True
        conn = self.engine.connect()
        key = zlib.crc32(f"tandem.outbox.{self.service}".encode())
        if conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.commit()
            self._lock_conn = conn
            return True
        conn.close()
        return False

    def _step_down(self) -> None:
        if self._lock_conn is not None:
            try:
                self._lock_conn.close()
            except Exception:
                pass
            self._lock_conn = None

    # -- work ---------------------------------------------------------------------------------

    def pending(self, limit: int) -> list[tuple[int, str, str, str, str]]:
        t = self.table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.id, t.c.event_id, t.c.type, t.c.tenant, t.c.body)
                .where(t.c.sent_at.is_(None))
                .order_by(t.c.id)
                .limit(limit)
            ).all()
        return [tuple(r) for r in rows]

    def run_once(self) -> int:
        """Publish one batch; return how many rows were confirmed and marked sent."""
        if not self._lead():
            return 0
        rows = self.pending(self.batch)
        if not rows:
            return 0
        if self.publisher is None:
            self.publisher = self.publisher_factory()
        confirmed = self.publisher.publish_batch([(r[2], r[3], r[1], r[4]) for r in rows])
        # Only the unbroken prefix of confirmed rows is marked sent: anything after a refused
        # row goes again after it, which keeps order per aggregate (the inbox drops repeats).
        done = []
        for row, ok in zip(rows, confirmed, strict=True):
            if not ok:
                break
            done.append(row)
        if done:
            ids = [r[0] for r in done]
            with self.engine.begin() as conn:
                # on PostgreSQL one array parameter instead of a long IN list
                where = (self.table.c.id == sa.any_(sa.literal(ids, sa.ARRAY(sa.BigInteger)))
                         if conn.dialect.name == "postgresql" else self.table.c.id.in_(ids))
                conn.execute(self.table.update().where(where).values(sent_at=datetime.now(UTC)))
            for _id, _eid, type_, tenant, _body in done:
                metrics.EVENTS_PUBLISHED.labels(self.service, type_, tenant).inc()
        return len(done)

    def run(self, stop: threading.Event) -> None:
        """Relay until ``stop`` is set, surviving broker and database outages: a failed step is
        tried again after a pause that doubles up to 10 s, and is short again once a step works."""
        step = Retrying(
            wait=wait_exponential(multiplier=self.interval, max=10.0),
            stop=stop_when_event_set(stop),
            sleep=stop.wait,
            before_sleep=self._recover,
            retry_error_callback=lambda _state: 0,  # stopping during an outage
        )
        while not stop.is_set():
            sent = step(self.run_once)
            if sent >= self.batch or stop.is_set():
                continue
            try:
                if self.publisher is not None:
                    self.publisher.idle(self.interval)
                else:
                    stop.wait(self.interval)
            except Exception as exc:  # the broker went away while idle: the next step reconnects
                self._recover_from(exc, self.interval)
        self.close()

    def _recover(self, state: RetryCallState) -> None:
        self._recover_from(state.outcome.exception(), state.upcoming_sleep)

    def _recover_from(self, exc: BaseException | None, delay: float) -> None:
        log.warning("outbox relay: %s; retrying in %.1fs", exc, delay, extra={"service": self.service})
        self._close_publisher()
        self._step_down()

    def close(self) -> None:
        """Let go of the broker connection and of the relay's leadership."""
        self._close_publisher()
        self._step_down()

    def _close_publisher(self) -> None:
        if self.publisher is not None:
            try:
                self.publisher.close()
            except Exception:
                pass
            self.publisher = None
