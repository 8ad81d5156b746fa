"""The queries of "send me my links again": what an address has, in every tenant (the request
names no tenant: each tenant's items go in that tenant's own message), and each tenant's last sending."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import insert_new

from .tables import applications, cohorts, link_requests, nominations, programmes


def applications_of_address(conn: Connection, email: str) -> list:
    """The address's applications not withdrawn, in every tenant, with their cohort and programme names."""
    a, c, p = applications, cohorts, programmes
    return conn.execute(
        sa.select(a.c.id, a.c.tenant, a.c.role, a.c.name, a.c.locale, a.c.status, a.c.submitted_at.label("at"),
                  a.c.cohort_id, c.c.name.label("cohort_name"), c.c.time_zone, p.c.names, p.c.locale.label("programme_locale"))
        .join_from(a, c, sa.and_(c.c.id == a.c.cohort_id, c.c.tenant == a.c.tenant))
        .join(p, sa.and_(p.c.id == c.c.programme_id, p.c.tenant == c.c.tenant))
        .where(a.c.email == email, a.c.status != "withdrawn")).mappings().all()


def mentor_forms_of_address(conn: Connection, email: str) -> list:
    """The address's accepted nominations, in every tenant, whose form is not filled in yet, in
    cohorts that still take it."""
    n, c, p = nominations, cohorts, programmes
    return conn.execute(
        sa.select(n.c.id, n.c.tenant, n.c.name, n.c.locale, n.c.decided_at.label("at"), n.c.cohort_id,
                  c.c.name.label("cohort_name"), c.c.time_zone, p.c.names, p.c.locale.label("programme_locale"))
        .join_from(n, c, sa.and_(c.c.id == n.c.cohort_id, c.c.tenant == n.c.tenant))
        .join(p, sa.and_(p.c.id == c.c.programme_id, p.c.tenant == c.c.tenant))
        .where(n.c.email == email, n.c.status == "accepted", n.c.application_id.is_(None),
               c.c.status.not_in(("running", "finished")))).mappings().all()


def claim_link_request(conn: Connection, tenant: str, digest: str, now: datetime, last_sent_by: datetime) -> bool:
    """Whether the tenant may send the address its links now: it sent none, or its last sending was
    at ``last_sent_by`` or before; the sending is recorded. Two requests at once: the second waits
    on the first's row and sends nothing."""
    t = link_requests
    if insert_new(conn, t, {"tenant": tenant, "email_sha256": digest, "sent_at": now}):
        return True
    moved = conn.execute(t.update().where(t.c.tenant == tenant, t.c.email_sha256 == digest,
                                          t.c.sent_at <= last_sent_by).values(sent_at=now))
    return moved.rowcount == 1
