"""The queries of a person's own data: every row of the tenant that is about them, found by
their address (or its hash where intake keeps only that)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import (
    applications,
    cohorts,
    erasures,
    link_requests,
    nominations,
    sign_in_codes,
    staff,
    survey_responses,
)


def applications_of_email(conn: Connection, tenant: str, email: str) -> list:
    """Every column of the address's applications, with their cohort's name, oldest first."""
    a, c = applications, cohorts
    return conn.execute(sa.select(a, c.c.name.label("cohort"))
                        .join_from(a, c, sa.and_(c.c.id == a.c.cohort_id, c.c.tenant == a.c.tenant))
                        .where(a.c.tenant == tenant, a.c.email == email)
                        .order_by(a.c.submitted_at, a.c.id)).mappings().all()


def nominations_of_email(conn: Connection, tenant: str, email: str) -> list:
    n = nominations
    return conn.execute(sa.select(n).where(n.c.tenant == tenant, n.c.email == email)
                        .order_by(n.c.nominated_at, n.c.id)).mappings().all()


def survey_responses_of_applications(conn: Connection, tenant: str, application_ids: list[str]) -> list:
    s = survey_responses
    if not application_ids:
        return []
    return conn.execute(sa.select(s).where(s.c.tenant == tenant, s.c.application_id.in_(application_ids))
                        .order_by(s.c.answered_at, s.c.id)).mappings().all()


def erasures_of_hash(conn: Connection, tenant: str, digest: str) -> list:
    e = erasures
    return conn.execute(sa.select(e).where(e.c.tenant == tenant, e.c.email_sha256 == digest)
                        .order_by(e.c.requested_at)).mappings().all()


def link_requests_of_hash(conn: Connection, tenant: str, digest: str) -> list:
    t = link_requests
    return conn.execute(sa.select(t).where(t.c.tenant == tenant, t.c.email_sha256 == digest)).mappings().all()


def staff_of_email(conn: Connection, tenant: str, email: str) -> list:
    return conn.execute(sa.select(staff).where(staff.c.tenant == tenant, staff.c.email == email)).mappings().all()


def sign_in_codes_of_staff(conn: Connection, tenant: str, staff_ids: list[str]) -> list:
    c = sign_in_codes
    if not staff_ids:
        return []
    return conn.execute(sa.select(c).where(c.c.tenant == tenant, c.c.staff_id.in_(staff_ids))
                        .order_by(c.c.created_at)).mappings().all()
