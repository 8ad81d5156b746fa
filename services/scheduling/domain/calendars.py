"""Calendar feeds as rules on plain values: only a hash of each secret is kept, and what each
meeting and cohort event shows as a calendar entry, in the reader's language.
``usecases.calendars`` issues, revokes and renders the feeds.
"""

from __future__ import annotations

import hashlib

from . import ical, wording
from .wording import localized

OWNER_KINDS = ("person", "cohort")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- what a feed shows -------------------------------------------------------------------------

MEETING_STATUS = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "missed": "CONFIRMED", "cancelled": "CANCELLED"}


def event_entry(event, locale: str, fallback: str) -> ical.Entry:
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


def meeting_entry(meeting, other_name: str, time_zone: str, locale: str, fallback: str) -> ical.Entry:
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
        stamp=meeting["updated_at"], status=MEETING_STATUS.get(meeting["status"], "TENTATIVE"), location=location,
        description=description, url=meeting["place"] if online and (meeting["place"] or "").startswith("https://") else None,
        categories=["MENTORING"])
