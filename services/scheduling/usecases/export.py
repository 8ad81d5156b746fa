"""A person's own data, as one JSON document: for the person through their personal link, or for
a coordinator answering a request received by post or e-mail (``services.shared.personal_data``'s
blueprint answers both). The person is everyone sharing the address of the link's application
within the tenant. Which tables make the document, and why the others do not, is declared in
``domain.export`` (``SECTIONS``, ``WITHHELD``)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import audit, clock
from services.shared.tenancy import Principal

from .. import store
from ..domain.export import SECTIONS, WITHHELD, document
from .access import own_application_id

__all__ = ["SECTIONS", "WITHHELD", "mine", "of_person"]


def _document(conn: Connection, tenant: str, email: str | None, application_ids: list[str]) -> dict:
    own = set(application_ids)
    rows = store.rows_about(conn, tenant, application_ids) if application_ids else {}
    partners = {p["mentor_id"] if p["mentee_id"] in own else p["mentee_id"] for p in rows.get("pairs", [])}
    names = {k: v["name"] for k, v in store.names_of(conn, tenant, partners).items()}
    return document(tenant, audit.person_hash(email), rows, own, names, clock.now())


def mine(conn: Connection, principal: Principal) -> dict:
    """What scheduling holds about the person a personal link is for, under every application of
    theirs (the token decides who; nothing else can)."""
    tenant, application_id = principal.tenant, own_application_id(principal)
    me = store.one(conn, store.participants, tenant, application_id)
    email = me["email"] if me is not None else None
    ids = store.applications_of(conn, tenant, email) if email else []
    return _document(conn, tenant, email, [application_id, *(i for i in ids if i != application_id)])


def of_person(conn: Connection, tenant: str, email: str) -> dict:
    """What scheduling holds under this address in the tenant; empty sections for an unknown one."""
    return _document(conn, tenant, email, store.applications_of(conn, tenant, email))
