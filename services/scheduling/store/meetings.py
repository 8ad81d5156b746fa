"""Queries of pairs' meetings and of cohort events."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import cohort_events, cohorts, meetings


def meetings_of_pair(conn: Connection, tenant: str, pair_id: str, *, only: tuple[str, ...] | None = None,
                     dated: bool = False) -> list:
    """The pair's meetings by number: all, or those in the states ``only``, or those with a time."""
    m = meetings
    where = [m.c.pair_id == pair_id]
    if only is not None:
        where.append(m.c.status.in_(only))
    if dated:
        where.append(m.c.starts_at.is_not(None))
    return rows(conn, m, tenant, *where, order_by=m.c.number)


def meetings_of_cohort(conn: Connection, tenant: str, cohort_id: str) -> list:
    m = meetings
    return rows(conn, m, tenant, m.c.cohort_id == cohort_id, order_by=m.c.number)


def add_meeting(conn: Connection, row: dict) -> None:
    conn.execute(meetings.insert().values(**row))


def events_of_cohorts(conn: Connection, tenant: str, cohort_ids: set[str], *, ordered: bool = True) -> list:
    """The cohort events of these cohorts, by their start (or as stored)."""
    e = cohort_events
    return rows(conn, e, tenant, e.c.cohort_id.in_(cohort_ids), order_by=e.c.starts_at if ordered else None)


def events_of_cohort(conn: Connection, tenant: str, cohort_id: str, *, ordered: bool = True,
                     mandatory_scheduled: bool = False) -> list:
    e = cohort_events
    where = [e.c.cohort_id == cohort_id]
    if mandatory_scheduled:
        where += [e.c.mandatory.is_(True), e.c.status == "scheduled"]
    return rows(conn, e, tenant, *where, order_by=e.c.starts_at if ordered else None)


def add_cohort_event(conn: Connection, row: dict) -> None:
    conn.execute(cohort_events.insert().values(**row))


def cohorts_by_id(conn: Connection, tenant: str, ids: set[str]) -> dict:
    c = cohorts
    return {r["id"]: r for r in rows(conn, c, tenant, c.c.id.in_(ids))}


def add_cohort(conn: Connection, row: dict) -> None:
    conn.execute(cohorts.insert().values(**row))
