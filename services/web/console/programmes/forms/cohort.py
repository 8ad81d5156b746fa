"""A cohort's settings and group events as the coordinator types them (times in the cohort's own
time zone), and the API's body."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from werkzeug.datastructures import MultiDict

from .rows import LOCALES, _filled, _int, _localized, _rows

EVENT_KINDS = ("training", "kick_off", "half_day", "closing", "other")
TIME_ZONES = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))


def _local(value: str | None, time_zone: str) -> str:
    """An instant as the form's ``datetime-local`` value in the cohort's time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(time_zone))
    return moment.strftime("%Y-%m-%dT%H:%M")


def cohort_form(cohort: dict | None = None) -> dict:
    c = cohort or {}
    zone = c.get("time_zone", "Europe/Stockholm")
    return {
        "name": c.get("name", ""), "time_zone": zone,
        "applications_open_at": _local(c.get("applications_open_at"), zone),
        "application_deadline": _local(c.get("application_deadline"), zone),
        "nomination_deadline": _local(c.get("nomination_deadline"), zone),
        "starts_on": c.get("starts_on", ""), "ends_on": c.get("ends_on", ""),
        "mentee_places": str(c.get("mentee_places", 20)), "mentor_places": str(c.get("mentor_places") or ""),
        "admission": c.get("admission", "first_come"),
        "events": [{"id": e["id"], "kind": e["kind"], "title": {x: (e.get("title") or {}).get(x, "") for x in LOCALES},
                    "starts_at": _local(e["starts_at"], zone), "ends_at": _local(e["ends_at"], zone),
                    "venue": e.get("venue") or "", "mandatory": bool(e.get("mandatory"))} for e in c.get("group_events", [])],
    }


def typed_cohort(form: MultiDict) -> dict:
    typed = {name: form.get(name, "").strip() for name in (
        "name", "time_zone", "applications_open_at", "application_deadline", "nomination_deadline", "starts_on", "ends_on",
        "mentee_places", "mentor_places", "admission")}
    typed["events"] = [{"id": form.get(f"events-{i}-id", ""), "kind": form.get(f"events-{i}-kind", "other"),
                        "title": _localized(form, f"events-{i}-title"), "starts_at": form.get(f"events-{i}-starts_at", ""),
                        "ends_at": form.get(f"events-{i}-ends_at", ""), "venue": form.get(f"events-{i}-venue", "").strip(),
                        "mandatory": form.get(f"events-{i}-mandatory") == "yes"} for i in _rows(form, "events")]
    return typed


def _aware(local: str, time_zone: str) -> str:
    """A ``datetime-local`` value in the cohort's time zone as an instant with its offset."""
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        return local  # the API says it is no date
    if time_zone in available_timezones():
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment.isoformat()


def cohort_body(typed: dict, new: bool) -> dict:
    zone = typed["time_zone"]
    body = {"name": typed["name"], "time_zone": zone, "admission": typed["admission"],
            "mentee_places": _int(typed["mentee_places"]), "mentor_places": _int(typed["mentor_places"]) if typed["mentor_places"] else None}
    for name in ("starts_on", "ends_on"):
        if typed[name] or not new:
            body[name] = typed[name] or None
    for name in ("applications_open_at", "application_deadline", "nomination_deadline"):
        if typed[name]:
            body[name] = _aware(typed[name], zone)
        elif not new:
            body[name] = None
    events = []
    for e in typed["events"]:
        if not (e["starts_at"] or e["ends_at"] or any(e["title"].values()) or e["venue"]) and not e["id"]:
            continue  # an empty row left as it was
        event = {"kind": e["kind"], "title": _filled(e["title"]), "starts_at": e["starts_at"] or None,
                 "ends_at": e["ends_at"] or None, "venue": e["venue"], "mandatory": e["mandatory"]}
        if e["id"]:
            event["id"] = e["id"]
        events.append(event)
    body["group_events"] = events
    return body
