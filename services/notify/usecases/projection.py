"""What notify records of other services' news, from their events: cohorts, the people applying,
and who is paired with whom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain.projection import cohort_row, recipient_row
from ..store import people


def record_cohort(conn: Connection, tenant: str, snapshot: dict, now: datetime) -> None:
    people.upsert(conn, store.cohorts, tenant, snapshot["cohort_id"], cohort_row(snapshot, now))


def record_application(conn: Connection, tenant: str, data: dict, now: datetime) -> None:
    """An applicant as intake last described them (name, address and language may change)."""
    people.upsert(conn, store.recipients, tenant, data["application_id"], recipient_row(data, now))


def record_pair(conn: Connection, tenant: str, application_ids: list[str], pair_id: str | None, now: datetime) -> None:
    people.set_pair(conn, tenant, application_ids, pair_id, now)
