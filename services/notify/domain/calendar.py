"""Calendar invitations (RFC 5545, iTIP methods REQUEST and CANCEL) attached to messages about
meetings and cohort events, in the cohort's time zone so that every calendar shows the right hour.

A meeting or event keeps one UID for its life; each change raises its SEQUENCE, so a calendar
moves (or removes) the entry it already has instead of adding another.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from .messages import Invitation

PRODID = "-//Tandem//notify//EN"


def invitation_ics(
    invitation: Invitation,
    *,
    summary: str,
    description: str,
    time_zone: str,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    uid_domain: str,
    now: datetime,
) -> str:
    """One VEVENT for one attendee. ``organizer`` and ``attendee`` are (name, e-mail)."""
    tz = ZoneInfo(time_zone)
    start, end = invitation.starts_at.astimezone(tz), invitation.ends_at.astimezone(tz)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", invitation.method)
    event = Event()
    event.add("uid", f"{invitation.uid}@{uid_domain}")
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if invitation.location:
        event.add("location", invitation.location)
    event.add("status", "CANCELLED" if invitation.method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer_address = vCalAddress(f"mailto:{organizer[1]}")
    organizer_address.params["cn"] = vText(organizer[0])
    event.add("organizer", organizer_address)
    attendee_address = vCalAddress(f"mailto:{attendee[1]}")
    attendee_address.params.update({"cn": vText(attendee[0]), "role": vText("REQ-PARTICIPANT"),
                                    "partstat": vText("NEEDS-ACTION"), "rsvp": vText("FALSE")})
    event.add("attendee", attendee_address)
    cal.add_component(event)
    # only the time zone's rules around the event, not fifty years of them
    cal.add_missing_timezones(first_date=(start - timedelta(days=400)).date(), last_date=(end + timedelta(days=400)).date())
    return cal.to_ical().decode("utf-8")
