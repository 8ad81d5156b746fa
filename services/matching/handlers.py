"""Events matching consumes, and the use case each one calls."""

from __future__ import annotations

from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .usecases import projection

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
    projection.withdrawn(conn, event.tenant, event.loaded)


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
    projection.cohort_closed(conn, event.tenant, event.loaded)


@HANDLERS.on("person.erasure_requested.v1")
def person_erased(conn, event: Event) -> None:
    projection.erase(conn, event.tenant, event.loaded["application_ids"])
