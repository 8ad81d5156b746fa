"""Attendance at a cohort's events, as its coordinator records it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared.db import found
from services.shared.errors import Invalid, NotFound

from .. import store


def event_of(conn: Connection, tenant: str, cohort_id: str, event_id: str):
    """The cohort's event: refused as not found when the tenant has no such cohort, or no such
    event in it (another cohort's event is not there either)."""
    found(conn, store.cohorts, tenant, cohort_id, "cohort")
    event = found(conn, store.cohort_events, tenant, event_id, "cohort event")
    if event["cohort_id"] != cohort_id:
        raise NotFound("No such cohort event.")
    return event


def record(conn: Connection, tenant: str, cohort_id: str, event, records: list[dict], by: str, now: datetime) -> None:
    """Record present, absent or excused for some or all of the cohort's people; refused whole
    when any of them is not a participant of the cohort."""
    known = store.in_cohort(conn, tenant, cohort_id, [r["application_id"] for r in records])
    errors = {str(i): {"application_id": ["not a participant of this cohort"]}
              for i, r in enumerate(records) if r["application_id"] not in known}
    if errors:
        raise Invalid("Some people are not in this cohort.", {"records": errors})
    for r in records:
        store.record_mark(conn, tenant, event["id"], r["application_id"], status=r["status"], note=r["note"],
                          recorded_by=by, recorded_at=now)


def sheet(conn: Connection, tenant: str, cohort_id: str, event_id: str) -> list[dict]:
    """Who is expected at the event, and anyone else recorded there, each with their attendance
    (status None and an empty note while unrecorded)."""
    marks = store.marks_of_event(conn, tenant, event_id)
    expected = store.attendees(conn, tenant, cohort_id)
    seen = {p["application_id"] for p in expected}
    extra = store.people_by_ids(conn, tenant, [a for a in marks if a not in seen])
    people = [*expected, *(dict(r) for r in extra)]
    return [{"application_id": p["application_id"], "name": p["name"], "role": p["role"],
             "status": marks[p["application_id"]]["status"] if p["application_id"] in marks else None,
             "note": marks[p["application_id"]]["note"] if p["application_id"] in marks else ""} for p in people]
