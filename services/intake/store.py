"""Intake's tables and queries; every query names its tenant."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables, one, rows, update  # noqa: F401  (the tenant-scoped queries)

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

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
    sa.Column("contacts", sa.JSON, nullable=False),
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
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id"), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("languages", sa.JSON, nullable=True),
    sa.Column("mentoring_languages", sa.JSON, nullable=True),
    sa.Column("profession", sa.JSON, nullable=True),
    sa.Column("wished_profession", sa.JSON, nullable=True),
    sa.Column("education_field", sa.String(200), nullable=True),
    sa.Column("education_level", sa.String(16), nullable=True),
    sa.Column("education_country", sa.String(2), nullable=True),
    sa.Column("experience_years", sa.Integer, nullable=True),
    sa.Column("sector", sa.String(16), nullable=True),
    sa.Column("employer", sa.String(200), nullable=True),
    sa.Column("excluded_employers", sa.JSON, nullable=True),
    sa.Column("city", sa.String(120), nullable=True),
    sa.Column("remote_ok", sa.Boolean, nullable=True),
    sa.Column("capacity", sa.Integer, nullable=True),
    sa.Column("interests", sa.Text, nullable=True),
    sa.Column("referral", sa.String(16), nullable=True),
    sa.Column("referral_note", sa.String(400), nullable=True),
    sa.Column("consent_version", sa.String(40), nullable=True),
    sa.Column("consent_at", UtcDateTime(), nullable=True),
    sa.Column("retention_months", sa.Integer, nullable=True),
    sa.Column("nomination_id", sa.String(36), nullable=True),
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
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id"), nullable=False, index=True),
    sa.Column("organisation", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("nominated_by", sa.String(320), nullable=False),
    sa.Column("nominated_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("application_id", sa.String(36), nullable=True),
    sa.UniqueConstraint("tenant", "cohort_id", "email", name="uq_nomination_email"),
    sa.Index("ix_nominations_email", "email"),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("cohort_id", sa.String(36), nullable=False, index=True),
    sa.Column("application_id", sa.String(36), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("answered_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("application_id", "kind", name="uq_one_response"),
)

erasures = sa.Table(
    "erasures",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("email_sha256", sa.String(64), nullable=False),
    sa.Column("requested_by", sa.String(320), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("applications", sa.Integer, nullable=False),
    sa.Column("nominations", sa.Integer, nullable=False),
)

# when each tenant last sent an address its links again, so that asking twice sends one mail
link_requests = sa.Table(
    "link_requests",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("email_sha256", sa.String(64), primary_key=True),
    sa.Column("sent_at", UtcDateTime(), nullable=False),
)


# the people who run a tenant's programmes and sign in to do it: coordinators and the member
# organisations' representatives; one row per address and tenant, deactivated rather than deleted
staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), sa.ForeignKey("tenants.slug"), nullable=False, index=True),
    sa.Column("email", sa.String(320), nullable=False, index=True),  # lower-cased
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("organisation", sa.String(64), nullable=True),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("invited_by", sa.String(320), nullable=False),
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
    sa.Column("staff_id", sa.String(36), sa.ForeignKey("staff.id"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)


def applications_page(conn: Connection, tenant: str, cohort_id: str, *, role: str | None = None,
                      status: str | None = None, profession: str | None = None, q: str | None = None,
                      limit: int = 50, offset: int = 0) -> tuple[int, list]:
    """How many of a cohort's applications match, and one page of them in arrival order (those
    not yet numbered last). ``profession`` is an ISCO-08 code, the mentor's profession or the
    mentee's wished one; ``q`` is part of the name or e-mail address, in any case."""
    t = applications
    where = [t.c.tenant == tenant, t.c.cohort_id == cohort_id]
    if role:
        where.append(t.c.role == role)
    if status:
        where.append(t.c.status == status)
    if profession:
        where.append(sa.or_(t.c.profession["code"].as_string() == profession,
                            t.c.wished_profession["code"].as_string() == profession))
    if q and q.strip():
        # the typed text is matched as it is: LIKE's own wildcards in it are escaped
        typed = "%" + q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(sa.or_(sa.func.lower(t.c.name).like(typed, escape="\\"),
                            sa.func.lower(t.c.email).like(typed, escape="\\")))
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar_one()
    page = conn.execute(sa.select(t).where(*where).order_by(t.c.arrival.is_(None), t.c.arrival, t.c.submitted_at, t.c.id)
                        .limit(limit).offset(offset)).mappings().all()
    return total, page


def publish(conn: Connection, *events: Event) -> None:
    outbox.add(conn, OUTBOX, *events)
