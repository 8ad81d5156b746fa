"""Staff: a coordinator (or an operator, for a tenant's first coordinator) invites, changes and
deactivates staff members; a staff member asks for a sign-in link and redeems it for a token."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.db import found
from services.shared.errors import Conflict, NotFound
from services.shared.tenancy import issue_token, verify_token

from .. import store
from ..domain import staff as rules
from . import tenants
from .admission import Begin

NO_CODE = "This sign-in link is not valid: it was used already, has expired or never existed. Ask for a new one."


class AlreadyStaff(Conflict):
    """The address is active staff of the tenant already."""

    def __init__(self, email: str):
        super().__init__(f"{email} is staff of this tenant already.", {"json": {"email": ["already staff"]}})


class CodeNotValid(NotFound):
    """An unknown, used or expired code, or one of a deactivated member: the same refusal for each."""

    def __init__(self):
        super().__init__(NO_CODE)


def page(conn: Connection, tenant: str, limit: int, offset: int) -> tuple[int, list]:
    """How many staff the tenant has, active and deactivated, and one page of them by name."""
    return store.staff_page(conn, tenant, limit, offset)


def invite(conn: Connection, tenant: str, body: dict, invited_by: str, settings) -> dict:
    """Add a staff member to the tenant (or bring back a deactivated one) and e-mail them a
    sign-in link; refused when the address is active staff of the tenant already."""
    now = clock.now()
    row = rules.new_member(tenant, body, invited_by, now)
    if not store.insert_staff(conn, row):
        revived = store.revive_staff(conn, row)
        if revived is None:
            raise AlreadyStaff(body["email"])
        row["id"] = revived
    _send_code(conn, row, row["locale"], now, settings, invited=True)
    return row


def invite_first(conn: Connection, slug: str, body: dict, invited_by: str, settings) -> dict:
    """An operator invites a tenant's first coordinator; refused as not found for no such tenant."""
    tenants.existing(conn, slug)
    return invite(conn, slug, body, invited_by, settings)


def deactivate(conn: Connection, tenant: str, staff_id: str) -> dict:
    """Stop the staff member signing in: their unused codes stop working too."""
    found(conn, store.staff, tenant, staff_id, what="staff member")
    store.update(conn, store.staff, tenant, staff_id, active=False)
    return dict(store.one(conn, store.staff, tenant, staff_id))


def change(conn: Connection, tenant: str, staff_id: str, body: dict) -> dict:
    """Change a staff member's role (with the organisation a representative speaks for) or name."""
    member = found(conn, store.staff, tenant, staff_id, what="staff member", for_update=True)
    store.update(conn, store.staff, tenant, staff_id, **rules.changes(member, body))
    return dict(store.one(conn, store.staff, tenant, staff_id))


def request_sign_in(conn: Connection, email: str, locale: str | None, settings) -> int:
    """E-mail a sign-in link for each tenant where ``email`` is active staff, unless that staff
    member was sent ``LINKS_PER_LIFETIME`` within the last ``CODE_LIFETIME``; return how many."""
    now = clock.now()
    sent = 0
    for member in store.active_staff_with_email(conn, email.strip().lower()):
        if not rules.may_send(store.codes_sent_since(conn, member["tenant"], member["id"], now - rules.CODE_LIFETIME)):
            continue
        _send_code(conn, member, locale or member["locale"], now, settings, invited=False)
        sent += 1
    return sent


def redeem(begin: Begin, code: str, settings) -> dict:
    """Use the code once and sign its staff member in, with the tenant's and the organisation's
    names for the pages. Refused alike for an unknown, used or expired code and for a
    deactivated member, once the code is spent (it stays used)."""
    digest = rules.code_digest(code)
    with begin() as conn:
        member = store.active_staff_of_code(conn, digest) if store.use_sign_in_code(conn, digest, clock.now()) else None
        if member is not None:
            token = issue_token(settings.signing_key, tenant=member["tenant"], role=member["role"], sub=member["email"],
                                ttl=rules.TOKEN_TTL, org=member["organisation"])
            expires_at = datetime.fromtimestamp(verify_token(settings.signing_key, token).exp, UTC)
            signed_in = rules.signed_in(member, token, expires_at)
            names = _names(conn, signed_in)
    if member is None:
        raise CodeNotValid()
    return {**asdict(signed_in), **names}


def _names(conn: Connection, signed_in: rules.SignedIn) -> dict:
    """The tenant's and the member organisation's names as people know them, for the pages to show
    in place of their ids (the organisation's from the tenant's newest programme that lists it)."""
    organisation_name = None
    if signed_in.organisation:
        organisation_name = rules.organisation_name(store.member_organisations(conn, signed_in.tenant),
                                                    signed_in.organisation)
    return {"tenant_name": store.tenant_name(conn, signed_in.tenant) or signed_in.tenant,
            "organisation_name": organisation_name}


def _send_code(conn: Connection, member, locale: str, now: datetime, settings, *, invited: bool) -> None:
    code, row = rules.new_code(member, now)
    store.insert_sign_in_code(conn, row)
    tenant_name = store.tenant_name(conn, member["tenant"]) or member["tenant"]
    store.publish(conn, rules.sign_in_requested(member, locale, code, row["expires_at"], tenant_name, settings.web_url,
                                                invited=invited))
