"""Matching's tables: its own projection of cohorts and applications (never intake's database),
its runs with their proposals and unmatched mentees, the coordinator's pins and forbids, and
the confirmed pairs."""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables, one, rows, update  # noqa: F401  (the tenant-scoped queries)

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("programme", sa.JSON, nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="submitted"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("arrival", sa.Integer, nullable=True),
    sa.Column("languages", sa.JSON, nullable=True),
    sa.Column("mentoring_languages", sa.JSON, nullable=True),
    sa.Column("profession", sa.JSON, nullable=True),
    sa.Column("wished_profession", sa.JSON, nullable=True),
    sa.Column("education_field", sa.String(200), nullable=True),
    sa.Column("sector", sa.String(16), nullable=True),
    sa.Column("city", sa.String(120), nullable=True),
    sa.Column("remote_ok", sa.Boolean, nullable=True),
    sa.Column("experience_years", sa.Integer, nullable=True),
    sa.Column("employer", sa.String(200), nullable=True),
    sa.Column("excluded_employers", sa.JSON, nullable=True),
    sa.Column("capacity", sa.Integer, nullable=True),
    sa.Column("interests", sa.Text, nullable=True),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),  # queued, running, succeeded, failed
    sa.Column("trigger", sa.String(16), nullable=False),  # coordinator, cohort_closed
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("parameters", sa.JSON, nullable=False),
    sa.Column("requested_by", sa.String(320), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("timings", sa.JSON, nullable=True),
    sa.Column("objective", sa.Float, nullable=True),
    sa.Column("mentees", sa.Integer, nullable=True),
    sa.Column("mentors", sa.Integer, nullable=True),
    sa.Column("matched", sa.Integer, nullable=True),
    sa.Column("unmatched", sa.Integer, nullable=True),
    # Why a failed run failed, in words a coordinator can act on (the log has the details).
    sa.Column("failure_code", sa.String(40), nullable=True),
    sa.Column("failure_reason", sa.Text, nullable=True),
    # The worker executing the run holds it until ``lease_until`` and keeps pushing that forward;
    # a run whose lease ran out is taken up again, ``attempts`` times at most.
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("lease_until", UtcDateTime(), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # One queued or running run per cohort: two runs of a cohort never execute at once.
    sa.Index("uq_runs_active_cohort", "tenant", "cohort_id", unique=True,
             postgresql_where=sa.text("status IN ('queued', 'running')"),
             sqlite_where=sa.text("status IN ('queued', 'running')")),
)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False),
    sa.Column("mentee_id", sa.String(36), nullable=False),
    sa.Column("mentor_id", sa.String(36), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("breakdown", sa.JSON, nullable=False),
    sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(16), nullable=False),  # proposed, approved, rejected
    sa.Column("decided_by", sa.String(320), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
)

unmatched = sa.Table(
    "unmatched",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), nullable=False, index=True),
    sa.Column("mentee_id", sa.String(36), nullable=False),
    sa.Column("reason_code", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("notified_at", UtcDateTime(), nullable=True),
)

overrides = sa.Table(
    "overrides",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(8), nullable=False),  # pin, forbid
    sa.Column("mentee_id", sa.String(36), nullable=False),
    sa.Column("mentor_id", sa.String(36), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("tenant", "cohort_id", "kind", "mentee_id", "mentor_id", name="uq_override"),
)

pairs = sa.Table(
    "pairs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("mentee_id", sa.String(36), nullable=False),
    sa.Column("mentor_id", sa.String(36), nullable=False),
    sa.Column("run_id", sa.String(36), nullable=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("breakdown", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # confirmed, ended
    sa.Column("confirmed_by", sa.String(320), nullable=False),
    sa.Column("confirmed_at", UtcDateTime(), nullable=False),
    sa.Column("ended_by", sa.String(320), nullable=True),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("end_reason", sa.Text, nullable=True),
)


def publish(conn, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)
