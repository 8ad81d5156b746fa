"""Queries of calendar feeds (a hash of each secret, who owns it, when it was revoked)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import calendar_feeds


def add_feed(conn: Connection, tenant: str, owner_kind: str, owner_id: str, secret_sha256: str, by: str,
             now: datetime) -> None:
    conn.execute(calendar_feeds.insert().values(
        id=str(uuid.uuid4()), tenant=tenant, owner_kind=owner_kind, owner_id=owner_id, secret_sha256=secret_sha256,
        created_by=by, created_at=now))


def revoke_feeds(conn: Connection, tenant: str, owner_kind: str, owner_ids: list[str], now: datetime) -> int:
    """Revoke the owners' live feeds; how many there were."""
    f = calendar_feeds
    return conn.execute(f.update().where(f.c.tenant == tenant, f.c.owner_kind == owner_kind, f.c.owner_id.in_(owner_ids),
                                         f.c.revoked_at.is_(None)).values(revoked_at=now)).rowcount


def active_feed(conn: Connection, tenant: str, owner_kind: str, owner_id: str):
    f = calendar_feeds
    return conn.execute(sa.select(f).where(f.c.tenant == tenant, f.c.owner_kind == owner_kind, f.c.owner_id == owner_id,
                                           f.c.revoked_at.is_(None))).mappings().first()


def feed_by_hash(conn: Connection, secret_sha256: str):
    f = calendar_feeds
    return conn.execute(sa.select(f).where(f.c.secret_sha256 == secret_sha256, f.c.revoked_at.is_(None))).mappings().first()
