"""A cohort's snapshot from intake, taken over: the cohort kept, its group events synced, and its
pairs' plans following its calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from ..domain.projection import replan_needed
from . import pairs, projection


def cohort_changed(conn: Connection, tenant: str, data: dict, now: datetime) -> None:
    """Keep the cohort, take its group events over, and let its pairs' plans follow its calendar."""
    before, cohort = projection.record_cohort(conn, tenant, data, now)
    projection.sync_cohort_events(conn, cohort, data["group_events"], now)
    if replan_needed(before, cohort):
        pairs.replan_cohort(conn, cohort, now)
