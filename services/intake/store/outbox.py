"""Intake's events leave through its outbox, in the transaction that decided them."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import outbox
from services.shared.contract import Event

from .tables import OUTBOX


def publish(conn: Connection, *events: Event) -> None:
    outbox.add(conn, OUTBOX, *events)
