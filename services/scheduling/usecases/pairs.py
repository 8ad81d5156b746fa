"""Pairs from matching's events: a confirmed pair gets its agreement draft, its meeting plan and
the work due over its time (nudges, surveys, phase changes); a pair that ends early has its
future meetings cancelled and is finished. The plan follows the cohort when its dates, cadence
or meeting-plan template change.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain import messages, plan, timing
from ..domain.pairs import OPEN, cadence
from . import agreements, projection
from .phases import refresh_phase


def confirm(conn: Connection, tenant: str, data: dict, now: datetime) -> None:
    """match.confirmed: record both people and the pair; plan, draft the agreement, start."""
    cohort = projection.ensure_cohort(conn, tenant, data, now)
    share = data.get("share_contact_details") or []
    for role in ("mentee", "mentor"):
        person = data[role]
        projection.upsert_person(conn, tenant, person["application_id"], cohort_id=data["cohort_id"], role=role,
                                 name=person["name"], email=person["email"], locale=person["locale"],
                                 time_zone=data["time_zone"], phone=person.get("phone") if "phone" in share else None,
                                 status="accepted", now=now)
    if store.one(conn, store.pairs, tenant, data["pair_id"]) is not None:
        return  # known already (a redelivery, or it ended before this arrived)
    pair = {"id": data["pair_id"], "tenant": tenant, "cohort_id": data["cohort_id"],
            "mentee_id": data["mentee"]["application_id"], "mentor_id": data["mentor"]["application_id"],
            "shared_languages": list(data.get("shared_languages") or []), "share_contact_details": list(share),
            "status": "active", "phase": None, "confirmed_at": data.get("confirmed_at") or now, "updated_at": now}
    store.add_pair(conn, pair)
    planned = sync_plan(conn, pair, cohort, now)
    ctx = store.pair_context(conn, pair)
    agreements.draft_first(conn, ctx, planned, now)
    refresh_phase(conn, pair, now)


def end(conn: Connection, tenant: str, data: dict, now: datetime) -> None:
    """match.ended: cancel the pair's future meetings and the work due for it; finished."""
    # its phase changes first: the worker's tick takes such a row before the pair, so this keeps the order
    store.cancel_work(conn, tenant, "phase", [data["pair_id"]])
    pair = store.one(conn, store.pairs, tenant, data["pair_id"], for_update=True)
    values = {"status": "ended", "ended_at": data.get("ended_at") or now, "ended_by": data.get("ended_by"),
              "end_reason": data.get("reason"), "updated_at": now}
    if pair is None:
        # ended before its confirmation reached us: remember it, so the late confirmation plans nothing
        store.add_pair(conn, {
            "id": data["pair_id"], "tenant": tenant, "cohort_id": data["cohort_id"],
            "mentee_id": data["mentee"]["application_id"], "mentor_id": data["mentor"]["application_id"],
            "shared_languages": [], "share_contact_details": [], "phase": "finished", "confirmed_at": None, **values})
        return
    if pair["status"] == "ended":
        return
    store.update(conn, store.pairs, tenant, pair["id"], **values)
    pair = {**pair, **values}
    ctx = store.pair_context(conn, pair)
    cancel_future_meetings(conn, ctx, f"the pair ended: {data.get('reason') or ''}".strip(": "), now)
    for role in ("mentee", "mentor"):
        person_id = pair[f"{role}_id"]
        if not store.active_pair_ids(conn, tenant, pair["cohort_id"], person_id):
            store.cancel_work(conn, tenant, "survey", [person_id])
    refresh_phase(conn, pair, now)


def cancel_future_meetings(conn: Connection, ctx: messages.PairContext, reason: str, now: datetime) -> int:
    """Every meeting still to come is cancelled; those on a calendar say so (STATUS:CANCELLED)."""
    cancelled = 0
    for meeting in store.meetings_of_pair(conn, ctx.tenant, ctx.pair["id"], only=OPEN):
        if meeting["starts_at"] is not None and meeting["starts_at"] <= now:
            continue  # in the past: it was held or missed, whether or not anyone logged it
        cancel_meeting(conn, ctx, meeting, reason, now)
        cancelled += 1
    return cancelled


