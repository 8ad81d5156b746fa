"""The agenda: work that falls due at a moment — reminders before meetings and cohort events,
nudges when a due window closes, surveys, phase changes — kept as rows the worker claims.

Planning is idempotent: each piece of work has a key (``kind``, ``subject``, ``key``), and
planning it again only moves a pending row's time. A change that makes earlier work wrong (a
meeting moved) gives the new work a new key (the meeting's SEQUENCE is part of it) and cancels
what is still pending under the old one. Work once done is never done again.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import store
from . import timing

KINDS = ("meeting_reminder", "event_reminder", "nudge", "survey", "phase")


def replace(conn: Connection, tenant: str, kind: str, subject_id: str, wanted: dict[str, datetime], now: datetime) -> None:
    """Make the pending work of (kind, subject) exactly ``wanted`` (key -> when), leaving done work alone."""
    t = store.due_work
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


def cancel(conn: Connection, tenant: str, kind: str, subject_ids: list[str]) -> None:
    """Cancel what is still pending for these subjects."""
    if not subject_ids:
        return
    t = store.due_work
    conn.execute(t.update().where(t.c.tenant == tenant, t.c.kind == kind, t.c.subject_id.in_(subject_ids),
                                  t.c.status == "pending").values(status="cancelled"))


def reminder_key(days: int, sequence: int) -> str:
    return f"{days}d@{sequence}"


def parse_reminder_key(key: str) -> tuple[int, int]:
    days, sequence = key.split("@")
    return int(days.rstrip("d")), int(sequence)


def plan_reminders(conn: Connection, tenant: str, kind: str, subject, reminder_days: list[int], time_zone: str,
                   now: datetime) -> None:
    """Reminders before a scheduled meeting or cohort event (its current SEQUENCE in the key)."""
    wanted = {}
    if subject["starts_at"] is not None and subject["status"] == "scheduled":
        wanted = {reminder_key(days, subject["sequence"]): when
                  for days, when in timing.reminder_times(subject["starts_at"], reminder_days, time_zone, now)}
    replace(conn, tenant, kind, subject["id"], wanted, now)


def reminder_days(programme: dict) -> list[int]:
    days = programme.get("reminder_days")
    return [3, 1] if days is None else list(days)
