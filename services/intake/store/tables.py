"""Intake's tables: what each column holds, whose personal data it is, why and for how long."""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import audit
from services.shared.db import UtcDateTime, add_messaging_tables
from services.shared.privacy import CONSENT, LEGAL_OBLIGATION, LEGITIMATE_INTEREST, terms

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)
# who among staff and operators read or changed whose data (services/shared/audit.py)
audit_log = audit.add_audit_table(metadata)

# Whose personal data the columns hold, why, and for how long (docs/privacy.md is written from it).
UNTIL_ERASED = ("until the person is erased: on their request or a coordinator's, or by intake's worker when "
                "their retention period has run out. Each application records one (retention_months, default 24), "
                "counted from the end of its cohort, or from its withdrawal or rejection if earlier; the person "
                "(by e-mail address, within the tenant) is erased when every application of theirs there has run "
                "out, so a later application keeps the earlier ones until its own date. They may extend it from "
                "their personal page before that date; coordinators see who is erased in the next 30 days")
FOR_THE_FIGURES = "kept after an erasure, without the name and address, for the programme's figures"
APPLICANT = terms(who="applicants", basis=CONSENT, retention=UNTIL_ERASED)
NOMINEE = terms(who="nominated mentors", basis=LEGITIMATE_INTEREST,
                retention="until the person is erased on request; a nomination has no retention period of its own")
STAFF = terms(who="staff (coordinators, representatives)", basis=LEGITIMATE_INTEREST,
              retention="while the tenant exists: staff are deactivated, never deleted")
SIGNED_BY = terms(who="staff (coordinators, representatives)", basis=LEGITIMATE_INTEREST,
                  retention="with the row it signs; an erasure does not remove it")
OUTBOX.c.body.info.update(terms(
    who="everyone the events concern", basis=LEGITIMATE_INTEREST,
    retention="published events about a person are deleted on their erasure (waiting ones lose their name and "
              "address); other events are kept, nothing prunes them yet")("the events for the other services"))

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

