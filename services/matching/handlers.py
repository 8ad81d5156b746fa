"""Events matching consumes, and what it does with each."""

from __future__ import annotations

from services.shared.bus import HandlerTable
from services.shared.contract import Event

from . import store
from .domain import projection, runs

HANDLERS = HandlerTable("matching")


@HANDLERS.on_batch("application.submitted.v1")
def applications_submitted(conn, events: list[Event]) -> None:
    for event in events:
        projection.record_application(conn, event.tenant, event.loaded)


@HANDLERS.on("application.accepted.v1")
@HANDLERS.on("application.waitlisted.v1")
@HANDLERS.on("application.promoted.v1")
@HANDLERS.on("application.rejected.v1")
def application_decided(conn, event: Event) -> None:
    projection.record_status(conn, event.tenant, event.loaded)


@HANDLERS.on("application.withdrawn.v1")
def application_withdrawn(conn, event: Event) -> None:
    """Someone who withdraws leaves their pair: it ends, and the other is free for the next run."""
    data = event.loaded
    projection.record_status(conn, event.tenant, data)
    p = store.pairs
    column = p.c.mentee_id if data["role"] == "mentee" else p.c.mentor_id
    for pair in store.rows(conn, p, event.tenant, column == data["application_id"], p.c.status == "confirmed"):
        runs.end_pair(conn, pair, "intake", f"the {data['role']} withdrew from the programme")


@HANDLERS.on("cohort.opened.v1")
@HANDLERS.on("cohort.updated.v1")
@HANDLERS.on("cohort.started.v1")
@HANDLERS.on("cohort.finished.v1")
def cohort_changed(conn, event: Event) -> None:
    projection.record_cohort(conn, event.tenant, event.loaded)


@HANDLERS.on("cohort.closed.v1")
def cohort_closed(conn, event: Event) -> None:
    """A closed cohort is matched by itself when its programme says so: a run is queued for the
    worker, unless one is queued or running already (it sees the closed cohort too)."""
    data = event.loaded
    projection.record_cohort(conn, event.tenant, data)
    if data["programme"].get("match_when_closed") and runs.active_run(conn, event.tenant, data["cohort_id"]) is None:
        cohort = store.one(conn, store.cohorts, event.tenant, data["cohort_id"])
        runs.request_run(conn, event.tenant, cohort, by="matching", trigger="cohort_closed")


@HANDLERS.on("person.erasure_requested.v1")
def person_erased(conn, event: Event) -> None:
    projection.erase(conn, event.tenant, event.loaded["application_ids"])
