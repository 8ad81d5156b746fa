"""The queries of tenants and their staff."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import programmes, staff, tenants


def all_tenants(conn: Connection) -> list:
    return conn.execute(sa.select(tenants).order_by(tenants.c.slug)).mappings().all()


def tenant_exists(conn: Connection, slug: str) -> bool:
    return conn.execute(sa.select(tenants.c.slug).where(tenants.c.slug == slug)).first() is not None


def tenant_name(conn: Connection, slug: str) -> str | None:
    return conn.execute(sa.select(tenants.c.name).where(tenants.c.slug == slug)).scalar()


def staff_page(conn: Connection, tenant: str, limit: int, offset: int) -> tuple[int, list]:
    """How many staff the tenant has, active and deactivated, and one page of them by name."""
    mine = staff.c.tenant == tenant
    total = conn.execute(sa.select(sa.func.count()).where(mine)).scalar_one()
    page = conn.execute(sa.select(staff).where(mine).order_by(staff.c.name, staff.c.email, staff.c.id)
                        .limit(limit).offset(offset)).mappings().all()
    return total, page


def member_organisations(conn: Connection, tenant: str):
    """The member organisations each of the tenant's programmes lists, newest programme first."""
    p = programmes
    return conn.execute(sa.select(p.c.member_organisations).where(p.c.tenant == tenant)
                        .order_by(p.c.created_at.desc())).scalars()
