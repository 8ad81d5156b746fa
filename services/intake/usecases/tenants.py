"""Tenants: an operator creates one, lists them all, and issues its staff's tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.errors import Conflict, Invalid, NotFound
from services.shared.tenancy import issue_token

from .. import store
from ..domain import tenants as rules


class TenantExists(Conflict):
    """The slug is another tenant's already."""

    def __init__(self, slug: str):
        super().__init__(f"The tenant {slug} exists already.", {"slug": ["already taken"]})


def create_tenant(conn: Connection, slug: str, name: str, now: datetime | None = None) -> dict:
    """Create the tenant and tell the other services; refused when the slug is taken."""
    if store.tenant_exists(conn, slug):
        raise TenantExists(slug)
    row = rules.new_tenant(slug, name, now or clock.now())
    store.insert_tenant(conn, row)
    store.publish(conn, rules.created(row))
    return row


def all_tenants(conn: Connection) -> list:
    return store.all_tenants(conn)


def existing(conn: Connection, slug: str) -> str:
    """The slug, refused as not found unless it is a tenant's."""
    if not store.tenant_exists(conn, slug):
        raise NotFound(f"No tenant {slug}.")
    return slug


def token(conn: Connection, slug: str, body: dict, signing_key: str) -> dict:
    """A coordinator's or a representative's bearer token for the tenant (a representative's
    names their member organisation)."""
    existing(conn, slug)
    if body["role"] == "representative" and not body["org"]:
        raise Invalid("A representative's token names their member organisation.",
                      {"org": ["required for a representative"]})
    issued = issue_token(signing_key, tenant=slug, role=body["role"], sub=body["sub"], ttl=body["ttl"], org=body["org"])
    return {"token": issued, "tenant": slug, "role": body["role"], "expires_in": body["ttl"]}
