"""Matching's tables: its own projection of the cohort's applications (never intake's database)."""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
)


def publish(conn, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)
