"""The queries of sending: several dispatchers, each delivery claimed by one of them at a time.

A claim belongs to a dispatcher that is alive (``ClaimOwner``): what a dead one held is taken over
by the next claim of another, within a dispatch interval; a lease, renewed while a batch goes out,
also bounds a claim of a dispatcher that lives but no longer gets on. Outcomes are recorded only
for deliveries the dispatcher still holds (a lease that ran out belongs to whoever claimed the
delivery since)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import Event

from .tables import OUTBOX, abandoned, deliveries


def claim(conn: Connection, channel: str, now: datetime, limit: int, worker: str, lease: timedelta) -> list[dict]:
    """Claim up to ``limit`` due deliveries of ``channel``, fairly across tenants: each tenant with
    work gets an equal share first, so one tenant's backlog never keeps another's messages
    waiting. On PostgreSQL rows another dispatcher is claiming are skipped (SKIP LOCKED).

    A delivery is free when nobody claimed it, when its lease ran out, when its owner no longer
    runs (``abandoned``: taken over at once, not after the lease) or when it is this
    dispatcher's own, left by a batch that broke off (one dispatcher claims a channel's
    deliveries one batch at a time)."""
    t = deliveries
    owners = list(conn.execute(sa.select(t.c.claimed_by).where(
        t.c.claimed_by.is_not(None), t.c.claimed_by != worker, t.c.status == "pending", t.c.channel == channel,
    ).distinct()).scalars())
    free = [t.c.claimed_until.is_(None), t.c.claimed_until < now, t.c.claimed_by == worker]
    gone = abandoned(conn, owners) if owners else []
    if gone:
        free.append(t.c.claimed_by.in_(gone))
    due = sa.and_(t.c.channel == channel, t.c.status == "pending", t.c.next_attempt_at <= now, sa.or_(*free))
    tenants = [r[0] for r in conn.execute(
        sa.select(t.c.tenant).where(due).group_by(t.c.tenant).order_by(sa.func.min(t.c.next_attempt_at)))]
    if not tenants:
        return []
    postgres = conn.dialect.name == "postgresql"

    def take(tenant: str, n: int, skip: set[str]) -> list[str]:
        query = sa.select(t.c.id).where(due, t.c.tenant == tenant)
        if skip:
            query = query.where(t.c.id.not_in(skip))
        query = query.order_by(t.c.next_attempt_at, t.c.created_at).limit(n)
        if postgres:
            query = query.with_for_update(skip_locked=True)
        return list(conn.execute(query).scalars())

    share = max(1, math.ceil(limit / len(tenants)))
    picked: dict[str, list[str]] = {tenant: take(tenant, share, set()) for tenant in tenants}
    room = limit - sum(map(len, picked.values()))
    for tenant in tenants:  # what the quiet tenants left goes to the busy ones
        if room <= 0:
            break
        if len(picked[tenant]) == share:
            more = take(tenant, room, set(picked[tenant]))
            picked[tenant] += more
            room -= len(more)
    # interleave the tenants, so a slow or failing message of one does not hold up the others
    ids = [i for group in _round_robin(list(picked.values())) for i in group][:limit]
    if not ids:
        return []
    conn.execute(t.update().where(t.c.id.in_(ids)).values(claimed_by=worker, claimed_until=now + lease))
    rows = {r["id"]: dict(r) for r in conn.execute(sa.select(t).where(t.c.id.in_(ids))).mappings()}
    return [rows[i] for i in ids if i in rows]


def _round_robin(groups: list[list[str]]):
    for i in range(max(map(len, groups), default=0)):
        yield [g[i] for g in groups if i < len(g)]


def renew(conn: Connection, ids: Sequence[str], now: datetime, lease: timedelta, worker: str) -> None:
    """Hold on to the deliveries still to be sent in a long batch (a slow server must not let
    the lease run out under them, or another dispatcher would send them too)."""
    if ids:
        t = deliveries
        conn.execute(t.update().where(t.c.id.in_(list(ids)), t.c.claimed_by == worker).values(claimed_until=now + lease))


def still_held(conn: Connection, ids: Sequence[str], worker: str) -> set[str]:
    """Which of these deliveries the dispatcher still holds."""
    t = deliveries
    return set(conn.execute(sa.select(t.c.id).where(t.c.id.in_(list(ids)), t.c.claimed_by == worker)).scalars())


def _sent(now) -> dict:
    """A delivered message's row: sent, one attempt more, free, and what it said no longer kept.
    A first attempt keeps its note (why the tenant's own template was not used, written when it was
    queued), so the delivery log still says so; a retried one drops the failure it recovered from."""
    t = deliveries
    kept_note = sa.case((t.c.attempts == 0, t.c.last_error), else_=None)
    return dict(status="sent", sent_at=now, attempts=t.c.attempts + 1, last_error=kept_note, body_text=None,
                body_html=None, calendar=None, payload=None, headers=None, claimed_by=None, claimed_until=None,
                updated_at=now)


def record_outcomes(conn: Connection, delivered: Sequence[str], updates: Sequence[tuple[str, dict]], now: datetime,
                    worker: str) -> set[str]:
    """Record deliveries sent, and others' rows changed as their outcomes say; return the ids
    this dispatcher still held (only those were recorded)."""
    t = deliveries
    recorded: set[str] = set()
    if delivered:
        # the common case in one statement; what the message said is not kept once delivered
        recorded |= set(conn.execute(t.update().where(t.c.id.in_(list(delivered)), t.c.claimed_by == worker).values(_sent(now)).returning(t.c.id)).scalars())
    for delivery_id, values in updates:  # retries and failures: few, one statement each
        if conn.execute(t.update().where(t.c.id == delivery_id, t.c.claimed_by == worker).values(values)).rowcount:
            recorded.add(delivery_id)
    return recorded


def record_sent(conn: Connection, delivery_id: str, now: datetime, worker: str, event: Event) -> bool:
    """One delivery recorded as sent and its event put in the outbox, in one statement (PostgreSQL
    only: in autocommit one transaction and one round trip); False if this dispatcher no longer
    holds it."""
    return conn.execute(_recording_sent(), {
        "p_delivery": delivery_id, "p_worker": worker, "p_now": now, "p_event": event.id, "p_type": event.type,
        "p_tenant": event.tenant, "p_aggregate": event.subject, "p_body": event.to_json(),
    }).first() is not None


@cache
def _recording_sent() -> sa.Insert:
    """``record_sent``'s statement, built once (building it costs more than running it)."""
    t, o = deliveries, OUTBOX
    now = sa.bindparam("p_now", type_=t.c.updated_at.type)
    done = t.update().where(t.c.id == sa.bindparam("p_delivery"), t.c.claimed_by == sa.bindparam("p_worker")).values(
        _sent(now)).returning(t.c.id).cte("done")
    return o.insert().from_select(
        ["event_id", "type", "tenant", "aggregate", "body", "created_at"],
        sa.select(*(sa.bindparam(name, type_=sa.String) for name in ("p_event", "p_type", "p_tenant", "p_aggregate", "p_body")),
                  now).select_from(done),
    ).returning(o.c.event_id)
