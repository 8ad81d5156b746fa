"""Queries of the people scheduling knows of: a cohort's participants and a person's pairs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import meetings, pairs, participants


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


def names_of(conn: Connection, tenant: str, ids: set[str]) -> dict[str, dict]:
    """application id -> its id, name and role, for these people."""
    t = participants
    if not ids:
        return {}
    return {r["application_id"]: {"application_id": r["application_id"], "name": r["name"], "role": r["role"]}
            for r in conn.execute(sa.select(t.c.application_id, t.c.name, t.c.role).where(
                t.c.tenant == tenant, t.c.application_id.in_(ids))).mappings()}


def attendees(conn: Connection, tenant: str, cohort_id: str) -> list[dict]:
    """Who is expected at the cohort's events: its accepted participants and everyone in an active
    pair, in role and name order (erased people are no one's recipients)."""
    t, p = participants, pairs
    in_pairs = sa.select(p.c.mentee_id).where(p.c.tenant == tenant, p.c.cohort_id == cohort_id, p.c.status == "active").union(
        sa.select(p.c.mentor_id).where(p.c.tenant == tenant, p.c.cohort_id == cohort_id, p.c.status == "active"))
    found = conn.execute(sa.select(t).where(
        t.c.tenant == tenant, t.c.cohort_id == cohort_id, t.c.erased.is_(False), t.c.email.is_not(None),
        sa.or_(t.c.status == "accepted", t.c.application_id.in_(in_pairs)),
    ).order_by(t.c.role.desc(), t.c.name)).mappings().all()
    return [dict(r) for r in found]


def active_pair_ids(conn: Connection, tenant: str, cohort_id: str, application_id: str) -> list[str]:
    p = pairs
    return list(conn.execute(sa.select(p.c.id).where(
        p.c.tenant == tenant, p.c.cohort_id == cohort_id, p.c.status == "active",
        sa.or_(p.c.mentee_id == application_id, p.c.mentor_id == application_id)).order_by(p.c.confirmed_at)).scalars())


def held_count(conn: Connection, tenant: str, pair_id: str) -> int:
    m = meetings
    return conn.execute(sa.select(sa.func.count()).select_from(m).where(
        m.c.tenant == tenant, m.c.pair_id == pair_id, m.c.status == "held")).scalar_one()


def people_by_ids(conn: Connection, tenant: str, application_ids: list[str]) -> list:
    t = participants
    return rows(conn, t, tenant, t.c.application_id.in_(application_ids))


def add_participant(conn: Connection, row: dict) -> None:
    conn.execute(participants.insert().values(**row))


def add_pair(conn: Connection, row: dict) -> None:
    conn.execute(pairs.insert().values(**row))


def pairs_of_cohort(conn: Connection, tenant: str, cohort_id: str, *, active: bool = False) -> list:
    """The cohort's pairs (only the active ones if ``active``), in the order they were confirmed."""
    p = pairs
    where = [p.c.cohort_id == cohort_id, *([p.c.status == "active"] if active else [])]
    return rows(conn, p, tenant, *where, order_by=None if active else [p.c.confirmed_at, p.c.id])


def emails_of(conn: Connection, tenant: str, ids: set[str]) -> dict[str, str | None]:
    """application id -> its e-mail address (None once erased), for these people."""
    t = participants
    if not ids:
        return {}
    return dict(conn.execute(sa.select(t.c.application_id, t.c.email).where(
        t.c.tenant == tenant, t.c.application_id.in_(ids))).all())
