"""Events notify consumes, and the message each one produces."""

from __future__ import annotations

from services.shared.bus import HandlerTable
from services.shared.contract import Event

from .domain.deliveries import queue_email

HANDLERS = HandlerTable("notify")


@HANDLERS.on("application.submitted.v1")
def application_received(conn, event: Event) -> None:
    data = event.loaded
    queue_email(
        conn, tenant=event.tenant, event_id=event.id, event_type=event.type, message="application_received",
        to=data["email"], locale=data["locale"],
        context={"name": data["name"], "programme": data["programme_name"], "cohort": data["cohort_name"], "role": data["role"]},
    )
