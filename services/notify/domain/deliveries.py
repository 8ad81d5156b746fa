"""The delivery log: queue a message once per (event, recipient, channel), send it, retry it."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .. import store
from .messages import render

MAX_ATTEMPTS = 8


def queue_email(conn, *, tenant: str, event_id: str, event_type: str, message: str, to: str, locale: str, context: dict) -> bool:
    """Queue one e-mail; False if this event already queued it for this recipient."""
    t = store.deliveries
    already = conn.execute(
        sa.select(t.c.id).where(t.c.event_id == event_id, t.c.recipient == to, t.c.channel == "email")
    ).first()
    if already:
        return False
    rendered = render(message, locale, context)
    now = datetime.now(UTC)
    conn.execute(t.insert().values(
        id=str(uuid.uuid4()), tenant=tenant, event_id=event_id, event_type=event_type, message=message,
        channel="email", recipient=to, locale=rendered.locale, subject=rendered.subject, body_text=rendered.text,
        status="pending", attempts=0, created_at=now, next_attempt_at=now,
    ))
    return True


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped at ten minutes."""
    return timedelta(seconds=random.uniform(0, min(600, 2 ** attempts)))


def due(conn, now: datetime, limit: int = 100):
    t = store.deliveries
    return conn.execute(
        sa.select(t).where(t.c.status == "pending", t.c.next_attempt_at <= now).order_by(t.c.next_attempt_at).limit(limit)
    ).mappings().all()
