"""What an event asks notify to send: the messages it produces (see ``domain.messages``), each
rendered in its reader's language and queued in the delivery log, and a copy for each of the
tenant's webhooks that wants it."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.contract import Event

from ..domain.deliveries import queue_messages, queue_webhooks
from ..domain.messages import compose
from ..store.people import cohort_info


def deliver(conn: Connection, event: Event, cohort_id: str | None = None) -> None:
    """Queue the messages the event produces and its webhooks."""
    data = event.loaded
    now = clock.now()
    cohort_id = cohort_id or data.get("cohort_id")
    cohort = cohort_info(conn, event.tenant, cohort_id)
    queue_messages(conn, tenant=event.tenant, event_id=event.id, event_type=event.type,
                   outgoing=compose(event.type, data, cohort), cohort=cohort, now=now, cohort_id=cohort_id)
    queue_webhooks(conn, event, now)


def forward(conn: Connection, event: Event) -> None:
    """No message for anyone: only the tenant's webhooks hear of it."""
    queue_webhooks(conn, event, clock.now())


def deliver_only_to_the_person(conn: Connection, event: Event) -> None:
    """The event's messages, and no webhook (what they carry is no one else's business)."""
    queue_messages(conn, tenant=event.tenant, event_id=event.id, event_type=event.type,
                   outgoing=compose(event.type, event.loaded), cohort=None, now=clock.now())
