"""Queries of the people scheduling knows of: a cohort's participants and a person's pairs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import pairs, participants


def participants_of_cohort(conn: Connection, tenant: str, cohort_id: str) -> list:
    """The cohort's participants in the order scheduling recorded them."""
    t = participants
    return conn.execute(
        sa.select(t).where(t.c.tenant == tenant, t.c.cohort_id == cohort_id).order_by(t.c.recorded_at)
    ).mappings().all()


def in_cohort(conn: Connection, tenant: str, cohort_id: str, application_ids: list[str]) -> set[str]:
    """Which of these people are participants of the cohort."""
    t = participants
    return set(conn.execute(sa.select(t.c.application_id).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.application_id.in_(application_ids))).scalars())


def pairs_of_person(conn: Connection, tenant: str, application_id: str) -> list:
    """Every pair the person is the mentee or the mentor of, in the order they were confirmed."""
    p = pairs
    return rows(conn, p, tenant, sa.or_(p.c.mentee_id == application_id, p.c.mentor_id == application_id),
                order_by=p.c.confirmed_at)
