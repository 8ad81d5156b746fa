"""Keeping scheduling's copy of cohorts (with their group events and programme settings) and of
the people in them, from intake's events; and forgetting a person on an erasure request.

Every write is an upsert keyed by the producer's id, so applying an event twice changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared import dates

from .. import store
from ..domain import agenda, messages
from ..domain.projection import ERASED, EVENT_FIELDS, PROGRAMME_KEYS, match_events, outbox_scrub


def record_cohort(conn: Connection, tenant: str, data: dict, now: datetime) -> tuple[dict | None, dict]:
    """Upsert the cohort from its snapshot; return (as it was, as it is)."""
    before = store.one(conn, store.cohorts, tenant, data["cohort_id"])
    programme = {k: dates.iso(data["programme"][k]) for k in PROGRAMME_KEYS if k in data["programme"]}
    values = {"name": data["name"], "time_zone": data["time_zone"], "status": data["status"],
              "starts_on": data["starts_on"], "ends_on": data["ends_on"], "programme": programme, "updated_at": now}
    if before is None:
        store.add_cohort(conn, {"id": data["cohort_id"], "tenant": tenant, **values})
    else:
        store.update(conn, store.cohorts, tenant, data["cohort_id"], **values)
    return (dict(before) if before else None), {**values, "id": data["cohort_id"], "tenant": tenant}


def ensure_cohort(conn: Connection, tenant: str, data: dict, now: datetime) -> dict:
    """The cohort a pair belongs to; if its snapshot has not arrived yet (events of two producers
    may overtake each other), a stand-in from the pair's event with the programme's defaults,
    which the snapshot completes when it comes."""
    cohort = store.one(conn, store.cohorts, tenant, data["cohort_id"])
    if cohort is not None:
        return dict(cohort)
    values = {"id": data["cohort_id"], "tenant": tenant, "name": data["cohort_name"], "time_zone": data["time_zone"],
              "status": "running", "starts_on": data["starts_on"], "ends_on": data["ends_on"],
              "programme": {"id": data.get("programme_id"), "name": data.get("programme_name") or {}}, "updated_at": now}
    store.add_cohort(conn, values)
    return values


def record_participant(conn: Connection, tenant: str, data: dict, now: datetime, status: str | None = None) -> None:
    """A person of a cohort from an application event (with their status)."""
    upsert_person(conn, tenant, data["application_id"], cohort_id=data["cohort_id"], role=data["role"],
                  name=data["name"], email=data["email"], locale=data["locale"], time_zone=data["time_zone"],
                  status=status or data.get("status") or "submitted", now=now)


def upsert_person(conn: Connection, tenant: str, application_id: str, *, cohort_id: str, role: str, name: str,
                  email: str | None, locale: str, time_zone: str, now: datetime, status: str | None = None,
                  phone: str | None = None) -> None:
    t = store.participants
    row = store.one(conn, t, tenant, application_id)
    if row is not None and row["erased"]:
        return  # an erased person stays erased, whatever arrives late
    values = {"cohort_id": cohort_id, "role": role, "name": name, "email": email, "locale": locale, "time_zone": time_zone}
    if phone is not None:
        values["phone"] = phone
    if status is not None:
        values["status"] = status
    if row is None:
        store.add_participant(conn, {"application_id": application_id, "tenant": tenant, "recorded_at": now,
                                     **{"status": "submitted", **values}})
    else:
        store.update(conn, t, tenant, application_id, **values)


# --- cohort events (training, kick-off, half-day meetings, closing) -------------------------------

def sync_cohort_events(conn: Connection, cohort: dict, incoming: list[dict], now: datetime) -> None:
    """Take the snapshot's group events over: new ones are scheduled, changed ones get a higher
    SEQUENCE, vanished ones are cancelled; each tells its people and (re)plans its reminders."""
    t = store.cohort_events
    tenant = cohort["tenant"]
    existing = [dict(r) for r in store.events_of_cohort(conn, tenant, cohort["id"], ordered=False)]
    matched = match_events(existing, incoming)
    continued = {r["id"] for r in matched.values()}
    vanished = [r for r in existing if r["id"] not in continued and r["status"] == "scheduled"]
    recipients = None

    def tell(type_: str, row: dict) -> None:
        nonlocal recipients
        if recipients is None:
            recipients = store.attendees(conn, tenant, cohort["id"])
        store.emit(conn, type_, tenant, f"cohort_event/{row['id']}", messages.cohort_event_data(cohort, row, recipients))

    days = agenda.reminder_days(cohort["programme"] or {})
    for g in incoming:
        values = {k: g.get(k) for k in EVENT_FIELDS}
        values["title"] = values["title"] or {}
        values["venue"] = values["venue"] or ""
        row = matched.get(g["id"])
        if row is None:
            row = {"id": str(uuid.uuid4()), "source_id": g["id"], "tenant": tenant, "cohort_id": cohort["id"], **values,
                   "time_zone": cohort["time_zone"], "status": "scheduled", "sequence": 0, "updated_at": now}
            store.add_cohort_event(conn, row)
            tell("event.scheduled.v1", row)
        else:
            changed = any(row[k] != values[k] for k in EVENT_FIELDS) or row["status"] != "scheduled" \
                or row["time_zone"] != cohort["time_zone"]
            if changed:
                row = {**row, **values, "source_id": g["id"], "time_zone": cohort["time_zone"], "status": "scheduled",
                       "sequence": row["sequence"] + 1, "updated_at": now}
                store.update(conn, t, tenant, row["id"], **{k: row[k] for k in (*EVENT_FIELDS, "source_id", "time_zone", "status",
                                                                               "sequence", "updated_at")})
                tell("event.scheduled.v1", row)
            elif row["source_id"] != g["id"]:
                store.update(conn, t, tenant, row["id"], source_id=g["id"])
        store.replace_work(conn, tenant, "event_reminder", row["id"], agenda.reminders(row, days, cohort["time_zone"], now), now)
    for row in vanished:
        row = {**row, "status": "cancelled", "sequence": row["sequence"] + 1, "updated_at": now}
        store.update(conn, t, tenant, row["id"], status="cancelled", sequence=row["sequence"], updated_at=now)
        store.cancel_work(conn, tenant, "event_reminder", [row["id"]])
        tell("event.cancelled.v1", row)


# --- erasure ------------------------------------------------------------------------------------


def erase(conn: Connection, tenant: str, application_ids: list[str], now: datetime) -> None:
    """Forget the person: their name and contact details, the notes, agreement texts and reasons
    for ending of their pairs (which speak of them), the notes on their attendance, their calendar
    links, any work still due for them, and the events about them in the outbox. The agreement
    texts are the one thing erasure changes in a signed version: the law comes first."""
    if not application_ids:
        return
    people = [dict(p) for p in store.people_by_ids(conn, tenant, application_ids)]
    needles, replacements = outbox_scrub(people, store.texts_of_pairs(conn, tenant, application_ids))
    pair_ids, meeting_ids = store.forget_people(conn, tenant, application_ids, ERASED, now)
    store.scrub_outbox(conn, tenant, needles or list(application_ids), replacements)
    for kind in ("meeting_reminder", "nudge"):
        store.cancel_work(conn, tenant, kind, meeting_ids)
    store.cancel_work(conn, tenant, "phase", pair_ids)
    store.cancel_work(conn, tenant, "survey", application_ids)
