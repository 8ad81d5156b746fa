"""The queries of the people matching knows: its projection of cohorts and applications, the
coordinator's pins and forbids, and the confirmed pairs."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import db
from services.shared.db import rows

from .tables import applications, cohorts, overrides, pairs

# --- the projection, written from intake's events --------------------------------------------


def upsert_cohort(conn: Connection, tenant: str, cohort_id: str, values: dict) -> None:
    db.upsert(conn, cohorts, tenant, cohort_id, values)


def upsert_application(conn: Connection, tenant: str, application_id: str, values: dict) -> None:
    db.upsert(conn, applications, tenant, application_id, values)


def set_application_status(conn: Connection, tenant: str, application_id: str, status: str) -> bool:
    """Record the application's new status; False when matching has not heard of it yet."""
    a = applications
    return bool(conn.execute(a.update().where(a.c.id == application_id, a.c.tenant == tenant).values(status=status)).rowcount)


def blank_applications(conn: Connection, tenant: str, application_ids: list[str], values: dict) -> None:
    a = applications
    conn.execute(a.update().where(a.c.tenant == tenant, a.c.id.in_(application_ids)).values(**values))


# --- reading the people ----------------------------------------------------------------------


def names(conn: Connection, tenant: str, ids) -> dict[str, str]:
    a = applications
    if not ids:
        return {}
    return dict(conn.execute(sa.select(a.c.id, a.c.name).where(a.c.tenant == tenant, a.c.id.in_(list(ids)))).all())


def candidates(conn: Connection, tenant: str, cohort_id: str):
    """The cohort's mentors and mentees, by role and in arrival order."""
    a = applications
    return conn.execute(sa.select(a).where(a.c.tenant == tenant, a.c.cohort_id == cohort_id)
                        .order_by(a.c.role, a.c.arrival)).mappings().all()


def accepted(conn: Connection, tenant: str, cohort_id: str):
    """The cohort's accepted applications, in arrival order."""
    a = applications
    return rows(conn, a, tenant, a.c.cohort_id == cohort_id, a.c.status == "accepted", order_by=[a.c.arrival, a.c.id])


def people_of_cohort(conn: Connection, tenant: str, cohort_id: str, ids: list[str]) -> dict[str, dict]:
    """Those of ``ids`` who applied to the cohort, by id."""
    a = applications
    return {r["id"]: r for r in rows(conn, a, tenant, a.c.cohort_id == cohort_id, a.c.id.in_(ids))}


def roles_and_statuses(conn: Connection, tenant: str, cohort_id: str) -> Counter:
    """How many of the cohort's applications there are of each (role, status)."""
    a = applications
    return Counter((role, status) for role, status in conn.execute(
        sa.select(a.c.role, a.c.status).where(a.c.tenant == tenant, a.c.cohort_id == cohort_id)))


def cohort_names(conn: Connection, tenant: str, cohort_id: str) -> dict[str, str]:
    a = applications
    return dict(conn.execute(sa.select(a.c.id, a.c.name).where(a.c.tenant == tenant, a.c.cohort_id == cohort_id)).all())


# --- pairs, pins and forbids -----------------------------------------------------------------


def confirmed_pairs(conn: Connection, tenant: str, cohort_id: str):
    return rows(conn, pairs, tenant, pairs.c.cohort_id == cohort_id, pairs.c.status == "confirmed")


def confirmed_pairs_of(conn: Connection, tenant: str, role: str, application_id: str):
    """The confirmed pairs the person is in, as a mentee or as a mentor."""
    column = pairs.c.mentee_id if role == "mentee" else pairs.c.mentor_id
    return rows(conn, pairs, tenant, column == application_id, pairs.c.status == "confirmed")


def cohort_pairs(conn: Connection, tenant: str, cohort_id: str) -> list[dict]:
    """The cohort's pairs, confirmed and ended, in the order they were confirmed, each named."""
    found = rows(conn, pairs, tenant, pairs.c.cohort_id == cohort_id, order_by=pairs.c.confirmed_at)
    who = names(conn, tenant, {r["mentee_id"] for r in found} | {r["mentor_id"] for r in found})
    return [{**r, "mentee": who.get(r["mentee_id"]), "mentor": who.get(r["mentor_id"])} for r in found]


def add_pair(conn: Connection, row: dict) -> None:
    conn.execute(pairs.insert().values(**row))


def cohort_overrides(conn: Connection, tenant: str, cohort_id: str, order_by=None):
    return rows(conn, overrides, tenant, overrides.c.cohort_id == cohort_id, order_by=order_by)


def cohort_overrides_in_order(conn: Connection, tenant: str, cohort_id: str):
    return cohort_overrides(conn, tenant, cohort_id, order_by=overrides.c.created_at)


def override(conn: Connection, tenant: str, cohort_id: str, kind: str, mentee_id: str, mentor_id: str):
    o = overrides
    return conn.execute(sa.select(o).where(o.c.tenant == tenant, o.c.cohort_id == cohort_id, o.c.kind == kind,
                                           o.c.mentee_id == mentee_id, o.c.mentor_id == mentor_id)).mappings().first()


def remove_override_of(conn: Connection, tenant: str, cohort_id: str, kind: str, mentee_id: str, mentor_id: str) -> None:
    o = overrides
    conn.execute(o.delete().where(o.c.tenant == tenant, o.c.cohort_id == cohort_id, o.c.kind == kind,
                                  o.c.mentee_id == mentee_id, o.c.mentor_id == mentor_id))


def add_override(conn: Connection, row: dict) -> None:
    conn.execute(overrides.insert().values(**row))


def remove_override(conn: Connection, tenant: str, override_id: str) -> None:
    conn.execute(overrides.delete().where(overrides.c.id == override_id, overrides.c.tenant == tenant))
