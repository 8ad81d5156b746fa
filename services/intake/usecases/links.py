"""A person asks for their personal links again: each tenant where the address has an
application or a mentor form sends it fresh links, unless it did so lately."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock

from .. import store
from ..domain import links as rules
from ..domain.erasure import email_hash


def request_links(conn: Connection, email: str, locale: str | None, settings) -> int:
    """Publish ``person.links_requested.v1`` for each tenant where ``email`` has an application
    (not withdrawn) or a mentor form to fill in, unless that tenant sent them lately; return how
    many were published. Erased people are not found: erasure replaced their address."""
    email, now = email.strip().lower(), clock.now()
    digest = email_hash(email)
    published = 0
    for tenant, items in rules.by_tenant(store.applications_of_address(conn, email),
                                         store.mentor_forms_of_address(conn, email)):
        if not store.claim_link_request(conn, tenant, digest, now, now - rules.RESEND_AFTER):
            continue
        tenant_name = store.tenant_name(conn, tenant) or tenant
        store.publish(conn, rules.links_requested(tenant, email, digest, locale, items, settings, tenant_name))
        published += 1
    return published
