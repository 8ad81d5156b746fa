"""Writing scheduling's events to its outbox, and loading a pair with what its events name."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared.contract import new_event
from services.shared.db import one

from ..domain.messages import PairContext
from .tables import cohorts, participants, publish


def emit(conn: Connection, type_: str, tenant: str, subject: str, data: dict) -> None:
    """Write the event to the outbox in the caller's transaction (validated against the contract)."""
    publish(conn, new_event(type_, source="scheduling", tenant=tenant, subject=subject, data=data))


def pair_context(conn: Connection, pair) -> PairContext:
    """The pair with its cohort and both people."""
    tenant = pair["tenant"]
    return PairContext(
        pair=dict(pair),
        cohort=dict(one(conn, cohorts, tenant, pair["cohort_id"])),
        mentee=dict(one(conn, participants, tenant, pair["mentee_id"])),
        mentor=dict(one(conn, participants, tenant, pair["mentor_id"])),
    )
