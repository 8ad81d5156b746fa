"""The queries of programmes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import cohorts, programmes


def insert_programme(conn: Connection, row: dict) -> None:
    conn.execute(programmes.insert().values(**row))


def cohorts_past_draft(conn: Connection, tenant: str, programme_id: str) -> list:
    """The programme's cohorts that are no longer drafts (the ones the other services know)."""
    return rows(conn, cohorts, tenant, cohorts.c.programme_id == programme_id, cohorts.c.status != "draft")


def member_organisations(conn: Connection, tenant: str):
    """The member organisations each of the tenant's programmes lists, newest programme first."""
    p = programmes
    return conn.execute(sa.select(p.c.member_organisations).where(p.c.tenant == tenant)
                        .order_by(p.c.created_at.desc())).scalars()
