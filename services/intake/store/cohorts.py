"""The queries of cohorts and their group events."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import applications, cohorts, group_events


def insert_cohort(conn: Connection, row: dict) -> None:
    conn.execute(cohorts.insert().values(**row))


def cohorts_of_programme(conn: Connection, tenant: str, programme_id: str) -> list:
    c = cohorts
    return rows(conn, c, tenant, c.c.programme_id == programme_id, order_by=c.c.created_at)


def group_events_of(conn: Connection, tenant: str, cohort_id: str) -> list[dict]:
    """The cohort's group events, the earliest first."""
    t = group_events
    return [dict(r) for r in conn.execute(
        sa.select(t).where(t.c.cohort_id == cohort_id, t.c.tenant == tenant).order_by(t.c.starts_at)).mappings()]


def group_event_ids(conn: Connection, tenant: str, cohort_id: str) -> set[str]:
    t = group_events
    return set(conn.execute(sa.select(t.c.id).where(t.c.cohort_id == cohort_id, t.c.tenant == tenant)).scalars())


def write_group_events(conn: Connection, tenant: str, cohort_id: str, changed: dict[str, dict], new: list[dict]) -> None:
    """The cohort's group events become ``changed`` (id -> values) and ``new``: the others go."""
    t = group_events
    mine = t.c.cohort_id == cohort_id, t.c.tenant == tenant
    conn.execute(t.delete().where(*mine, t.c.id.not_in(set(changed))))
    for event_id, values in changed.items():
        conn.execute(t.update().where(*mine, t.c.id == event_id).values(**values))
    for row in new:
        conn.execute(t.insert().values(**row))


def applications_by_role_and_status(conn: Connection, tenant: str, cohort_id: str) -> list:
    """(role, status, how many) of the cohort's applications."""
    t = applications
    return conn.execute(
        sa.select(t.c.role, t.c.status, sa.func.count()).where(t.c.cohort_id == cohort_id, t.c.tenant == tenant)
        .group_by(t.c.role, t.c.status)).all()


def cohorts_under_way(conn: Connection) -> list:
    """(id, tenant) of every tenant's cohorts the calendar may move on (the clock runs for all tenants)."""
    c = cohorts
    return conn.execute(sa.select(c.c.id, c.c.tenant).where(c.c.status.in_(("open", "closed", "running")))).all()


def claim_cohort(conn: Connection, tenant: str, cohort_id: str):
    """The cohort, locked until the transaction ends; None when another worker holds it (it is
    skipped, not waited for) or it is gone."""
    c = cohorts
    query = sa.select(c).where(c.c.id == cohort_id, c.c.tenant == tenant)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return conn.execute(query).mappings().first()
