"""The queries of nominations, and of the cohorts a representative may nominate to."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import insert_new, rows

from .tables import cohorts, nominations


def rank_taken(conn: Connection, tenant: str, cohort_id: str, organisation: str, rank: int) -> bool:
    """Whether the organisation gave this rank to a nominee of the cohort not declined."""
    t = nominations
    return conn.execute(sa.select(t.c.id).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.organisation == organisation,
        t.c.rank == rank, t.c.status != "declined")).first() is not None


def insert_nomination(conn: Connection, row: dict) -> bool:
    """Write a new nomination; False (writing nothing) when the address is nominated for the cohort already."""
    return insert_new(conn, nominations, row)


def nominations_of(conn: Connection, tenant: str, cohort_id: str, organisation: str | None = None) -> list:
    """The cohort's nominations ranked per organisation (one organisation's, when it is given)."""
    t = nominations
    where = [t.c.cohort_id == cohort_id]
    if organisation is not None:
        where.append(t.c.organisation == organisation)
    return rows(conn, t, tenant, *where, order_by=[t.c.organisation, t.c.rank])


def cohorts_of_programmes(conn: Connection, tenant: str, programme_ids) -> list:
    """The cohorts of these programmes, the nearest nomination deadline first."""
    c = cohorts
    return rows(conn, c, tenant, c.c.programme_id.in_(programme_ids), order_by=[c.c.nomination_deadline, c.c.name])
