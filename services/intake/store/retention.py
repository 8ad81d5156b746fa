"""The queries of retention: applications with what their retention date is counted from.

An erased application (its name ``erased``) has no person left and is never read here. Locking
is for the retention timer: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that a replica
that cannot lock a person's every application leaves them to the one that holds them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..domain.erasure import ERASED
from .tables import applications, cohorts


def _rows(conn: Connection, *where, lock: bool = False) -> list:
    a, c = applications, cohorts
    query = (sa.select(a.c.id, a.c.tenant, a.c.email, a.c.name, a.c.role, a.c.status, a.c.decided_at,
                       a.c.retention_months, c.c.id.label("cohort_id"), c.c.name.label("cohort_name"),
                       c.c.ends_on, c.c.time_zone)
             .join_from(a, c, sa.and_(c.c.id == a.c.cohort_id, c.c.tenant == a.c.tenant))
             .where(a.c.name != ERASED, *where).order_by(a.c.tenant, a.c.email, a.c.id))
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update(of=a, skip_locked=True)
    return conn.execute(query).mappings().all()


def retention_rows(conn: Connection, tenant: str | None) -> list:
    """Every application still holding a person, of the tenant (of every tenant with None: the
    retention timer's cross-tenant read), with its cohort's end."""
    return _rows(conn, *([applications.c.tenant == tenant] if tenant else []))


def retention_rows_of_person(conn: Connection, tenant: str, email: str, lock: bool = False) -> list:
    a = applications
    return _rows(conn, a.c.tenant == tenant, a.c.email == email, lock=lock)


def unerased_count(conn: Connection, tenant: str, email: str) -> int:
    a = applications
    return conn.execute(sa.select(sa.func.count()).select_from(a)
                        .where(a.c.tenant == tenant, a.c.email == email, a.c.name != ERASED)).scalar_one()
