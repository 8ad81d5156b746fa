"""Queries of the agenda (``due_work``): planning work for a subject, cancelling it, and the
worker's claim of what has fallen due, marked done or failed in the same transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import due_work


def replace_work(conn: Connection, tenant: str, kind: str, subject_id: str, wanted: dict[str, datetime],
                 now: datetime) -> None:
    """Make the pending work of (kind, subject) exactly ``wanted`` (key -> when), leaving done work alone."""
    t = due_work
    existing = {r["key"]: r for r in conn.execute(
        sa.select(t.c.id, t.c.key, t.c.status, t.c.due_at).where(
            t.c.tenant == tenant, t.c.kind == kind, t.c.subject_id == subject_id)).mappings()}
    for key, when in wanted.items():
        row = existing.get(key)
        if row is None:
            conn.execute(t.insert().values(tenant=tenant, kind=kind, subject_id=subject_id, key=key, due_at=when,
                                           status="pending", attempts=0, created_at=now))
        elif row["status"] in ("pending", "cancelled") and (row["status"] != "pending" or row["due_at"] != when):
            # (the status again in the WHERE: a worker may have done it since we read it)
            conn.execute(t.update().where(t.c.id == row["id"], t.c.status.in_(("pending", "cancelled"))).values(
                status="pending", due_at=when, attempts=0))
    stale = [r["id"] for key, r in existing.items() if key not in wanted and r["status"] == "pending"]
    if stale:
        conn.execute(t.update().where(t.c.id.in_(stale), t.c.status == "pending").values(status="cancelled"))


def cancel_work(conn: Connection, tenant: str, kind: str, subject_ids: list[str]) -> None:
    """Cancel what is still pending for these subjects."""
    if not subject_ids:
        return
    t = due_work
    conn.execute(t.update().where(t.c.tenant == tenant, t.c.kind == kind, t.c.subject_id.in_(subject_ids),
                                  t.c.status == "pending").values(status="cancelled"))


def claim_work(conn: Connection, now: datetime, limit: int) -> list[dict]:
    """Lock up to ``limit`` pending rows that are due, oldest first, skipping rows another worker holds."""
    t = due_work
    query = sa.select(t).where(t.c.status == "pending", t.c.due_at <= now).order_by(t.c.due_at, t.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [dict(r) for r in conn.execute(query).mappings()]


def work_done(conn: Connection, job_id: int, outcome: str, now: datetime, worker: str) -> None:
    t = due_work
    conn.execute(t.update().where(t.c.id == job_id).values(status="done", outcome=outcome, done_at=now, done_by=worker))


def work_failed(conn: Connection, job_id: int, attempts: int, error: str, status: str, due_at: datetime) -> None:
    t = due_work
    conn.execute(t.update().where(t.c.id == job_id).values(attempts=attempts, last_error=error, status=status,
                                                           due_at=due_at))
