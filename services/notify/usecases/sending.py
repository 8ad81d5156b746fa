"""What the dispatcher asks of the delivery log: due deliveries claimed, held on to while a batch
goes out, and their outcomes recorded with notification.sent/failed through the outbox. The
queries are ``store.claims``; what an outcome makes of a delivery is ``domain.deliveries``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from ..domain.deliveries import Outcome, RetryPolicy, Settled, outcome_event, outcome_of
from ..domain.webhooks import secrets_in_use
from ..store import claims, publish_many, tenant_setup


def claim(conn: Connection, channel: str, now: datetime, limit: int, worker: str, lease: timedelta) -> list[dict]:
    """Up to ``limit`` due deliveries of ``channel``, now this dispatcher's (see ``store.claims.claim``)."""
    return claims.claim(conn, channel, now, limit, worker, lease)


def renew(conn: Connection, ids: Sequence[str], now: datetime, lease: timedelta, worker: str) -> None:
    """Hold on to the deliveries still to be sent in a long batch."""
    claims.renew(conn, ids, now, lease, worker)


def still_held(conn: Connection, rows: Sequence[dict], worker: str) -> list[dict]:
    """The deliveries of a batch this dispatcher still holds (not cancelled, erased or taken over)."""
    mine = claims.still_held(conn, [r["id"] for r in rows], worker)
    return [r for r in rows if r["id"] in mine]


def webhook_targets(conn: Connection, rows: Sequence[dict], now: datetime) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """For a batch of webhook deliveries: their endpoints by id, and each tenant's secrets that sign now."""
    endpoints = tenant_setup.endpoints(conn, {r["recipient"] for r in rows})
    signing = {row["tenant"]: secrets_in_use(row, now) for row in tenant_setup.secrets_of(conn, {r["tenant"] for r in rows})}
    return endpoints, signing


def settle(conn: Connection, outcomes: Sequence[Outcome], now: datetime, policy: RetryPolicy, worker: str) -> list[Settled]:
    """Record outcomes in one transaction; publish notification.sent/failed through the outbox.

    Only deliveries this dispatcher still holds are touched (a lease that ran out belongs to
    whoever claimed the delivery since).
    """
    settled: list[Settled] = []
    delivered: list[str] = []
    updates: list[tuple[str, dict]] = []
    for outcome in outcomes:
        s, values = outcome_of(outcome, now, policy)
        settled.append(s)
        if values is None:
            delivered.append(s.delivery["id"])
        else:
            updates.append((s.delivery["id"], values))
    recorded = claims.record_outcomes(conn, delivered, updates, now, worker)
    settled = [s for s in settled if s.delivery["id"] in recorded]
    publish_many(conn, [outcome_event(s) for s in settled if s.status in ("sent", "failed")])
    return settled


def record_sent(conn: Connection, delivery: dict, now: datetime, policy: RetryPolicy, worker: str) -> Settled | None:
    """Record one delivery as sent, with its notification.sent event; None if this dispatcher no
    longer holds it.

    On PostgreSQL this is one statement (the update and the outbox row, in autocommit one
    transaction and one round trip): it runs once per e-mail, between two messages."""
    if conn.dialect.name != "postgresql":
        return next(iter(settle(conn, [Outcome(delivery, "sent")], now, policy, worker)), None)
    sent, _ = outcome_of(Outcome(delivery, "sent"), now, policy)
    return sent if claims.record_sent(conn, delivery["id"], now, worker, outcome_event(sent)) else None
