"""Events scheduling consumes, and what it does with each.

Every handler is an upsert keyed by the producer's ids (the cohort, the application, the pair),
run in one transaction with its inbox row: a redelivered event changes nothing.
"""

from __future__ import annotations

from services.shared import clock
from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .usecases import pairs, projection

HANDLERS = HandlerTable("scheduling")

# what in a cohort's snapshot shapes its pairs' plans
_PLAN_KEYS = ("starts_on", "ends_on", "time_zone")
_PROGRAMME_PLAN_KEYS = ("meeting_every_months", "meeting_plan")


@HANDLERS.on("cohort.opened.v1")
@HANDLERS.on("cohort.updated.v1")
@HANDLERS.on("cohort.closed.v1")
@HANDLERS.on("cohort.started.v1")
@HANDLERS.on("cohort.finished.v1")
def cohort_changed(conn, event: Event) -> None:
    """Keep the cohort, take its group events over, and let its pairs' plans follow its calendar."""
    now = clock.now()
    data = event.loaded
    before, cohort = projection.record_cohort(conn, event.tenant, data, now)
    projection.sync_cohort_events(conn, cohort, data["group_events"], now)
    if before is not None and (
        any(before[k] != cohort[k] for k in _PLAN_KEYS)
        or any((before["programme"] or {}).get(k) != cohort["programme"].get(k) for k in _PROGRAMME_PLAN_KEYS)
    ):
        pairs.replan_cohort(conn, cohort, now)
    elif data["status"] == "finished":
        pairs.replan_cohort(conn, cohort, now)  # every pair moves to finished


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
