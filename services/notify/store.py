"""Notify's tables: the delivery log (one row per event, recipient and channel)."""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(120), nullable=False),
    sa.Column("message", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("subject", sa.String(400), nullable=False),
    sa.Column("body_text", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("event_id", "recipient", "channel", name="uq_delivery_once"),
    sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
)


def publish(conn, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)
