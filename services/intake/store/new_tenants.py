"""Writing a new tenant (the queries that read tenants are in people.py). Not tenants.py: the
package already has `tenants`, the table."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from .tables import tenants


def insert_tenant(conn: Connection, row: dict) -> None:
    conn.execute(tenants.insert().values(**row))
