"""Cohorts: creating, changing and moving them through draft → open → closed → running →
finished, each step with its ``cohort.*`` event carrying what the other services need (the
cohort's snapshot: its dates, places, group events and its programme's settings)."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from services.shared.contract import Event, new_event
from services.shared.errors import Refused

TRANSITIONS = {
    "open": ({"draft", "closed"}, "cohort.opened.v1"),
    "closed": ({"open"}, "cohort.closed.v1"),
    "running": ({"closed"}, "cohort.started.v1"),
    "finished": ({"running"}, "cohort.finished.v1"),
}
GROUP_EVENT_FIELDS = ("id", "kind", "title", "starts_at", "ends_at", "venue", "mandatory")


class TransitionRefused(Refused):
    """The cohort's status does not go there from where it is (it names the status it has)."""


def aware(moment: datetime, time_zone: str) -> datetime:
    """A coordinator may give local times: they are in the cohort's time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(time_zone))


def new_cohort(programme, body: dict, now: datetime) -> dict:
    """A draft cohort of the programme from the fields ``body`` gives (not its group events nor
    whether to open it), with the defaults of the others."""
    fields = {k: v for k, v in body.items() if k not in ("group_events", "open")}
    return {
        "id": str(uuid.uuid4()), "tenant": programme["tenant"], "programme_id": programme["id"],
        "time_zone": "Europe/Stockholm", "mentee_places": 20, "mentor_places": None, "admission": "first_come",
        "applications_open_at": None, "application_deadline": None, "nomination_deadline": None,
        **fields, "status": "draft", "arrivals": 0, "created_at": now, "updated_at": now,
    }


def group_event_changes(cohort, events: list[dict], existing: set[str]) -> tuple[dict[str, dict], list[dict]]:
    """What replacing the cohort's group events with ``events`` writes: one given with the id of
    an existing event changes that event (so calendars keep it as the same event), one without
    is new, and the existing ones not listed are gone. (changed: id -> values, new rows)"""
    changed, new = {}, []
    for event in events:
        values = dict(
            kind=event["kind"], title=event.get("title") or {}, starts_at=aware(event["starts_at"], cohort["time_zone"]),
            ends_at=aware(event["ends_at"], cohort["time_zone"]), venue=event.get("venue", ""),
            mandatory=event.get("mandatory", False),
        )
        if event.get("id") in existing:
            changed[event["id"]] = values
        else:
            new.append({"id": str(uuid.uuid4()), "tenant": cohort["tenant"], "cohort_id": cohort["id"], **values})
    return changed, new


def transition_event(cohort, status: str) -> str:
    """The event of the cohort's move to ``status``; refused unless it goes there from where it is."""
    allowed_from, event_type = TRANSITIONS[status]
    if cohort["status"] not in allowed_from:
        raise TransitionRefused(f"a {cohort['status']} cohort cannot become {status}", {"status": [cohort["status"]]})
    return event_type


def programme_settings(programme) -> dict:
    return {
        "id": programme["id"], "name": programme["names"], "locale": programme["locale"],
        "languages": programme["languages"], "required_mentor_languages": programme["required_mentor_languages"],
        "professions": programme["professions"],
        "duration_months": programme["duration_months"], "meeting_every_months": programme["meeting_every_months"],
        "meeting_minutes": programme["meeting_minutes"], "meeting_plan": programme["meeting_plan"],
        "matching_weights": programme["matching_weights"], "matching_mode": programme["matching_mode"],
        "match_when_closed": programme["match_when_closed"], "reminder_days": programme["reminder_days"],
        "share_contact_details": programme["share_contact_details"], "contacts": programme["contacts"],
        "messages": programme.get("messages") or {},
    }


def snapshot(cohort, programme, group_events: list[dict]) -> dict:
    """What every ``cohort.*`` event carries: the cohort as the other services keep it."""
    return {
        "cohort_id": cohort["id"], "name": cohort["name"], "status": cohort["status"], "time_zone": cohort["time_zone"],
        "applications_open_at": cohort["applications_open_at"], "application_deadline": cohort["application_deadline"],
        "nomination_deadline": cohort["nomination_deadline"], "starts_on": cohort["starts_on"], "ends_on": cohort["ends_on"],
        "mentee_places": cohort["mentee_places"], "mentor_places": cohort["mentor_places"], "admission": cohort["admission"],
        "group_events": [{k: e[k] for k in GROUP_EVENT_FIELDS} for e in group_events],
        "programme": programme_settings(programme),
    }


def snapshot_event(event_type: str, cohort, programme, group_events: list[dict]) -> Event:
    return new_event(event_type, source="intake", tenant=cohort["tenant"], subject=f"cohort/{cohort['id']}",
                     data=snapshot(cohort, programme, group_events))


def counts(by_role_and_status) -> tuple[dict, dict]:
    """Accepted and waitlisted applications per role, from (role, status, how many) rows."""
    accepted = {role: 0 for role in ("mentee", "mentor")}
    waitlisted = dict(accepted)
    for role, status, n in by_role_and_status:
        if status == "accepted":
            accepted[role] = n
        elif status == "waitlisted":
            waitlisted[role] = n
    return accepted, waitlisted


# --- the clock moves cohorts on -------------------------------------------------------------


def due_transition(cohort, now: datetime) -> str | None:
    """Which step the calendar asks of this cohort now, if any."""
    today = now.astimezone(ZoneInfo(cohort["time_zone"])).date()
    status = cohort["status"]
    if status == "open":
        if cohort["application_deadline"] and now >= cohort["application_deadline"]:
            return "closed"
        if cohort["starts_on"] and today >= cohort["starts_on"]:
            return "closed"
    if status == "closed" and cohort["starts_on"] and today >= cohort["starts_on"]:
        return "running"
    if status == "running" and cohort["ends_on"] and today > cohort["ends_on"]:
        return "finished"
    return None
