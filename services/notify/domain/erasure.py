"""Erasing a person from notify: found by the hash of their address (intake sends no address)
and by their application and nomination ids.

Their projection row and preferences go; their deliveries keep only what the log needs to count
(kind, status, times) — address, name, subject and bodies go; messages still waiting that
would carry their details (to them, or introducing them to someone else) are cancelled; webhook
payloads still waiting lose their address and name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import store

ERASED = "erased"


@dataclass(frozen=True)
class Erased:
    recipients: int
    deliveries: int
    cancelled: int
    preferences: int


def erase_person(conn: Connection, tenant: str, digest: str, application_ids: list[str],
                 nomination_ids: list[str], now: datetime) -> Erased:
    r, d, p = store.recipients, store.deliveries, store.preferences
    person_ids = [*application_ids, *nomination_ids]
    who = sa.or_(r.c.email_sha256 == digest, r.c.id.in_(person_ids)) if person_ids else r.c.email_sha256 == digest
    people = conn.execute(sa.select(r.c.email, r.c.name).where(r.c.tenant == tenant, who)).all()
    addresses = {row.email for row in people}
    # addresses notify holds only in its delivery log (a nominee, a person never projected): the
    # hash matches them by definition
    for (address,) in conn.execute(sa.select(d.c.recipient).where(
            d.c.tenant == tenant, d.c.channel == "email", d.c.recipient_hash == digest).distinct()):
        addresses.add(address)
    names = {row.name for row in people if row.name and row.name != ERASED}
    placeholder = f"erased-{digest[:16]}@erased.invalid"

    theirs = [d.c.recipient_hash == digest]
    if person_ids:
        theirs.append(sa.and_(d.c.channel == "email", d.c.person_id.in_(person_ids)))
    mine = sa.and_(d.c.tenant == tenant, sa.or_(*theirs))
    cancelled = conn.execute(d.update().where(mine, d.c.status == "pending").values(
        status="cancelled", last_error="the person was erased", updated_at=now)).rowcount
    changed = conn.execute(d.update().where(mine).values(
        recipient=placeholder, recipient_hash=None, subject="(erased)", body_text=None, body_html=None,
        calendar=None, headers=None, payload=None, claimed_by=None, claimed_until=None, updated_at=now)).rowcount

    # other people's messages that name them: a pending introduction is not sent; bodies go
    for address in addresses:
        mention = sa.and_(d.c.tenant == tenant, d.c.channel == "email",
                          sa.or_(d.c.body_text.contains(address, autoescape=True), d.c.body_html.contains(address, autoescape=True)))
        cancelled += conn.execute(d.update().where(mention, d.c.status == "pending").values(
            status="cancelled", last_error="names a person who was erased", updated_at=now)).rowcount
        conn.execute(d.update().where(mention).values(body_text=None, body_html=None, calendar=None, headers=None,
                                                       updated_at=now))
    # webhook payloads still waiting: the tenant's own system hears of the erasure too, and gets
    # the waiting events without the person's details
    for row in conn.execute(sa.select(d.c.id, d.c.payload).where(
            d.c.tenant == tenant, d.c.channel == "webhook", d.c.payload.is_not(None))).all():
        payload = row.payload
        for address in addresses:
            payload = payload.replace(address, placeholder)
        for name in names:
            payload = payload.replace(_json_text(name), _json_text(ERASED))
        if payload != row.payload:
            conn.execute(d.update().where(d.c.id == row.id).values(payload=payload, updated_at=now))

    gone_people = conn.execute(r.delete().where(r.c.tenant == tenant, who)).rowcount
    gone_prefs = conn.execute(p.delete().where(p.c.tenant == tenant, p.c.email_sha256 == digest)).rowcount
    return Erased(gone_people, changed, cancelled, gone_prefs)


def _json_text(text: str) -> str:
    """A string as it stands inside a JSON body (without its quotes)."""
    import json

    return json.dumps(text, ensure_ascii=False)[1:-1]
