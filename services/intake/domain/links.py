"""Sending a person their personal links again ("I lost the e-mail"): every application and
mentor form an address has, fresh links to each, in one message per tenant.

Anyone may ask for any address, so the answer never says whether it is known (the API answers
the same either way) and the links go only to the address itself. Each tenant sends an address
its links at most once every ``RESEND_AFTER``: asking again meanwhile sends nothing, so the
request cannot be used to flood someone's mailbox. Tenants never share a message: a person who
applied through two organisations gets one from each, with that organisation's links only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.contract import new_event
from services.shared.db import insert_new

from .. import store
from .applications import manage_link
from .erasure import email_hash
from .nominations import form_link
from .programmes import localized

RESEND_AFTER = timedelta(minutes=10)


def request_links(conn: Connection, email: str, locale: str | None, now: datetime, settings) -> int:
    """Publish ``person.links_requested.v1`` for each tenant where ``email`` has an application
    (not withdrawn) or a mentor form to fill in, unless that tenant sent them lately; return how
    many were published. Erased people are not found: erasure replaced their address."""
    email = email.strip().lower()
    digest = email_hash(email)
    found = sorted([*_applications(conn, email), *_mentor_forms(conn, email)],
                   key=lambda item: (item["tenant"], item["at"]), reverse=True)
    published = 0
    for tenant, items in groupby(found, key=lambda item: item["tenant"]):
        if not _claim(conn, tenant, digest, now):
            continue
        store.publish(conn, _event(tenant, email, digest, locale, list(items), settings, _tenant_name(conn, tenant)))
        published += 1
    return published


def _applications(conn: Connection, email: str) -> Iterable[dict]:
    a, c, p = store.applications, store.cohorts, store.programmes
    rows = conn.execute(
        sa.select(a.c.id, a.c.tenant, a.c.role, a.c.name, a.c.locale, a.c.status, a.c.submitted_at.label("at"),
                  a.c.cohort_id, c.c.name.label("cohort_name"), c.c.time_zone, p.c.names, p.c.locale.label("programme_locale"))
        .join_from(a, c, sa.and_(c.c.id == a.c.cohort_id, c.c.tenant == a.c.tenant))
        .join(p, sa.and_(p.c.id == c.c.programme_id, p.c.tenant == c.c.tenant))
        .where(a.c.email == email, a.c.status != "withdrawn")).mappings()
    return [{**row, "kind": "application"} for row in rows]


def _mentor_forms(conn: Connection, email: str) -> Iterable[dict]:
    """Accepted nominations whose form is not filled in yet, in cohorts that still take it."""
    n, c, p = store.nominations, store.cohorts, store.programmes
    rows = conn.execute(
        sa.select(n.c.id, n.c.tenant, n.c.name, n.c.locale, n.c.decided_at.label("at"), n.c.cohort_id,
                  c.c.name.label("cohort_name"), c.c.time_zone, p.c.names, p.c.locale.label("programme_locale"))
        .join_from(n, c, sa.and_(c.c.id == n.c.cohort_id, c.c.tenant == n.c.tenant))
        .join(p, sa.and_(p.c.id == c.c.programme_id, p.c.tenant == c.c.tenant))
        .where(n.c.email == email, n.c.status == "accepted", n.c.application_id.is_(None),
               c.c.status.not_in(("running", "finished")))).mappings()
    return [{**row, "kind": "mentor_form", "role": "mentor", "status": None} for row in rows]


def _claim(conn: Connection, tenant: str, digest: str, now: datetime) -> bool:
    """Whether this request may send: nothing sent to the address by the tenant within
    ``RESEND_AFTER``. Two requests at once: the second waits on the first's row and sends nothing."""
    t = store.link_requests
    if insert_new(conn, t, {"tenant": tenant, "email_sha256": digest, "sent_at": now}):
        return True
    moved = conn.execute(t.update().where(t.c.tenant == tenant, t.c.email_sha256 == digest,
                                          t.c.sent_at <= now - RESEND_AFTER).values(sent_at=now))
    return moved.rowcount == 1


def _tenant_name(conn: Connection, tenant: str) -> str:
    t = store.tenants
    return conn.execute(sa.select(t.c.name).where(t.c.slug == tenant)).scalar() or tenant


def _event(tenant: str, email: str, digest: str, locale: str | None, items: list[dict], settings, tenant_name: str):
    latest = items[0]  # newest first: their latest name, language and time zone
    locale = locale or latest["locale"]
    links = []
    for item in items:
        entry = {"kind": item["kind"], "id": item["id"], "cohort_id": item["cohort_id"], "cohort_name": item["cohort_name"],
                 "programme_name": localized(item["names"], locale, item["programme_locale"]),
                 "role": item["role"], "status": item["status"], "link_expires_at": None}
        if item["kind"] == "application":
            entry["link"] = manage_link(settings, item)
        else:
            entry["link"], entry["link_expires_at"] = form_link(settings, item)
        links.append(entry)
    data = {"name": latest["name"], "email": email, "locale": locale, "time_zone": latest["time_zone"],
            "tenant_name": tenant_name, "links": links}
    return new_event("person.links_requested.v1", source="intake", tenant=tenant, subject=f"person/{digest[:16]}", data=data)