def cancel_meeting(conn: Connection, ctx: messages.PairContext, meeting, reason: str, now: datetime) -> dict:
    dated = meeting["starts_at"] is not None
    values = {"status": "cancelled", "cancel_reason": reason, "proposal": None, "updated_at": now,
              "sequence": meeting["sequence"] + 1 if dated else meeting["sequence"]}
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    meeting = {**meeting, **values}
    store.cancel_work(conn, ctx.tenant, "meeting_reminder", [meeting["id"]])
    if dated:  # the contract's meeting carries its time; an undated one was on nobody's calendar
        # the reason stays in scheduling (cancel_reason): the event no longer carries it
        store.emit(conn, "meeting.cancelled.v1", ctx.tenant, f"pair/{ctx.pair['id']}", messages.meeting_data(ctx, meeting))
    return meeting


# --- the plan ---------------------------------------------------------------------------------


def sync_plan(conn: Connection, pair: dict, cohort: dict, now: datetime) -> list[plan.PlannedMeeting]:
    """Make the pair's meetings follow the plan: one per due window with the template's topic.
    Meetings already held, missed or cancelled keep what they were; a meeting still to come takes
    the new window and topic; windows the plan no longer has lose their open meeting."""
    m = store.meetings
    tenant = pair["tenant"]
    every, _minutes = cadence(cohort)
    planned = plan.plan_meetings(cohort["starts_on"], cohort["ends_on"], every, (cohort.get("programme") or {}).get("meeting_plan") or [])
    existing = {r["number"]: dict(r) for r in store.meetings_of_pair(conn, tenant, pair["id"])}
    ctx = None
    for item in planned:
        values = {"topic": item.topic, "checklist": item.checklist, "window_start": item.window.start,
                  "window_end": item.window.end}
        row = existing.pop(item.number, None)
        if row is None:
            row = {"id": str(uuid.uuid4()), "tenant": tenant, "pair_id": pair["id"], "cohort_id": pair["cohort_id"],
                   "number": item.number, "status": "planned", "place": "", "mode": "in_person", "sequence": 0,
                   "updated_at": now, **values}
            store.add_meeting(conn, row)
        elif row["status"] in OPEN and any(row[k] != v for k, v in values.items()):
            # the topic shows in the calendar: a dated meeting whose entry changes gets a new SEQUENCE
            sequence = row["sequence"] + (1 if row["starts_at"] is not None and row["topic"] != item.topic else 0)
            store.update(conn, m, tenant, row["id"], **values, sequence=sequence, updated_at=now)
            row = {**row, **values, "sequence": sequence}
        last = item.number == planned[-1].number
        # a nudge the morning after each window closes, but the last: by then the cohort is over
        wanted = {} if last or pair["status"] != "active" else {"window": timing.nudge_time(item.window.end, cohort["time_zone"])}
        store.replace_work(conn, tenant, "nudge", row["id"], wanted, now)
    for row in existing.values():  # beyond the new plan
        store.cancel_work(conn, tenant, "nudge", [row["id"]])
        if row["status"] in OPEN:
            ctx = ctx or store.pair_context(conn, pair)
            cancel_meeting(conn, ctx, row, "the cohort's plan changed", now)
    plan_timers(conn, pair, cohort, planned, now)
    return planned


def plan_timers(conn: Connection, pair: dict, cohort: dict, planned: list[plan.PlannedMeeting], now: datetime) -> None:
    """Phase changes by the calendar, and the mid-point and closing surveys of both people (one
    each per cohort, even for a mentor with two mentees)."""
    if pair["status"] != "active" or not planned:
        return
    tz = cohort["time_zone"]
    store.replace_work(conn, pair["tenant"], "phase", pair["id"],
                   timing.phase_times(planned[-1].window.start, cohort["ends_on"], tz), now)
    surveys = timing.survey_times(cohort["starts_on"], cohort["ends_on"], tz)
    for person_id in (pair["mentee_id"], pair["mentor_id"]):
        store.replace_work(conn, pair["tenant"], "survey", person_id, surveys, now)


def replan_cohort(conn: Connection, cohort: dict, now: datetime) -> None:
    """The cohort's dates, cadence or template changed: every active pair's plan follows."""
    for pair in store.pairs_of_cohort(conn, cohort["tenant"], cohort["id"], active=True):
        sync_plan(conn, dict(pair), cohort, now)
        refresh_phase(conn, pair, now)
