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
from datetime import datetime, timedelta

from services.shared.contract import Event, new_event
from services.shared.errors import Invalid

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


def new_member(tenant: str, body: dict, invited_by: str, now: datetime) -> dict:
    """The staff member an invitation makes (their address kept lower-cased), active."""
    return {"id": str(uuid.uuid4()), "tenant": tenant, "email": body["email"].strip().lower(), "name": body["name"],
            "role": body["role"], "organisation": body.get("organisation"), "locale": body["locale"],
            "invited_by": invited_by, "created_at": now, "active": True}


def may_send(codes_lately: int) -> bool:
    """Whether another link may go to a staff member who was sent ``codes_lately`` within the
    last ``CODE_LIFETIME``: anyone may ask for any address, so asking must not flood a mailbox."""
    return codes_lately < LINKS_PER_LIFETIME


def new_code(member, now: datetime) -> tuple[str, dict]:
    """A fresh sign-in code for the staff member, and the row that keeps its digest."""
    code = secrets.token_urlsafe(32)
    return code, {"code_sha256": code_digest(code), "tenant": member["tenant"], "staff_id": member["id"],
                  "created_at": now, "expires_at": now + CODE_LIFETIME, "used_at": None}


def sign_in_requested(member, locale: str, code: str, expires_at: datetime, tenant_name: str, web_url: str,
                      *, invited: bool) -> Event:
    """The event that has notify e-mail the staff member their sign-in link."""
    data = {"staff_id": member["id"], "name": member["name"], "email": member["email"], "locale": locale,
            "role": member["role"], "tenant_name": tenant_name, "link": f"{web_url}/sign-in/{code}",
            "link_expires_at": expires_at, "invited": invited}
    return new_event("staff.sign_in_requested.v1", source="intake", tenant=member["tenant"],
                     subject=f"staff/{member['id']}", data=data)


def changes(member, body: dict) -> dict:
    """The columns a change of role or name writes: a coordinator speaks for no member
    organisation, a representative for one (refused without it)."""
    role = body.get("role", member["role"])
    organisation = body["organisation"] if "organisation" in body else member["organisation"]
    if role == "coordinator":
        organisation = None
    if role == "representative" and not organisation:
        raise Invalid("A representative speaks for a member organisation.",
                      {"organisation": ["required for a representative"]})
    values = {"role": role, "organisation": organisation}
    if body.get("name"):
        values["name"] = body["name"]
    return values


def signed_in(member, token: str, expires_at: datetime) -> SignedIn:
    return SignedIn(token=token, role=member["role"], tenant=member["tenant"], name=member["name"],
                    organisation=member["organisation"], locale=member["locale"], expires_at=expires_at)


def organisation_name(listed, organisation: str) -> str:
    """The member organisation's name as people know it, from the tenant's programmes' lists of
    members (newest programme first), else its id."""
    return next((m["name"] for members in listed for m in members or [] if m.get("id") == organisation), organisation)
