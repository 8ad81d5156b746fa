"""Events matching consumes, and what it does with each."""

from __future__ import annotations

from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .domain.projection import record_application

HANDLERS = HandlerTable("matching")


@HANDLERS.on("application.submitted.v1")
def application_submitted(conn, event: Event) -> None:
    record_application(conn, event.tenant, event.loaded)
