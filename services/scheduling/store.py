"""Scheduling's tables: its projections of cohorts and participants, from events."""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)


def publish(conn, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)
