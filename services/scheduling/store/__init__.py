"""Scheduling's store: its tables (``tables``) and every query the service runs, one module per
thing kept — the people and pairs it knows of, agreements, attendance, the agenda's due work,
calendar feeds, and the events it writes to its outbox — each taking a connection and the tenant.
Use cases compose these with the domain's rules."""

from __future__ import annotations

from services.shared.db import one, rows, update  # noqa: F401  (the tenant-scoped queries)

from .agenda import cancel_work, claim_work, replace_work, work_done, work_failed  # noqa: F401
from .agreements import (  # noqa: F401
    add_agreement,
    agreed_minutes,
    agreement_version,
    agreement_versions,
    latest_agreement,
    signed_count,
    supersede_signed,
    version_in_force,
)
from .attendance import attendance_of_cohort, marks_of_event, record_mark  # noqa: F401
from .erasure import forget_people, scrub_outbox, texts_of_pairs  # noqa: F401
from .events import emit, pair_context  # noqa: F401
from .export import applications_of, rows_about  # noqa: F401
from .feeds import active_feed, add_feed, feed_by_hash, revoke_feeds  # noqa: F401
from .meetings import (  # noqa: F401
    add_cohort,
    add_cohort_event,
    add_meeting,
    cohorts_by_id,
    events_of_cohort,
    events_of_cohorts,
    meetings_of_cohort,
    meetings_of_pair,
)
from .pair_list import meeting_briefs, page_of_pairs, version_briefs  # noqa: F401
from .people import (  # noqa: F401
    active_pair_ids,
    add_pair,
    add_participant,
    attendees,
    emails_of,
    held_count,
    in_cohort,
    names_of,
    pairs_of_cohort,
    pairs_of_person,
    participants_of_cohort,
    people_by_ids,
)
from .tables import (  # noqa: F401
    INBOX,
    OUTBOX,
    agreements,
    attendance,
    audit_log,
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
