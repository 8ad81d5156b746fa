"""Creating a tenant: the row and its ``tenant.created.v1`` event, in one transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import new_event

from .. import store


def create_tenant(conn: Connection, slug: str, name: str, now: datetime) -> dict | None:
    """Create the tenant, or return None if the slug is taken."""
    if conn.execute(sa.select(store.tenants.c.slug).where(store.tenants.c.slug == slug)).first():
        return None
    row = {"slug": slug, "name": name, "created_at": now}
    conn.execute(store.tenants.insert().values(**row))
    store.publish(conn, new_event("tenant.created.v1", source="intake", tenant=slug, subject=slug, data={"slug": slug, "name": name}))
    return row