programmes = sa.Table(
    "programmes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), sa.ForeignKey("tenants.slug"), nullable=False, index=True),
    sa.Column("names", sa.JSON, nullable=False),
    sa.Column("descriptions", sa.JSON, nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("required_mentor_languages", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("professions", sa.JSON, nullable=False),
    sa.Column("duration_months", sa.Integer, nullable=False),
    sa.Column("meeting_every_months", sa.Integer, nullable=False),
    sa.Column("meeting_minutes", sa.Integer, nullable=False),
    sa.Column("meeting_plan", sa.JSON, nullable=False),
    sa.Column("matching_weights", sa.JSON, nullable=False),
    sa.Column("matching_mode", sa.String(16), nullable=False),
    sa.Column("match_when_closed", sa.Boolean, nullable=False),
    sa.Column("reminder_days", sa.JSON, nullable=False),
    sa.Column("share_contact_details", sa.JSON, nullable=False),
    sa.Column("contacts", sa.JSON, nullable=False, info=STAFF("the programme's contact persons (name, e-mail, phone), shown to applicants and participants", retention="until a coordinator changes them")),
    sa.Column("member_organisations", sa.JSON, nullable=False),
    sa.Column("surveys", sa.JSON, nullable=False),
    sa.Column("min_report_group", sa.Integer, nullable=False),
    sa.Column("messages", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("notice", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("applications_open_at", UtcDateTime(), nullable=True),
    sa.Column("application_deadline", UtcDateTime(), nullable=True),
    sa.Column("nomination_deadline", UtcDateTime(), nullable=True),
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.Column("mentee_places", sa.Integer, nullable=False, server_default="20"),
    sa.Column("mentor_places", sa.Integer, nullable=True),
    sa.Column("admission", sa.String(16), nullable=False, server_default="selection"),
    sa.Column("arrivals", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=True),
)

group_events = sa.Table(
    "group_events",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.JSON, nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=False),
    sa.Column("venue", sa.String(400), nullable=False),
    sa.Column("mandatory", sa.Boolean, nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True, info=APPLICANT("the pseudonym every service knows the person by", retention=FOR_THE_FIGURES)),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id"), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False, info=APPLICANT("to address the person and show them to coordinators")),
    sa.Column("email", sa.String(320), nullable=False, info=APPLICANT("to reach the person and send their personal links")),
    sa.Column("phone", sa.String(40), nullable=True, info=APPLICANT("to reach the person; shared with their pair if the programme says so")),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("languages", sa.JSON, nullable=True, info=APPLICANT("the languages they speak and how well: for selection and matching")),
    sa.Column("mentoring_languages", sa.JSON, nullable=True, info=APPLICANT("the languages they can be mentored in: for matching", retention=FOR_THE_FIGURES)),
    sa.Column("profession", sa.JSON, nullable=True, info=APPLICANT("their profession: for selection and matching")),
    sa.Column("wished_profession", sa.JSON, nullable=True, info=APPLICANT("the profession a mentee aims for: for matching")),
    sa.Column("education_field", sa.String(200), nullable=True, info=APPLICANT("what they studied: for selection and matching")),
    sa.Column("education_level", sa.String(16), nullable=True, info=APPLICANT("their level of education: for selection", retention=FOR_THE_FIGURES)),
    sa.Column("education_country", sa.String(2), nullable=True, info=APPLICANT("the country they were educated in: for selection")),
    sa.Column("experience_years", sa.Integer, nullable=True, info=APPLICANT("years of work experience: for selection and matching", retention=FOR_THE_FIGURES)),
    sa.Column("sector", sa.String(16), nullable=True, info=APPLICANT("the sector they work or aim to work in: for matching", retention=FOR_THE_FIGURES)),
    sa.Column("employer", sa.String(200), nullable=True, info=APPLICANT("a mentor's employer: no mentee is paired within it")),
    sa.Column("excluded_employers", sa.JSON, nullable=True, info=APPLICANT("employers a mentee does not want a mentor from: for matching")),
    sa.Column("city", sa.String(120), nullable=True, info=APPLICANT("where they live: for matching by place")),
    sa.Column("remote_ok", sa.Boolean, nullable=True),
    sa.Column("capacity", sa.Integer, nullable=True),
    sa.Column("interests", sa.Text, nullable=True, info=APPLICANT("their own words on what they hope for: for selection and matching")),
    sa.Column("referral", sa.String(16), nullable=True, info=APPLICANT("how they heard of the programme: for the programme's figures", retention=FOR_THE_FIGURES)),
    sa.Column("referral_note", sa.String(400), nullable=True, info=APPLICANT("who referred them, in their words: for the coordinator")),
    sa.Column("consent_version", sa.String(40), nullable=True, info=APPLICANT("the consent text they agreed to: proof of consent (GDPR 7(1))", retention=FOR_THE_FIGURES)),
    sa.Column("consent_at", UtcDateTime(), nullable=True, info=APPLICANT("when they consented: proof of consent (GDPR 7(1))", retention=FOR_THE_FIGURES)),
    sa.Column("retention_months", sa.Integer, nullable=True),
    sa.Column("nomination_id", sa.String(36), nullable=True, info=APPLICANT("the nomination a mentor's application came from", retention=FOR_THE_FIGURES)),
    sa.Column("arrival", sa.Integer, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("tenant", "cohort_id", "role", "email", name="uq_application_email"),
    # "send me my links again" finds a person's applications by address, in every tenant
    sa.Index("ix_applications_email", "email"),
    # places and the waiting list are counted per cohort, role and status on every decision
    sa.Index("ix_applications_cohort_role_status", "tenant", "cohort_id", "role", "status"),
    # the applications taken in and not yet numbered: a handful, however large the cohort
    sa.Index("ix_applications_waiting", "cohort_id",
             postgresql_where=sa.text("arrival IS NULL"), sqlite_where=sa.text("arrival IS NULL")),
)

nominations = sa.Table(
    "nominations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True, info=NOMINEE("the pseudonym every service knows the nominee by")),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id"), nullable=False, index=True),
    sa.Column("organisation", sa.String(64), nullable=False, info=NOMINEE("the member organisation that nominated them (their employer)")),
    sa.Column("name", sa.String(200), nullable=False, info=NOMINEE("to address the nominee and show them to the coordinator")),
    sa.Column("email", sa.String(320), nullable=False, info=NOMINEE("to send the nominee their personal form link")),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, info=NOMINEE("the representative's words on the nominee, for the coordinator")),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("nominated_by", sa.String(320), nullable=False, info=SIGNED_BY("the representative who nominated them")),
    sa.Column("nominated_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("application_id", sa.String(36), nullable=True, info=NOMINEE("the application the nominee filled in")),
    sa.UniqueConstraint("tenant", "cohort_id", "email", name="uq_nomination_email"),
    sa.Index("ix_nominations_email", "email"),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("application_id", sa.String(36), nullable=False, info=APPLICANT("whose answers these are", retention=FOR_THE_FIGURES)),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False, info=APPLICANT("their survey answers: for the programme's reports", retention="free-text answers until the person is erased; the chosen answers are kept after it, for the figures")),
    sa.Column("answered_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("application_id", "kind", name="uq_one_response"),
)

erasures = sa.Table(
    "erasures",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("email_sha256", sa.String(64), nullable=False, info=terms(who="erased people", basis=LEGAL_OBLIGATION, retention="for good: the record that the erasure was done")("the hash of the erased address: proof of the erasure (GDPR 5(2))")),
    sa.Column("requested_by", sa.String(320), nullable=False, info=SIGNED_BY("who asked for the erasure", retention="for good, with the record of the erasure")),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("applications", sa.Integer, nullable=False),
    sa.Column("nominations", sa.Integer, nullable=False),
)

# when each tenant last sent an address its links again, so that asking twice sends one mail
link_requests = sa.Table(
    "link_requests",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("email_sha256", sa.String(64), primary_key=True, info=terms(who="people asking for their links", basis=LEGITIMATE_INTEREST, retention="one row per address and tenant, overwritten on each request; deleted when the person is erased")("the hash of the address: asking twice sends one mail")),
    sa.Column("sent_at", UtcDateTime(), nullable=False),
)


# the people who run a tenant's programmes and sign in to do it: coordinators and the member
# organisations' representatives; one row per address and tenant, deactivated rather than deleted
staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True, info=STAFF("the pseudonym a staff member's sign-ins are known by")),
    sa.Column("tenant", sa.String(64), sa.ForeignKey("tenants.slug"), nullable=False, index=True),
    sa.Column("email", sa.String(320), nullable=False, index=True, info=STAFF("to sign the staff member in and reach them")),  # lower-cased
    sa.Column("name", sa.String(200), nullable=False, info=STAFF("to address the staff member")),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("organisation", sa.String(64), nullable=True, info=STAFF("the member organisation a representative speaks for")),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("invited_by", sa.String(320), nullable=False, info=SIGNED_BY("who invited them")),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.UniqueConstraint("tenant", "email", name="uq_staff_tenant_email"),
)

# single-use sign-in codes: only a code's SHA-256 is kept, so the table opens no door by itself
sign_in_codes = sa.Table(
    "sign_in_codes",
    metadata,
    sa.Column("code_sha256", sa.String(64), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("staff_id", sa.String(36), sa.ForeignKey("staff.id"), nullable=False, index=True, info=STAFF("whose single-use sign-in code this is", retention="kept after use; deleted when the address is erased")),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)

