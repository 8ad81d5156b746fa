"""The staff directory and passwordless sign-in: coordinators and representatives are invited
by address, and sign in with a single-use link e-mailed to that address.

A sign-in code is 32 random bytes; only its SHA-256 is kept, with an expiry (``CODE_LIFETIME``)
and the moment it was used, so a code works once and a copy of the table signs nobody in. Anyone
may ask for a link for any address, so asking never tells whether the address is known: the API
answers the same and the link goes only to the address itself, once per tenant where it is
active staff. Redeeming gives the same bearer token an operator could issue; the pages never
learn how it was obtained, so a tenant's own identity provider can later issue it instead.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import new_event
from services.shared.db import insert_new
from services.shared.tenancy import issue_token, verify_token

from .. import store

CODE_LIFETIME = timedelta(minutes=15)
TOKEN_TTL = 8 * 3600  # a working day
LINKS_PER_LIFETIME = 3  # asking more often than this within CODE_LIFETIME sends nothing more
STAFF_ROLES = ("coordinator", "representative")


@dataclass(frozen=True)
class SignedIn:
    """What redeeming a code gives: a bearer token and who it is for."""

    token: str
    role: str
    tenant: str
    name: str
    organisation: str | None
    locale: str
    expires_at: datetime


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def invite(conn: Connection, tenant: str, body: dict, invited_by: str, now: datetime, settings) -> dict | None:
    """Add a staff member to the tenant (or bring back a deactivated one) and e-mail them a
    sign-in link; None when the address is active staff of the tenant already."""
    email = body["email"].strip().lower()
    s = store.staff
    values = {"name": body["name"], "role": body["role"], "organisation": body.get("organisation"),
              "locale": body["locale"], "invited_by": invited_by, "created_at": now, "active": True}
    row = {"id": str(uuid.uuid4()), "tenant": tenant, "email": email, **values}
    if not insert_new(conn, s, row):
        revived = conn.execute(s.update().where(s.c.tenant == tenant, s.c.email == email, s.c.active.is_(False))
                               .values(**values).returning(s.c.id)).first()
        if revived is None:
            return None
        row["id"] = revived.id
    _send_code(conn, row, row["locale"], now, settings, invited=True)
    return row


def deactivate(conn: Connection, tenant: str, staff_id: str) -> dict | None:
    """Stop the staff member signing in: their unused codes stop working too."""
    if store.one(conn, store.staff, tenant, staff_id) is None:
        return None
    store.update(conn, store.staff, tenant, staff_id, active=False)
    return dict(store.one(conn, store.staff, tenant, staff_id))


def request_sign_in(conn: Connection, email: str, locale: str | None, now: datetime, settings) -> int:
    """E-mail a sign-in link for each tenant where ``email`` is active staff, unless that staff
    member was sent ``LINKS_PER_LIFETIME`` within the last ``CODE_LIFETIME``; return how many."""
    s = store.staff
    found = conn.execute(sa.select(s).where(s.c.email == email.strip().lower(), s.c.active.is_(True))
                         .order_by(s.c.tenant)).mappings().all()
    sent = 0
    for row in found:
        if _recent_codes(conn, row, now) >= LINKS_PER_LIFETIME:
            continue  # anyone may ask for any address: it must not flood the staff member's mailbox
        _send_code(conn, row, locale or row["locale"], now, settings, invited=False)
        sent += 1
    return sent


def redeem(conn: Connection, code: str, now: datetime, settings) -> SignedIn | None:
    """Use the code once and sign its staff member in; None for an unknown, used or expired code
    or a deactivated staff member, alike."""
    c, s = store.sign_in_codes, store.staff
    digest = code_digest(code)
    # the update is the check: of two redeeming at once, only one moves used_at
    used = conn.execute(c.update().where(c.c.code_sha256 == digest, c.c.used_at.is_(None), c.c.expires_at > now)
                        .values(used_at=now))
    if used.rowcount != 1:
        return None
    member = conn.execute(sa.select(s).join(c, sa.and_(c.c.staff_id == s.c.id, c.c.tenant == s.c.tenant))
                          .where(c.c.code_sha256 == digest, s.c.active.is_(True))).mappings().first()
    if member is None:
        return None
    token = issue_token(settings.signing_key, tenant=member["tenant"], role=member["role"], sub=member["email"],
                        ttl=TOKEN_TTL, org=member["organisation"])
    expires_at = datetime.fromtimestamp(verify_token(settings.signing_key, token).exp, UTC)
    return SignedIn(token=token, role=member["role"], tenant=member["tenant"], name=member["name"],
                    organisation=member["organisation"], locale=member["locale"], expires_at=expires_at)


def _recent_codes(conn: Connection, member, now: datetime) -> int:
    c = store.sign_in_codes
    return conn.execute(sa.select(sa.func.count()).select_from(c).where(
        c.c.tenant == member["tenant"], c.c.staff_id == member["id"], c.c.created_at > now - CODE_LIFETIME)).scalar_one()


def _send_code(conn: Connection, member, locale: str, now: datetime, settings, *, invited: bool) -> None:
    code = secrets.token_urlsafe(32)
    expires_at = now + CODE_LIFETIME
    conn.execute(store.sign_in_codes.insert().values(
        code_sha256=code_digest(code), tenant=member["tenant"], staff_id=member["id"], created_at=now,
        expires_at=expires_at, used_at=None))
    t = store.tenants
    tenant_name = conn.execute(sa.select(t.c.name).where(t.c.slug == member["tenant"])).scalar() or member["tenant"]
    data = {"staff_id": member["id"], "name": member["name"], "email": member["email"], "locale": locale,
            "role": member["role"], "tenant_name": tenant_name, "link": f"{settings.web_url}/sign-in/{code}",
            "link_expires_at": expires_at, "invited": invited}
    store.publish(conn, new_event("staff.sign_in_requested.v1", source="intake", tenant=member["tenant"],
                                  subject=f"staff/{member['id']}", data=data))
