"""iCalendar (RFC 5545) feeds, built with the ``icalendar`` library from plain entries.

Times are written as local times with their TZID and a VTIMEZONE definition of each zone used
(Europe/Stockholm, Helsinki, Oslo), so a half-day meeting at 08:30 stays at 08:30 on both sides
of a daylight-saving change. Every entry keeps its UID for life; its SEQUENCE rises with every
change; a cancelled meeting stays in the feed as STATUS:CANCELLED so calendars remove it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//Tandem//Scheduling 1//EN"
UID_DOMAIN = "tandem.example.org"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Entry:
    uid: str
    summary: str
    starts_at: datetime  # aware
    ends_at: datetime
    time_zone: str
    sequence: int
    stamp: datetime  # when it last changed
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE, CANCELLED
    location: str = ""
    description: str = ""
    url: str | None = None
    categories: list[str] = field(default_factory=list)


def uid(kind: str, id_: str) -> str:
    """A UID that never changes for the same meeting or cohort event."""
    return f"{kind}-{id_}@{UID_DOMAIN}"


def feed(name: str, feed_id: str, entries: list[Entry], time_zone: str, now: datetime) -> bytes:
    calendar = icalendar.Calendar.new(prodid=PRODID, name=name, uid=uid("feed", feed_id))
    # how often subscribers should fetch again (RFC 7986; X-PUBLISHED-TTL for older clients)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    calendar.add("X-WR-TIMEZONE", time_zone)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    for entry in sorted(entries, key=lambda e: (e.starts_at, e.uid)):
        zone = ZoneInfo(entry.time_zone)
        event = icalendar.Event.new(
            uid=entry.uid, summary=entry.summary,
            start=entry.starts_at.astimezone(zone), end=entry.ends_at.astimezone(zone),
            sequence=entry.sequence, stamp=entry.stamp.astimezone(UTC),  # last revised: the same feed reads the same
            last_modified=entry.stamp.astimezone(UTC), status=entry.status,
            location=entry.location or None, description=entry.description or None,
            url=entry.url, categories=entry.categories or (),
        )
        calendar.add_component(event)
    # VTIMEZONE definitions cover the years the entries fall in (not 1970-2038: a small feed)
    years = [e.starts_at.year for e in entries] or [now.year]
    calendar.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return calendar.to_ical()
