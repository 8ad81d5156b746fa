"""Events scheduling consumes, and what it does with each.

Every handler is an upsert keyed by the producer's ids (the cohort, the application, the pair),
run in one transaction with its inbox row: a redelivered event changes nothing.
"""

from __future__ import annotations

from services.shared import clock
from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .usecases import cohorts, pairs, projection

HANDLERS = HandlerTable("scheduling")

@HANDLERS.on("cohort.opened.v1")
@HANDLERS.on("cohort.updated.v1")
@HANDLERS.on("cohort.closed.v1")
@HANDLERS.on("cohort.started.v1")
@HANDLERS.on("cohort.finished.v1")
def cohort_changed(conn, event: Event) -> None:
    """Keep the cohort, take its group events over, and let its pairs' plans follow its calendar."""
    cohorts.cohort_changed(conn, event.tenant, event.loaded, clock.now())


@HANDLERS.on("application.submitted.v1")
@HANDLERS.on("application.accepted.v1")
@HANDLERS.on("application.promoted.v1")
@HANDLERS.on("application.waitlisted.v1")
@HANDLERS.on("application.rejected.v1")
@HANDLERS.on("application.withdrawn.v1")
def application_changed(conn, event: Event) -> None:
    """The people of a cohort and where they stand: the accepted ones are expected at its events."""
    projection.record_participant(conn, event.tenant, event.loaded, clock.now())


@HANDLERS.on("match.confirmed.v1")
def pair_confirmed(conn, event: Event) -> None:
    pairs.confirm(conn, event.tenant, event.loaded, clock.now())


@HANDLERS.on("match.ended.v1")
def pair_ended(conn, event: Event) -> None:
    pairs.end(conn, event.tenant, event.loaded, clock.now())


@HANDLERS.on("person.erasure_requested.v1")
def person_erased(conn, event: Event) -> None:
    projection.erase(conn, event.tenant, event.loaded["application_ids"], clock.now())
