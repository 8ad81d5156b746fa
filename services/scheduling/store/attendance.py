"""Queries of attendance at cohort events."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import attendance, cohort_events


def marks_of_event(conn: Connection, tenant: str, event_id: str) -> dict[str, dict]:
    """application id -> its attendance row, for one cohort event."""
    t = attendance
    return {r["application_id"]: r for r in rows(conn, t, tenant, t.c.cohort_event_id == event_id)}


def record_mark(conn: Connection, tenant: str, event_id: str, application_id: str, **values) -> None:
    """Write one person's attendance at the event, over what was recorded before."""
    t = attendance
    key = (t.c.cohort_event_id == event_id) & (t.c.application_id == application_id)
    if conn.execute(sa.select(t.c.status).where(key, t.c.tenant == tenant)).first():
        conn.execute(t.update().where(key, t.c.tenant == tenant).values(**values))
    else:
        conn.execute(t.insert().values(tenant=tenant, cohort_event_id=event_id, application_id=application_id, **values))


def attendance_of_cohort(conn: Connection, tenant: str, cohort_id: str) -> dict[str, dict[str, str]]:
    """cohort event id -> application id -> status."""
    t, e = attendance, cohort_events
    out: dict[str, dict[str, str]] = {}
    for row in conn.execute(sa.select(t.c.cohort_event_id, t.c.application_id, t.c.status).join(
            e, e.c.id == t.c.cohort_event_id).where(t.c.tenant == tenant, e.c.cohort_id == cohort_id)):
        out.setdefault(row.cohort_event_id, {})[row.application_id] = row.status
    return out
