"""Cohorts: a coordinator creates one, changes it, moves it through its statuses and reads its
outcomes; the clock closes, starts and finishes cohorts on their dates. Past draft, every change
is told to the other services as the cohort's snapshot."""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

from services.shared import clock
from services.shared.db import found
from services.shared.errors import Conflict, Invalid

from .. import store
from ..domain import cohorts as rules
from ..domain.surveys import headline, outcome_report
from ..schemas import changed_past_dates


def group_events(conn: Connection, cohort) -> list[dict]:
    return store.group_events_of(conn, cohort["tenant"], cohort["id"])


def counts(conn: Connection, cohort) -> tuple[dict, dict]:
    """Accepted and waitlisted applications per role."""
    return rules.counts(store.applications_by_role_and_status(conn, cohort["tenant"], cohort["id"]))


def with_figures(conn: Connection, cohort) -> dict:
    """The cohort as a coordinator reads it: with its group events and how many are accepted and waitlisted."""
    accepted, waitlisted = counts(conn, cohort)
    return {**cohort, "group_events": group_events(conn, cohort), "accepted": accepted, "waitlisted": waitlisted}


def publish_snapshot(conn: Connection, event_type: str, cohort, programme=None) -> None:
    """Tell the other services the cohort as it is now (its programme's settings with it)."""
    if programme is None:
        programme = store.one(conn, store.programmes, cohort["tenant"], cohort["programme_id"])
    store.publish(conn, rules.snapshot_event(event_type, cohort, programme, group_events(conn, cohort)))


def create(conn: Connection, tenant: str, programme_id: str, body: dict) -> dict:
    """A draft cohort of the programme, with its group events; ``open`` opens it at once."""
    programme = found(conn, store.programmes, tenant, programme_id)
    row = rules.new_cohort(programme, body, clock.now())
    store.insert_cohort(conn, row)
    _replace_group_events(conn, row, body.get("group_events") or [])
    if body.get("open", False):
        row = _transition(conn, row, "open", programme)
    return with_figures(conn, row)


def of_programme(conn: Connection, tenant: str, programme_id: str) -> list[dict]:
    found(conn, store.programmes, tenant, programme_id)
    return [with_figures(conn, r) for r in store.cohorts_of_programme(conn, tenant, programme_id)]


def one(conn: Connection, tenant: str, cohort_id: str) -> dict:
    return with_figures(conn, found(conn, store.cohorts, tenant, cohort_id))


def update(conn: Connection, tenant: str, cohort_id: str, body: dict) -> dict:
    """Change the cohort (``group_events`` replaces them all); past draft, the others hear of it.
    A finished cohort does not change, and no deadline nor the start moves into the past."""
    cohort = found(conn, store.cohorts, tenant, cohort_id)
    if cohort["status"] == "finished":
        raise Conflict("A finished cohort does not change.")
    now = clock.now()
    past = changed_past_dates(cohort, body, now)
    if past:
        raise Invalid("A deadline or the start would be in the past.", past)
    values = {k: v for k, v in body.items() if k != "group_events"}
    if values:
        store.update(conn, store.cohorts, tenant, cohort_id, updated_at=now, **values)
    row = {**cohort, **values, "updated_at": now}
    if body.get("group_events") is not None:
        _replace_group_events(conn, row, body["group_events"])
    if row["status"] != "draft":
        publish_snapshot(conn, "cohort.updated.v1", row)
    return with_figures(conn, row)


def transition(conn: Connection, tenant: str, cohort_id: str, status: str) -> dict:
    """Open, close, start or finish the cohort (the clock does the last three on their dates)."""
    cohort = found(conn, store.cohorts, tenant, cohort_id, for_update=True)
    return with_figures(conn, _transition(conn, cohort, status))


def outcomes(conn: Connection, tenant: str, cohort_id: str) -> dict:
    """Response rates and outcome figures of the cohort's surveys, and the programme's headline
    figures from the closing survey; groups smaller than the programme's least are suppressed."""
    cohort, programme = store.cohort_and_programme(conn, tenant, cohort_id)
    accepted, _ = counts(conn, cohort)
    responses = store.survey_responses_of(conn, tenant, cohort_id)
    least = programme["min_report_group"]
    return {"cohort_id": cohort_id, "min_group": least,
            "surveys": outcome_report(programme["surveys"], accepted, responses, least),
            "headline": headline(programme["surveys"], responses, least)}


def advance_cohorts(engine: Engine) -> list[tuple[str, str]]:
    """Close cohorts at their deadline, start and finish them on their dates (idempotent, safe
    with several workers: each cohort is claimed with a row lock that others skip)."""
    moved = []
    with engine.connect() as conn:
        under_way = store.cohorts_under_way(conn)
    for cohort_id, tenant in under_way:
        while True:
            with engine.begin() as conn:
                cohort = store.claim_cohort(conn, tenant, cohort_id)
                step = cohort and rules.due_transition(cohort, clock.now())
                if not step:
                    break
                _transition(conn, cohort, step)
                moved.append((cohort_id, step))
    return moved


def _transition(conn: Connection, cohort, status: str, programme=None) -> dict:
    event_type = rules.transition_event(cohort, status)
    store.update(conn, store.cohorts, cohort["tenant"], cohort["id"], status=status, updated_at=clock.now())
    row = {**cohort, "status": status}
    publish_snapshot(conn, event_type, row, programme)
    return row


def _replace_group_events(conn: Connection, cohort, events: list[dict]) -> None:
    existing = store.group_event_ids(conn, cohort["tenant"], cohort["id"])
    changed, new = rules.group_event_changes(cohort, events, existing)
    store.write_group_events(conn, cohort["tenant"], cohort["id"], changed, new)
