"""The queries of a person's export: who an application's person is (the hash of their address),
and every row notify holds of them in the tenant — their messages in the delivery log, what it
knows of them from the cohorts they are in, and their choices."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import deliveries, preferences, recipients


def person_of(conn: Connection, tenant: str, person_id: str) -> str | None:
    """The hash of the address an application (or nomination) belongs to: from the cohort's
    record of it, else from a message written about it (None: notify never heard of it)."""
    r, d = recipients, deliveries
    digest = conn.execute(sa.select(r.c.email_sha256).where(r.c.tenant == tenant, r.c.id == person_id)).scalar()
    if digest:
        return digest
    return conn.execute(sa.select(d.c.recipient_hash).where(
        d.c.tenant == tenant, d.c.channel == "email", d.c.person_id == person_id, d.c.recipient_hash.is_not(None))
        .order_by(d.c.created_at.desc()).limit(1)).scalar()


def people_of(conn: Connection, tenant: str, digest: str) -> list:
    """What notify knows of the person in each cohort they are in (one row per application)."""
    r = recipients
    return conn.execute(sa.select(r).where(r.c.tenant == tenant, r.c.email_sha256 == digest)
                        .order_by(r.c.updated_at, r.c.id)).mappings().all()


def messages_of(conn: Connection, tenant: str, digest: str, person_ids: list[str]) -> list:
    """The person's messages: those to their address, and those to any of their applications
    (an address they had before) — the rule erasure strips them by."""
    d = deliveries
    theirs = [d.c.recipient_hash == digest]
    if person_ids:
        theirs.append(d.c.person_id.in_(person_ids))
    return conn.execute(sa.select(d).where(d.c.tenant == tenant, d.c.channel == "email", sa.or_(*theirs))
                        .order_by(d.c.created_at, d.c.id)).mappings().all()


def choices_of(conn: Connection, tenant: str, digest: str) -> list:
    p = preferences
    return conn.execute(sa.select(p).where(p.c.tenant == tenant, p.c.email_sha256 == digest)).mappings().all()
