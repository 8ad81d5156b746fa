"""Intake's tables and queries; every query names its tenant."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

programmes = sa.Table(
    "programmes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), sa.ForeignKey("tenants.slug"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("application_deadline", UtcDateTime(), nullable=True),
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id"), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("tenant", "cohort_id", "role", "email", name="uq_application_email"),
)


def publish(conn: Connection, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)


def one(conn: Connection, table: sa.Table, tenant: str, id_: str):
    """The row ``id_`` of ``table`` if it belongs to ``tenant``; None otherwise."""
    key = table.c.slug if "slug" in table.c else table.c.id
    return conn.execute(sa.select(table).where(key == id_, table.c.tenant == tenant)).mappings().first()


def rows(conn: Connection, table: sa.Table, tenant: str, *where, order_by=None):
    query = sa.select(table).where(table.c.tenant == tenant, *where)
    if order_by is not None:
        query = query.order_by(order_by)
    return conn.execute(query).mappings().all()
