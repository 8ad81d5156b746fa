"""Cohorts: creating, changing and moving them through draft → open → closed → running →
finished, each step with its ``cohort.*`` event carrying what the other services need."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.shared import clock
from services.shared.contract import new_event
from services.shared.errors import Refused

from .. import store

TRANSITIONS = {
    "open": ({"draft", "closed"}, "cohort.opened.v1"),
    "closed": ({"open"}, "cohort.closed.v1"),
    "running": ({"closed"}, "cohort.started.v1"),
    "finished": ({"running"}, "cohort.finished.v1"),
}


class TransitionRefused(Refused):
    """The cohort's status does not go there from where it is (it names the status it has)."""


def _aware(moment: datetime, time_zone: str) -> datetime:
    """A coordinator may give local times: they are in the cohort's time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(time_zone))


def _replace_group_events(conn: Connection, cohort: dict, events: list[dict]) -> None:
    """The cohort's group events become ``events``: one given with the id of an existing event
    changes that event (so calendars keep it as the same event), one without is new, and the
    ones not listed are gone."""
    t = store.group_events
    mine = t.c.cohort_id == cohort["id"], t.c.tenant == cohort["tenant"]
    existing = set(conn.execute(sa.select(t.c.id).where(*mine)).scalars())
    kept = {e["id"] for e in events if e.get("id") in existing}
    conn.execute(t.delete().where(*mine, t.c.id.not_in(kept)))
    for event in events:
        values = dict(
            kind=event["kind"], title=event.get("title") or {}, starts_at=_aware(event["starts_at"], cohort["time_zone"]),
            ends_at=_aware(event["ends_at"], cohort["time_zone"]), venue=event.get("venue", ""),
            mandatory=event.get("mandatory", False),
        )
        if event.get("id") in kept:
            conn.execute(t.update().where(*mine, t.c.id == event["id"]).values(**values))
        else:
            conn.execute(t.insert().values(id=str(uuid.uuid4()), tenant=cohort["tenant"], cohort_id=cohort["id"], **values))


def group_events(conn: Connection, cohort) -> list[dict]:
    t = store.group_events
    return [dict(r) for r in conn.execute(
        sa.select(t).where(t.c.cohort_id == cohort["id"], t.c.tenant == cohort["tenant"]).order_by(t.c.starts_at)
    ).mappings()]


def create_cohort(conn: Connection, programme, body: dict, now: datetime) -> dict:
    body = dict(body)
    events = body.pop("group_events", None) or []
    opening = body.pop("open", False)
    row = {
        "id": str(uuid.uuid4()), "tenant": programme["tenant"], "programme_id": programme["id"],
        "time_zone": "Europe/Stockholm", "mentee_places": 20, "mentor_places": None, "admission": "first_come",
        "applications_open_at": None, "application_deadline": None, "nomination_deadline": None,
        **body, "status": "draft", "arrivals": 0, "created_at": now, "updated_at": now,
    }
    conn.execute(store.cohorts.insert().values(**row))
    _replace_group_events(conn, row, events)
    if opening:
        row = transition(conn, row, "open", programme)
    return row


def update_cohort(conn: Connection, cohort, body: dict, now: datetime) -> dict:
    body = dict(body)
    events = body.pop("group_events", None)
    if body:
        store.update(conn, store.cohorts, cohort["tenant"], cohort["id"], updated_at=now, **body)
    row = {**cohort, **body, "updated_at": now}
    if events is not None:
        _replace_group_events(conn, row, events)
    if row["status"] != "draft":
        publish_snapshot(conn, "cohort.updated.v1", row)
    return row


def transition(conn: Connection, cohort, status: str, programme=None) -> dict:
    allowed_from, event_type = TRANSITIONS[status]
    if cohort["status"] not in allowed_from:
        raise TransitionRefused(f"a {cohort['status']} cohort cannot become {status}", {"status": [cohort["status"]]})
    store.update(conn, store.cohorts, cohort["tenant"], cohort["id"], status=status, updated_at=clock.now())
    row = {**cohort, "status": status}
    publish_snapshot(conn, event_type, row, programme)
    return row


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


def snapshot(conn: Connection, cohort, programme=None) -> dict:
    if programme is None:
        programme = store.one(conn, store.programmes, cohort["tenant"], cohort["programme_id"])
    return {
        "cohort_id": cohort["id"], "name": cohort["name"], "status": cohort["status"], "time_zone": cohort["time_zone"],
        "applications_open_at": cohort["applications_open_at"], "application_deadline": cohort["application_deadline"],
        "nomination_deadline": cohort["nomination_deadline"], "starts_on": cohort["starts_on"], "ends_on": cohort["ends_on"],
        "mentee_places": cohort["mentee_places"], "mentor_places": cohort["mentor_places"], "admission": cohort["admission"],
        "group_events": [
            {k: e[k] for k in ("id", "kind", "title", "starts_at", "ends_at", "venue", "mandatory")}
            for e in group_events(conn, cohort)
        ],
        "programme": programme_settings(programme),
    }


def publish_snapshot(conn: Connection, event_type: str, cohort, programme=None) -> None:
    store.publish(conn, new_event(event_type, source="intake", tenant=cohort["tenant"],
                                  subject=f"cohort/{cohort['id']}", data=snapshot(conn, cohort, programme)))


def counts(conn: Connection, cohort) -> tuple[dict, dict]:
    """Accepted and waitlisted applications per role."""
    t = store.applications
    result = conn.execute(
        sa.select(t.c.role, t.c.status, sa.func.count()).where(t.c.cohort_id == cohort["id"], t.c.tenant == cohort["tenant"])
        .group_by(t.c.role, t.c.status)
    ).all()
    accepted = {role: 0 for role in ("mentee", "mentor")}
    waitlisted = dict(accepted)
    for role, status, n in result:
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


def advance_cohorts(engine: Engine) -> list[tuple[str, str]]:
    """Close cohorts at their deadline, start and finish them on their dates (idempotent, safe
    with several workers: each cohort is claimed with a row lock that others skip)."""
    moved = []
    t = store.cohorts
    with engine.connect() as conn:
        ids = conn.execute(sa.select(t.c.id, t.c.tenant).where(t.c.status.in_(("open", "closed", "running")))).all()
    for cohort_id, tenant in ids:
        while True:
            with engine.begin() as conn:
                query = sa.select(t).where(t.c.id == cohort_id, t.c.tenant == tenant)
                if conn.dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                cohort = conn.execute(query).mappings().first()
                step = cohort and due_transition(cohort, clock.now())
                if not step:
                    break
                transition(conn, cohort, step)
                moved.append((cohort_id, step))
    return moved
