"""Calendar feeds behind secret, revocable URLs: one per person (their pair's meetings and their
cohort's events) and one per cohort (its events). Only a hash of each secret is stored; issuing
a new URL revokes the one before.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import store
from . import ical, wording
from .wording import localized

OWNER_KINDS = ("person", "cohort")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(conn: Connection, tenant: str, owner_kind: str, owner_id: str, by: str, now: datetime) -> str:
    """A new secret for the owner's feed (the old URL stops working)."""
    revoke(conn, tenant, owner_kind, owner_id, now)
    secret = secrets.token_urlsafe(32)
    conn.execute(store.calendar_feeds.insert().values(
        id=str(uuid.uuid4()), tenant=tenant, owner_kind=owner_kind, owner_id=owner_id, secret_sha256=_hash(secret),
        created_by=by, created_at=now))
    return secret


def revoke(conn: Connection, tenant: str, owner_kind: str, owner_id: str, now: datetime) -> int:
    f = store.calendar_feeds
    return conn.execute(f.update().where(f.c.tenant == tenant, f.c.owner_kind == owner_kind, f.c.owner_id == owner_id,
                                         f.c.revoked_at.is_(None)).values(revoked_at=now)).rowcount


def active(conn: Connection, tenant: str, owner_kind: str, owner_id: str):
    f = store.calendar_feeds
    return conn.execute(sa.select(f).where(f.c.tenant == tenant, f.c.owner_kind == owner_kind, f.c.owner_id == owner_id,
                                           f.c.revoked_at.is_(None))).mappings().first()


def find(conn: Connection, secret: str):
    """The live feed this secret opens, or None (unknown or revoked): the secret is the credential."""
    f = store.calendar_feeds
    return conn.execute(sa.select(f).where(f.c.secret_sha256 == _hash(secret), f.c.revoked_at.is_(None))).mappings().first()


# --- what a feed shows --------------------------------------------------------------------------

_MEETING_STATUS = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "missed": "CONFIRMED", "cancelled": "CANCELLED"}


def _event_entry(event, locale: str, fallback: str) -> ical.Entry:
    kind = localized(wording.EVENT_KINDS.get(event["kind"], wording.EVENT_KINDS["other"]), locale)
    title = localized(event["title"], locale, fallback) or kind
    lines = [kind] if title != kind else []
    if event["mandatory"]:
        lines.append(localized(wording.MANDATORY, locale))
    return ical.Entry(
        uid=ical.uid("event", event["id"]), summary=title, starts_at=event["starts_at"], ends_at=event["ends_at"],
        time_zone=event["time_zone"], sequence=event["sequence"], stamp=event["updated_at"],
        status="CANCELLED" if event["status"] == "cancelled" else "CONFIRMED", location=event["venue"] or "",
        description="\n".join(lines), categories=[event["kind"].upper()])


def _meeting_entry(meeting, other_name: str, time_zone: str, locale: str, fallback: str) -> ical.Entry:
    topic = localized(meeting["topic"], locale, fallback)
    checklist = [f"- {localized(item, locale, fallback)}" for item in meeting["checklist"] or []]
    description = "\n".join([f"{localized(wording.TOPIC, locale)}: {topic}", "",
                             f"{localized(wording.CHECKLIST, locale)}:", *checklist])
    online = meeting["mode"] == "online"
    location = meeting["place"] or ""
    if online:
        location = f"{localized(wording.ONLINE, locale)}: {location}" if location else localized(wording.ONLINE, locale)
    return ical.Entry(
        uid=ical.uid("meeting", meeting["id"]),
        summary=f"{localized(wording.MEETING, locale)} {meeting['number']} {localized(wording.WITH, locale)} {other_name}",
        starts_at=meeting["starts_at"], ends_at=meeting["ends_at"], time_zone=time_zone, sequence=meeting["sequence"],
        stamp=meeting["updated_at"], status=_MEETING_STATUS.get(meeting["status"], "TENTATIVE"), location=location,
        description=description, url=meeting["place"] if online and (meeting["place"] or "").startswith("https://") else None,
        categories=["MENTORING"])


def person_feed(conn: Connection, tenant: str, application_id: str, now: datetime) -> bytes | None:
    person = store.one(conn, store.participants, tenant, application_id)
    if person is None or person["erased"]:
        return None
    p, m, e, c = store.pairs, store.meetings, store.cohort_events, store.cohorts
    entries: list[ical.Entry] = []
    their_pairs = store.rows(conn, p, tenant, sa.or_(p.c.mentee_id == application_id, p.c.mentor_id == application_id))
    cohort_ids = {person["cohort_id"]} | {pair["cohort_id"] for pair in their_pairs}
    cohorts = {r["id"]: r for r in store.rows(conn, c, tenant, c.c.id.in_(cohort_ids))}
    for pair in their_pairs:
        other_id = pair["mentor_id"] if pair["mentee_id"] == application_id else pair["mentee_id"]
        other = store.one(conn, store.participants, tenant, other_id)
        cohort = cohorts[pair["cohort_id"]]
        fallback = (cohort["programme"] or {}).get("locale", "en")
        for meeting in store.rows(conn, m, tenant, m.c.pair_id == pair["id"], m.c.starts_at.is_not(None)):
            if meeting["status"] in _MEETING_STATUS:
                entries.append(_meeting_entry(meeting, other["name"] if other else "", cohort["time_zone"],
                                              person["locale"], fallback))
    for event in store.rows(conn, e, tenant, e.c.cohort_id.in_(cohort_ids)):
        fallback = (cohorts[event["cohort_id"]]["programme"] or {}).get("locale", "en")
        entries.append(_event_entry(event, person["locale"], fallback))
    home = cohorts.get(person["cohort_id"])
    programme = localized((home["programme"] or {}).get("name"), person["locale"]) if home else ""
    name = f"{programme} – {person['name']}" if programme else person["name"]
    return ical.feed(name, f"person-{application_id}", entries, home["time_zone"] if home else "Europe/Stockholm", now)


def cohort_feed(conn: Connection, tenant: str, cohort_id: str, now: datetime) -> bytes | None:
    cohort = store.one(conn, store.cohorts, tenant, cohort_id)
    if cohort is None:
        return None
    e = store.cohort_events
    locale = (cohort["programme"] or {}).get("locale", "en")
    entries = [_event_entry(event, locale, locale) for event in store.rows(conn, e, tenant, e.c.cohort_id == cohort_id)]
    programme = localized((cohort["programme"] or {}).get("name"), locale)
    name = f"{programme} – {cohort['name']}" if programme else cohort["name"]
    return ical.feed(name, f"cohort-{cohort_id}", entries, cohort["time_zone"], now)


def render(conn: Connection, feed, now: datetime) -> bytes | None:
    if feed["owner_kind"] == "person":
        return person_feed(conn, feed["tenant"], feed["owner_id"], now)
    return cohort_feed(conn, feed["tenant"], feed["owner_id"], now)
