"""Scheduling's store: its tables (``tables``) and every query the service runs, one module per
thing kept — the people and pairs it knows of, attendance at cohort events — each taking a
connection and the tenant. Use cases compose these with the domain's rules; nothing else runs SQL."""

from __future__ import annotations

from services.shared.db import one, rows, update  # noqa: F401  (the tenant-scoped queries)

from .attendance import marks_of_event, record_mark  # noqa: F401
from .people import in_cohort, pairs_of_person, participants_of_cohort  # noqa: F401
from .tables import (  # noqa: F401
    INBOX,
    OUTBOX,
    agreements,
    attendance,
    calendar_feeds,
    cohort_events,
    cohorts,
    due_work,
    meetings,
    metadata,
    pairs,
    participants,
    publish,
)
