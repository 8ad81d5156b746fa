"""Events scheduling consumes, and what it does with each."""

from __future__ import annotations

from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .domain.projection import record_cohort, record_participant

HANDLERS = HandlerTable("scheduling")


@HANDLERS.on("cohort.opened.v1")
def cohort_opened(conn, event: Event) -> None:
    record_cohort(conn, event.tenant, event.loaded)


@HANDLERS.on("application.submitted.v1")
def application_submitted(conn, event: Event) -> None:
    record_participant(conn, event.tenant, event.loaded)
