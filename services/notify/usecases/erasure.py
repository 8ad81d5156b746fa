"""A person erased from notify on intake's request (see ``domain.erasure`` for what goes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared import outbox

from .. import store
from ..domain.erasure import Erased, names_them, names_to_erase, placeholder, scrubbed_payload
from ..store import erasure as rows


def erase_person(conn: Connection, tenant: str, digest: str, application_ids: list[str],
                 nomination_ids: list[str], now: datetime) -> Erased:
    person_ids = [*application_ids, *nomination_ids]
    people = rows.people_found(conn, tenant, digest, person_ids)
    # addresses notify holds only in its delivery log: the hash matches them by definition
    addresses = {row.email for row in people} | rows.logged_addresses(conn, tenant, digest)
    names = names_to_erase(row.name for row in people)
    instead = placeholder(digest)

    cancelled, changed = rows.strip_theirs(conn, tenant, digest, person_ids, instead, now)
    # other people's messages that name them: a pending introduction is not sent; bodies go
    for mention in sorted(addresses | names):
        cancelled += _clear_mentions(conn, tenant, mention, now)
    # webhook payloads still waiting: the tenant's own system hears of the erasure too, and gets
    # the waiting events without the person's details
    for row in rows.waiting_payloads(conn, tenant):
        payload = scrubbed_payload(row.payload, addresses, names, instead)
        if payload != row.payload:
            rows.set_payload(conn, tenant, row.id, payload, now)

    # notify's own events about them: gone once published; those still waiting travel without
    # their address (they carry ids only, which their consumers hear erased right after)
    outbox.scrub(conn, store.OUTBOX, tenant, [*addresses, *person_ids], {address: instead for address in addresses})

    gone_people, gone_prefs = rows.forget(conn, tenant, digest, person_ids)
    return Erased(gone_people, changed, cancelled, gone_prefs)


def _clear_mentions(conn: Connection, tenant: str, mention: str, now: datetime) -> int:
    """Other people's messages that name the person by ``mention`` (as a whole word) lose their
    text, and those still waiting are cancelled; how many were cancelled."""
    found = rows.mentioning(conn, tenant, mention)
    bodies = [m["id"] for m in found if any(names_them(m[c], mention) for c in ("body_text", "body_html", "calendar"))]
    subjects = [m["id"] for m in found if names_them(m["subject"], mention)]
    cancel = [m["id"] for m in found if m["status"] == "pending" and m["id"] in {*bodies, *subjects}]
    rows.clear_mentions(conn, tenant, bodies=bodies, subjects=subjects, cancel=cancel, now=now)
    return len(cancel)
