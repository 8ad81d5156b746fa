"""Scheduling's tables and tenant-scoped queries: its projections of cohorts, participants and
pairs (from events), and what it owns — agreements, meeting plans, cohort events with their
attendance, the work due at a time (reminders, nudges, surveys, phase changes) and calendar feeds."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import audit, outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables, one, rows, update  # noqa: F401  (the tenant-scoped queries)
from services.shared.privacy import CONSENT, LEGITIMATE_INTEREST, terms

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)
audit_log = audit.add_audit_table(metadata)  # who read or changed a person's data (services/shared/audit.py)

# Whose personal data the columns hold, why, and for how long (docs/privacy.md is written from it).
ERASED_WITH_THEM = "until either of the pair is erased (intake's erasure request reaches scheduling)"
KEPT_AFTER_ERASURE = "with the pair; an erasure leaves it, and the ids lead to no name after it"
PARTICIPANT = terms(who="participants", basis=CONSENT, retention=ERASED_WITH_THEM)
PAIR = terms(who="pairs (mentee and mentor)", basis=CONSENT, retention=ERASED_WITH_THEM)
PAIR_RECORD = terms(who="pairs (mentee and mentor)", basis=CONSENT, retention=KEPT_AFTER_ERASURE)
SIGNED_BY = terms(who="staff, or one of the pair", basis=LEGITIMATE_INTEREST,
                  retention="with the row it signs; an erasure does not remove it")
OUTBOX.c.body.info.update(terms(
    who="everyone the events concern", basis=LEGITIMATE_INTEREST,
    retention="kept after publishing; an erasure deletes the published events about the person and takes "
              "their name and address out of those still waiting")(
    "the events for notify (names, addresses, personal links, meeting places)"))

# --- projections (intake's and matching's events) ----------------------------------------------

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    # what scheduling needs of the programme: name, locale, languages, cadence, meeting plan,
    # reminder days, contact details to share (the snapshot's ProgrammeSettings, as JSON)
    sa.Column("programme", sa.JSON, nullable=False, server_default="{}", info=terms(who="staff (contact persons)", basis=LEGITIMATE_INTEREST, retention="until intake's next snapshot of the cohort")("the programme's settings, with its contact persons")),
    sa.Column("updated_at", UtcDateTime(), nullable=True),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True, info=PARTICIPANT("the pseudonym every service knows the person by", retention=KEPT_AFTER_ERASURE)),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False, info=PARTICIPANT("to show the person to their pair and coordinator, and in the events for notify")),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
    sa.Column("email", sa.String(320), nullable=True, info=PARTICIPANT("for the events for notify, and to share with the pair if the programme says so")),
    sa.Column("phone", sa.String(40), nullable=True, info=PARTICIPANT("to share with the pair if the programme says so")),
    sa.Column("status", sa.String(16), nullable=False, server_default="submitted"),
    sa.Column("erased", sa.Boolean, nullable=False, server_default=sa.false()),
)

pairs = sa.Table(
    "pairs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # matching's pair id
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("mentee_id", sa.String(36), nullable=False, index=True, info=PAIR_RECORD("the pair's mentee")),
    sa.Column("mentor_id", sa.String(36), nullable=False, index=True, info=PAIR_RECORD("the pair's mentor")),
    sa.Column("shared_languages", sa.JSON, nullable=False, info=PAIR_RECORD("the languages the pair share: for their agreement")),
    sa.Column("share_contact_details", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active, ended
    sa.Column("phase", sa.String(16), nullable=True),  # start, working, closing, finished
    sa.Column("confirmed_at", UtcDateTime(), nullable=True),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("ended_by", sa.String(320), nullable=True, info=SIGNED_BY("who ended the pair early")),
    sa.Column("end_reason", sa.Text, nullable=True, info=PAIR("why the pair ended, in the words of whoever ended it")),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# --- what scheduling owns ------------------------------------------------------------------------

agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("pair_id", sa.String(36), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # draft, signed, superseded
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("support_languages", sa.JSON, nullable=False, info=PAIR_RECORD("the languages the pair agreed to help each other in")),
    sa.Column("goals", sa.JSON, nullable=False, info=PAIR("the pair's goals, in their words: their agreement")),
    sa.Column("meeting_every_months", sa.Integer, nullable=False),
    sa.Column("meeting_minutes", sa.Integer, nullable=False),
    sa.Column("planned_dates", sa.JSON, nullable=False, info=PAIR_RECORD("the dates the pair planned to meet")),
    sa.Column("keep_in_touch", sa.Text, nullable=False, info=PAIR("how the pair keep in touch, in their words")),
    sa.Column("expectations", sa.JSON, nullable=False, info=PAIR("what each of the pair expects, in their words")),
    sa.Column("mentee_signed_at", UtcDateTime(), nullable=True),
    sa.Column("mentor_signed_at", UtcDateTime(), nullable=True),
    sa.Column("signed_at", UtcDateTime(), nullable=True),
    sa.Column("created_by", sa.String(320), nullable=False, info=SIGNED_BY("who wrote this version (scheduling, a coordinator or one of the pair)")),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("pair_id", "version", name="uq_agreement_version"),
)

meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("pair_id", sa.String(36), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("topic", sa.JSON, nullable=False),
    sa.Column("checklist", sa.JSON, nullable=False),
    sa.Column("window_start", sa.Date, nullable=False),
    sa.Column("window_end", sa.Date, nullable=False),
    # planned (no date yet), proposed, scheduled, held, missed, cancelled
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=True),
    sa.Column("ends_at", UtcDateTime(), nullable=True),
    sa.Column("place", sa.String(400), nullable=False, server_default="", info=PAIR("where the pair meet: for their calendar and reminders")),
    sa.Column("mode", sa.String(16), nullable=False, server_default="in_person"),
    sa.Column("proposal", sa.JSON, nullable=True, info=PAIR("a time and place one of the pair proposed")),
    sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
    sa.Column("notes", sa.JSON, nullable=True, info=PAIR("the meeting's checklist as the pair filled it in, with their notes")),  # the checklist as the pair filled it in
    sa.Column("logged_by", sa.String(16), nullable=True),  # mentee, mentor or coordinator
    sa.Column("logged_at", UtcDateTime(), nullable=True),
    sa.Column("cancel_reason", sa.Text, nullable=True, info=PAIR("why the meeting was cancelled, in their words")),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("pair_id", "number", name="uq_meeting_number"),
)

cohort_events = sa.Table(
    "cohort_events",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # scheduling's own, stable: the calendar UID
    sa.Column("source_id", sa.String(36), nullable=False, index=True),  # intake's group event id (may change)
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.JSON, nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("venue", sa.String(400), nullable=False),
    sa.Column("mandatory", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # scheduled, cancelled
    sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_event_id", sa.String(36), primary_key=True),
    sa.Column("application_id", sa.String(36), primary_key=True, info=PARTICIPANT("whose attendance this is", retention=KEPT_AFTER_ERASURE)),
    sa.Column("status", sa.String(16), nullable=False),  # present, absent, excused
    sa.Column("note", sa.String(400), nullable=False, server_default="", info=PARTICIPANT("the coordinator's note on their attendance", retention="until they are erased")),
    sa.Column("recorded_by", sa.String(320), nullable=False, info=SIGNED_BY("the coordinator who recorded it")),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)

# Work due at a moment: the worker claims pending rows whose time has come, does them and marks
# them done in one transaction with the events they write, so nothing is lost or repeated.
due_work = sa.Table(
    "due_work",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("tenant", sa.String(64), nullable=False),
    # meeting_reminder, event_reminder, nudge, survey, phase
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("subject_id", sa.String(36), nullable=False, info=PARTICIPANT("what the work is about: a meeting, cohort event or pair, or for a survey the person", retention="kept after the work is done; an erasure cancels what is still due")),  # meeting, cohort event, person or pair
    sa.Column("key", sa.String(64), nullable=False),  # e.g. "3d@2": 3 days before, SEQUENCE 2
    sa.Column("due_at", UtcDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending, done, cancelled, failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("outcome", sa.String(16), nullable=True),  # sent, skipped
    sa.Column("done_at", UtcDateTime(), nullable=True),
    sa.Column("done_by", sa.String(120), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("kind", "subject_id", "key", name="uq_due_work"),
    sa.Index("ix_due_work_pending", "due_at",
             postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'")),
)

calendar_feeds = sa.Table(
    "calendar_feeds",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("owner_kind", sa.String(8), nullable=False),  # person, cohort
    sa.Column("owner_id", sa.String(36), nullable=False, info=PARTICIPANT("the person (or cohort) whose calendar this is", retention="revoked on an erasure, not deleted")),
    # only the hash of the secret is kept: a copy of the database does not open anyone's calendar
    sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_by", sa.String(320), nullable=False, info=SIGNED_BY("who made the calendar link")),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Index("ix_calendar_feeds_owner", "tenant", "owner_kind", "owner_id"),
)


def publish(conn: Connection, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)
