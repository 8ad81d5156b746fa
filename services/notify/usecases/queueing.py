"""What an event asks notify to send: the messages it produces (see ``domain.messages``), each
rendered in its reader's language and queued in the delivery log, and a copy for each of the
tenant's webhooks that wants it.

Queueing happens in the consumer's transaction (with the inbox row), so a redelivered event finds
its deliveries already there and adds none."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.contract import Event

from ..domain.deliveries import email_hash, email_row, wants, webhook_row
from ..domain.messages import CohortInfo, Outgoing, compose
from ..domain.rendering import Override
from ..settings import NotifySettings, current
from ..store import log, tenant_setup
from ..store.people import cohort_info, preference
from ..store.tenant_setup import overrides_of


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


def queue_messages(
    conn: Connection,
    *,
    tenant: str,
    event_id: str,
    event_type: str,
    outgoing: Sequence[Outgoing],
    cohort: CohortInfo | None,
    now: datetime,
    cohort_id: str | None = None,
    settings: NotifySettings | None = None,
) -> list[str]:
    """Render and queue each message (``domain.deliveries.email_row``); return the ids of the new
    deliveries."""
    settings = settings or current()
    overrides: dict[str, Callable[[str], Override | None]] = {}
    queued = []
    for message in outgoing:
        address = message.recipient.email.strip().lower()
        if log.exists(conn, event_id, address, "email"):
            continue  # this event already produced it (the same person twice in one event, or a replay)
        if message.kind not in overrides:
            overrides[message.kind] = overrides_of(conn, tenant, message.kind).get
        row = email_row(message, delivery_id=str(uuid.uuid4()), tenant=tenant, event_id=event_id,
                        event_type=event_type, cohort=cohort, cohort_id=cohort_id,
                        pref=preference(conn, tenant, email_hash(address)), override=overrides[message.kind],
                        settings=settings, now=now)
        log.add(conn, row)
        queued.append(row["id"])
    return queued


def queue_webhooks(conn: Connection, event: Event, now: datetime) -> list[str]:
    """The event, once per active endpoint of its tenant that wants its type."""
    queued = []
    for endpoint in tenant_setup.active_endpoints(conn, event.tenant):
        if not wants(endpoint, event.type) or log.exists(conn, event.id, endpoint["id"], "webhook"):
            continue
        row = webhook_row(event, endpoint["id"], delivery_id=str(uuid.uuid4()), now=now)
        log.add(conn, row)
        queued.append(row["id"])
    return queued
