"""Calendar feeds behind secret, revocable URLs: one per person (their pair's meetings and their
cohort's events) and one per cohort (its events). Only a hash of each secret is stored; issuing
a new URL revokes the one before.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared.errors import NotFound

from .. import store
from ..domain import ical
from ..domain.calendars import MEETING_STATUS, event_entry, hash_secret, meeting_entry
from ..domain.wording import localized


def issue(conn: Connection, tenant: str, owner_kind: str, owner_id: str, by: str, now: datetime) -> str:
    """A new secret for the owner's feed (the old URL stops working)."""
    revoke(conn, tenant, owner_kind, owner_id, now)
    secret = secrets.token_urlsafe(32)
    store.add_feed(conn, tenant, owner_kind, owner_id, hash_secret(secret), by, now)
    return secret


def revoke(conn: Connection, tenant: str, owner_kind: str, owner_id: str, now: datetime) -> int:
    return store.revoke_feeds(conn, tenant, owner_kind, [owner_id], now)


def active(conn: Connection, tenant: str, owner_kind: str, owner_id: str):
    return store.active_feed(conn, tenant, owner_kind, owner_id)


def at(conn: Connection, secret: str, now: datetime) -> bytes:
    """The calendar at a secret URL: the secret is the credential, and one that is unknown or
    revoked, or whose owner has nothing left to show, is refused as not found."""
    feed = store.feed_by_hash(conn, hash_secret(secret))
    body = render(conn, feed, now) if feed else None
    if body is None:
        raise NotFound("No such calendar.")
    return body


def person_feed(conn: Connection, tenant: str, application_id: str, now: datetime) -> bytes | None:
    person = store.one(conn, store.participants, tenant, application_id)
    if person is None or person["erased"]:
        return None
    entries: list[ical.Entry] = []
    their_pairs = store.pairs_of_person(conn, tenant, application_id)
    cohort_ids = {person["cohort_id"]} | {pair["cohort_id"] for pair in their_pairs}
    cohorts = store.cohorts_by_id(conn, tenant, cohort_ids)
    for pair in their_pairs:
        other_id = pair["mentor_id"] if pair["mentee_id"] == application_id else pair["mentee_id"]
        other = store.one(conn, store.participants, tenant, other_id)
        cohort = cohorts[pair["cohort_id"]]
        fallback = (cohort["programme"] or {}).get("locale", "en")
        for meeting in store.meetings_of_pair(conn, tenant, pair["id"], dated=True):
            if meeting["status"] in MEETING_STATUS:
                entries.append(meeting_entry(meeting, other["name"] if other else "", cohort["time_zone"],
                                              person["locale"], fallback))
    for event in store.events_of_cohorts(conn, tenant, cohort_ids, ordered=False):
        fallback = (cohorts[event["cohort_id"]]["programme"] or {}).get("locale", "en")
        entries.append(event_entry(event, person["locale"], fallback))
    home = cohorts.get(person["cohort_id"])
    programme = localized((home["programme"] or {}).get("name"), person["locale"]) if home else ""
    name = f"{programme} – {person['name']}" if programme else person["name"]
    return ical.feed(name, f"person-{application_id}", entries, home["time_zone"] if home else "Europe/Stockholm", now)


def cohort_feed(conn: Connection, tenant: str, cohort_id: str, now: datetime) -> bytes | None:
    cohort = store.one(conn, store.cohorts, tenant, cohort_id)
    if cohort is None:
        return None
    locale = (cohort["programme"] or {}).get("locale", "en")
    entries = [event_entry(event, locale, locale) for event in store.events_of_cohort(conn, tenant, cohort_id, ordered=False)]
    programme = localized((cohort["programme"] or {}).get("name"), locale)
    name = f"{programme} – {cohort['name']}" if programme else cohort["name"]
    return ical.feed(name, f"cohort-{cohort_id}", entries, cohort["time_zone"], now)


def render(conn: Connection, feed, now: datetime) -> bytes | None:
    if feed["owner_kind"] == "person":
        return person_feed(conn, feed["tenant"], feed["owner_id"], now)
    return cohort_feed(conn, feed["tenant"], feed["owner_id"], now)
