"""The queries of an erasure: the person's rows found by the hash of their address and by their
ids, their deliveries stripped, other people's messages that name them (by address or by name)
cancelled or emptied."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import deliveries, preferences, recipients

ERASED_TEXT = "(erased)"


def _who(digest: str, person_ids: list[str]):
    r = recipients
    return sa.or_(r.c.email_sha256 == digest, r.c.id.in_(person_ids)) if person_ids else r.c.email_sha256 == digest


def people_found(conn: Connection, tenant: str, digest: str, person_ids: list[str]) -> list:
    """(email, name) of each projection row of the person."""
    r = recipients
    return conn.execute(sa.select(r.c.email, r.c.name).where(r.c.tenant == tenant, _who(digest, person_ids))).all()


def logged_addresses(conn: Connection, tenant: str, digest: str) -> set[str]:
    """The addresses with this hash that the delivery log holds (a nominee, a person never projected)."""
    d = deliveries
    return {address for (address,) in conn.execute(sa.select(d.c.recipient).where(
        d.c.tenant == tenant, d.c.channel == "email", d.c.recipient_hash == digest).distinct())}


def strip_theirs(conn: Connection, tenant: str, digest: str, person_ids: list[str], instead: str,
                 now: datetime) -> tuple[int, int]:
    """Cancel what still waits to go to the person, and strip all their deliveries; (cancelled, changed)."""
    d = deliveries
    theirs = [d.c.recipient_hash == digest]
    if person_ids:
        theirs.append(sa.and_(d.c.channel == "email", d.c.person_id.in_(person_ids)))
    mine = sa.and_(d.c.tenant == tenant, sa.or_(*theirs))
    cancelled = conn.execute(d.update().where(mine, d.c.status == "pending").values(
        status="cancelled", last_error="the person was erased", updated_at=now)).rowcount
    changed = conn.execute(d.update().where(mine).values(
        recipient=instead, recipient_hash=None, subject=ERASED_TEXT, body_text=None, body_html=None,
        calendar=None, headers=None, payload=None, claimed_by=None, claimed_until=None, updated_at=now,
        # a mail server's answer may quote the address in its own spelling: such an error goes
        last_error=sa.case((d.c.last_error.contains("@"), ERASED_TEXT), else_=d.c.last_error))).rowcount
    return cancelled, changed


def mentioning(conn: Connection, tenant: str, mention: str) -> list:
    """Other people's e-mails whose text contains ``mention`` (the person's address or name) as
    it is written; the caller decides which of them really name the person."""
    d = deliveries
    texts = (d.c.subject, d.c.body_text, d.c.body_html, d.c.calendar)
    return conn.execute(sa.select(d.c.id, d.c.status, *texts).where(
        d.c.tenant == tenant, d.c.channel == "email",
        sa.or_(*[column.contains(mention, autoescape=True) for column in texts]))).mappings().all()


def clear_mentions(conn: Connection, tenant: str, *, bodies: list[str], subjects: list[str], cancel: list[str],
                   now: datetime) -> None:
    """Cancel the pending ``cancel``, empty the ``bodies`` and blank the ``subjects`` (delivery ids)."""
    d = deliveries
    if cancel:
        conn.execute(d.update().where(d.c.tenant == tenant, d.c.id.in_(cancel)).values(
            status="cancelled", last_error="names a person who was erased", updated_at=now))
    if bodies:
        conn.execute(d.update().where(d.c.tenant == tenant, d.c.id.in_(bodies)).values(
            body_text=None, body_html=None, calendar=None, headers=None, updated_at=now))
    if subjects:
        conn.execute(d.update().where(d.c.tenant == tenant, d.c.id.in_(subjects)).values(
            subject=ERASED_TEXT, updated_at=now))


def waiting_payloads(conn: Connection, tenant: str) -> list:
    """(id, payload) of each webhook delivery whose body is still kept."""
    d = deliveries
    return conn.execute(sa.select(d.c.id, d.c.payload).where(
        d.c.tenant == tenant, d.c.channel == "webhook", d.c.payload.is_not(None))).all()


def set_payload(conn: Connection, tenant: str, delivery_id: str, payload: str, now: datetime) -> None:
    d = deliveries
    conn.execute(d.update().where(d.c.tenant == tenant, d.c.id == delivery_id).values(payload=payload, updated_at=now))


def forget(conn: Connection, tenant: str, digest: str, person_ids: list[str]) -> tuple[int, int]:
    """The person's projection rows and preferences gone; (people, preferences) removed."""
    r, p = recipients, preferences
    gone_people = conn.execute(r.delete().where(r.c.tenant == tenant, _who(digest, person_ids))).rowcount
    gone_prefs = conn.execute(p.delete().where(p.c.tenant == tenant, p.c.email_sha256 == digest)).rowcount
    return gone_people, gone_prefs
