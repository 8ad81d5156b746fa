"""The queries of an erasure: a person's rows found by address within a tenant, and rewritten."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import outbox

from .tables import (
    OUTBOX,
    applications,
    erasures,
    link_requests,
    nominations,
    sign_in_codes,
    staff,
    survey_responses,
)


def applications_of_person(conn: Connection, tenant: str, email: str) -> list:
    a = applications
    return conn.execute(sa.select(a.c.id, a.c.name).where(a.c.tenant == tenant, a.c.email == email)
                        .order_by(a.c.submitted_at, a.c.id)).mappings().all()


def nominations_of_person(conn: Connection, tenant: str, email: str) -> list:
    n = nominations
    return conn.execute(sa.select(n.c.id, n.c.name).where(n.c.tenant == tenant, n.c.email == email)
                        .order_by(n.c.nominated_at, n.c.id)).mappings().all()


def overwrite_applications(conn: Connection, tenant: str, ids: list[str], values: dict) -> None:
    if ids:
        conn.execute(applications.update().where(applications.c.tenant == tenant, applications.c.id.in_(ids)).values(**values))


def overwrite_nominations(conn: Connection, tenant: str, ids: list[str], values: dict) -> None:
    if ids:
        conn.execute(nominations.update().where(nominations.c.tenant == tenant, nominations.c.id.in_(ids)).values(**values))


def survey_answers_of(conn: Connection, tenant: str, application_ids: list[str]) -> list:
    """The id and answers of each survey response of these applications."""
    s = survey_responses
    if not application_ids:
        return []
    return conn.execute(sa.select(s.c.id, s.c.answers)
                        .where(s.c.tenant == tenant, s.c.application_id.in_(application_ids))).mappings().all()


def set_survey_answers(conn: Connection, tenant: str, response_id: str, answers: dict) -> None:
    s = survey_responses
    conn.execute(s.update().where(s.c.tenant == tenant, s.c.id == response_id).values(answers=answers))


def forget_link_requests(conn: Connection, tenant: str, digest: str) -> None:
    """When the address last asked for its links again: nothing to keep once it is erased."""
    t = link_requests
    conn.execute(t.delete().where(t.c.tenant == tenant, t.c.email_sha256 == digest))


def forget_sign_in_codes(conn: Connection, tenant: str, email: str) -> None:
    """The sign-in codes of the address, if it is staff of the tenant too (the staff row stays,
    deactivated rather than deleted; its codes, used or not, go)."""
    mine = sa.select(staff.c.id).where(staff.c.tenant == tenant, staff.c.email == email)
    conn.execute(sign_in_codes.delete().where(sign_in_codes.c.tenant == tenant, sign_in_codes.c.staff_id.in_(mine)))


def scrub_outbox(conn: Connection, tenant: str, needles: list[str], replacements: dict[str, str]) -> None:
    outbox.scrub(conn, OUTBOX, tenant, needles, replacements)


def insert_erasure(conn: Connection, row: dict) -> None:
    conn.execute(erasures.insert().values(**row))
