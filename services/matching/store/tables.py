"""Matching's tables: its own projection of cohorts and applications (never intake's database),
its runs with their proposals and unmatched mentees, the coordinator's pins and forbids, and
the confirmed pairs; the outbox every event leaves through, and the audit log of staff access."""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import audit, outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables
from services.shared.privacy import CONSENT, LEGITIMATE_INTEREST, terms

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)
audit_log = audit.add_audit_table(metadata)

# Whose personal data the columns hold, why, and for how long (docs/privacy.md is written from it).
ERASED_WITH_THEM = "until the person is erased (intake's erasure request reaches matching)"
KEPT_AFTER_ERASURE = "with the run or pair; an erasure leaves it, and the ids lead to no name after it"
APPLICANT = terms(who="applicants", basis=CONSENT, retention=ERASED_WITH_THEM)
PAIRING = terms(who="applicants", basis=CONSENT, retention=KEPT_AFTER_ERASURE)
WORDS_ABOUT_THEM = terms(who="applicants", basis=CONSENT,
                         retention="with the row, until a person it is about is erased: the words go, the row stays")
SIGNED_BY = terms(who="staff (coordinators)", basis=LEGITIMATE_INTEREST,
                  retention="with the row it signs; an erasure does not remove it")
OUTBOX.c.body.info.update(terms(
    who="everyone the events concern", basis=LEGITIMATE_INTEREST,
    retention="kept after publishing; an erasure deletes the published events about the person and "
              "replaces their name, address, phone and why their pair ended in those still waiting")(
    "the events for the other services (a confirmed pair's names, addresses and phones)"))

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
    sa.Column("programme", sa.JSON, nullable=False, info=terms(who="staff (contact persons)", basis=LEGITIMATE_INTEREST, retention="until intake's next snapshot of the cohort")("the programme's settings, with its contact persons")),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True, info=PAIRING("the pseudonym every service knows the person by")),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="submitted"),
    sa.Column("name", sa.String(200), nullable=False, info=APPLICANT("to show the person to the coordinator and in a pair's events")),
    sa.Column("email", sa.String(320), nullable=False, info=APPLICANT("for a confirmed pair's events (introductions)")),
    sa.Column("phone", sa.String(40), nullable=True, info=APPLICANT("for a confirmed pair's events, where the programme shares phones")),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("arrival", sa.Integer, nullable=True),
    sa.Column("languages", sa.JSON, nullable=True, info=APPLICANT("the languages they speak and how well: for matching", retention=KEPT_AFTER_ERASURE)),
    sa.Column("mentoring_languages", sa.JSON, nullable=True, info=APPLICANT("the languages they can be mentored in: for matching", retention=KEPT_AFTER_ERASURE)),
    sa.Column("profession", sa.JSON, nullable=True, info=APPLICANT("their profession: for matching", retention=KEPT_AFTER_ERASURE)),
    sa.Column("wished_profession", sa.JSON, nullable=True, info=APPLICANT("the profession a mentee aims for: for matching", retention=KEPT_AFTER_ERASURE)),
    sa.Column("education_field", sa.String(200), nullable=True, info=APPLICANT("what they studied: for matching")),
    sa.Column("sector", sa.String(16), nullable=True, info=APPLICANT("their sector: for matching", retention=KEPT_AFTER_ERASURE)),
    sa.Column("city", sa.String(120), nullable=True, info=APPLICANT("where they live: for matching by place")),
    sa.Column("remote_ok", sa.Boolean, nullable=True),
    sa.Column("experience_years", sa.Integer, nullable=True, info=APPLICANT("years of work experience: for matching", retention=KEPT_AFTER_ERASURE)),
    sa.Column("employer", sa.String(200), nullable=True, info=APPLICANT("a mentor's employer: no mentee is paired within it")),
    sa.Column("excluded_employers", sa.JSON, nullable=True, info=APPLICANT("employers a mentee does not want a mentor from")),
    sa.Column("capacity", sa.Integer, nullable=True),
    sa.Column("interests", sa.Text, nullable=True, info=APPLICANT("their own words on what they hope for: for the coordinator's choice")),
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
    sa.Column("requested_by", sa.String(320), nullable=False, info=SIGNED_BY("who asked for the run")),
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
    sa.Column("mentee_id", sa.String(36), nullable=False, info=PAIRING("the mentee proposed")),
    sa.Column("mentor_id", sa.String(36), nullable=False, info=PAIRING("the mentor proposed")),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("breakdown", sa.JSON, nullable=False, info=PAIRING("why they were proposed: the scores from their profiles, shown to the coordinator")),
    sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(16), nullable=False),  # proposed, approved, rejected
    sa.Column("decided_by", sa.String(320), nullable=True, info=SIGNED_BY("who approved or rejected the proposal")),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
)

unmatched = sa.Table(
    "unmatched",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), nullable=False, index=True),
    sa.Column("mentee_id", sa.String(36), nullable=False, info=PAIRING("the mentee left without a mentor")),
    sa.Column("reason_code", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, info=PAIRING("why, in words for the mentee and the coordinator")),
    sa.Column("details", sa.JSON, nullable=False, info=PAIRING("the facts of their profile behind the reason")),
    sa.Column("notified_at", UtcDateTime(), nullable=True),
)

overrides = sa.Table(
    "overrides",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(8), nullable=False),  # pin, forbid
    sa.Column("mentee_id", sa.String(36), nullable=False, info=PAIRING("the mentee a coordinator pinned to or kept from a mentor")),
    sa.Column("mentor_id", sa.String(36), nullable=False, info=PAIRING("the mentor a coordinator pinned to or kept from a mentee")),
    sa.Column("reason", sa.Text, nullable=False, info=WORDS_ABOUT_THEM("the coordinator's words on why; they may speak of the people")),
    sa.Column("created_by", sa.String(320), nullable=False, info=SIGNED_BY("who pinned or forbade the pair")),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("tenant", "cohort_id", "kind", "mentee_id", "mentor_id", name="uq_override"),
)

pairs = sa.Table(
    "pairs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("mentee_id", sa.String(36), nullable=False, info=PAIRING("the pair's mentee")),
    sa.Column("mentor_id", sa.String(36), nullable=False, info=PAIRING("the pair's mentor")),
    sa.Column("run_id", sa.String(36), nullable=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("breakdown", sa.JSON, nullable=False, info=PAIRING("why they were paired: the scores from their profiles")),
    sa.Column("status", sa.String(16), nullable=False),  # confirmed, ended
    sa.Column("confirmed_by", sa.String(320), nullable=False, info=SIGNED_BY("who confirmed the pair")),
    sa.Column("confirmed_at", UtcDateTime(), nullable=False),
    sa.Column("ended_by", sa.String(320), nullable=True, info=SIGNED_BY("who ended the pair early (a coordinator, or intake on a withdrawal)")),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("end_reason", sa.Text, nullable=True, info=WORDS_ABOUT_THEM("why the pair ended, in the words of whoever ended it")),
)


def publish(conn, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)
