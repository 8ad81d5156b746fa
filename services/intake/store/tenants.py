"""The queries of tenants, the organisations that run programmes: writing a new one, and reading
them across tenants (an operator's list, a slug taken or free, a tenant's name)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import tenants


def insert_tenant(conn: Connection, row: dict) -> None:
    conn.execute(tenants.insert().values(**row))


def all_tenants(conn: Connection) -> list:
    return conn.execute(sa.select(tenants).order_by(tenants.c.slug)).mappings().all()


def tenant_exists(conn: Connection, slug: str) -> bool:
    return conn.execute(sa.select(tenants.c.slug).where(tenants.c.slug == slug)).first() is not None


def tenant_name(conn: Connection, slug: str) -> str | None:
    return conn.execute(sa.select(tenants.c.name).where(tenants.c.slug == slug)).scalar()
