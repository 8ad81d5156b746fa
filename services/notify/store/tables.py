"""Notify's tables: the delivery log, what notify knows of cohorts and people (only what sending
needs), their preferences, tenants' template overrides, webhooks and announcements.

Every row carries its tenant and every query names it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.shared import audit, outbox
from services.shared.contract import Event
from services.shared.db import UtcDateTime, add_messaging_tables
from services.shared.privacy import CONSENT, LEGITIMATE_INTEREST, terms

metadata = sa.MetaData()
OUTBOX, INBOX = add_messaging_tables(metadata)

# Whose personal data the columns hold, why, and for how long (docs/privacy.md is written from it).
LOG_KEPT = ("the delivery log keeps its rows, nothing prunes them yet; an erasure removes the address, the subject, "
            "what the message said and an error quoting the address")
UNTIL_SENT = "until the message is delivered (kept after a failure); an erasure removes it"
PERSON = terms(who="applicants and participants", basis=CONSENT,
               retention="until the person is erased (intake's erasure request reaches notify)")
MESSAGE = terms(who="the people messages go to or speak of", basis=LEGITIMATE_INTEREST, retention=UNTIL_SENT)
LOGGED = terms(who="the people messages go to", basis=LEGITIMATE_INTEREST, retention=LOG_KEPT)
SIGNED_BY = terms(who="staff (coordinators)", basis=LEGITIMATE_INTEREST,
                  retention="with the row it signs; an erasure does not remove it")
OUTBOX.c.body.info.update(terms(
    who="the people messages go to", basis=LEGITIMATE_INTEREST,
    retention="kept after publishing; an erasure deletes the published events about the person and takes "
              "their address out of those still waiting")(
    "what happened to each message: only ids, never the address or the text"))

# One row per (event, recipient, channel): the unique constraint is what makes a redelivered
# event send nothing twice. What the message says (bodies, headers, the webhook payload) is kept
# only until it is delivered.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(120), nullable=False),
    sa.Column("message", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False, info=LOGGED("the address a message went to (or a webhook endpoint's id)")),  # an e-mail address, or a webhook endpoint's id
    sa.Column("recipient_hash", sa.String(64), nullable=True, index=True, info=LOGGED("the hash of the address: to find the person's messages on an erasure")),  # sha256 of the address (erasure)
    sa.Column("person_id", sa.String(36), nullable=True, info=LOGGED("the application or nomination the message is about")),  # the application or nomination it is about
    sa.Column("cohort_id", sa.String(36), nullable=True),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("essential", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("subject", sa.String(400), nullable=False, info=LOGGED("the message's subject, which may name the person or their pair")),
    sa.Column("body_text", sa.Text, nullable=True, info=MESSAGE("what the message says: names, links, meeting places")),
    sa.Column("body_html", sa.Text, nullable=True, info=MESSAGE("what the message says, as HTML")),
    sa.Column("calendar", sa.Text, nullable=True, info=MESSAGE("a calendar invitation: the pair's names and meeting place")),  # an iCalendar invitation to attach
    sa.Column("payload", sa.Text, nullable=True, info=MESSAGE("the event a tenant's webhook receives, with the people in it")),  # a webhook's body: the event
    sa.Column("headers", sa.JSON, nullable=True, info=MESSAGE("reply-to address and personal unsubscribe link")),  # sender_name, reply_to, unsubscribe_url, calendar_method
    sa.Column("status", sa.String(16), nullable=False),  # pending, sent, failed, suppressed, cancelled
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=True),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("claimed_until", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("event_id", "recipient", "channel", name="uq_delivery_once"),
    sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_deliveries_channel_due", "channel", "status", "tenant", "next_attempt_at"),
    sa.Index("ix_deliveries_tenant_created", "tenant", "created_at"),
    sa.Index("ix_deliveries_person", "tenant", "person_id"),
    sa.Index("ix_deliveries_claimed_by", "claimed_by"),  # whose claims are out: few rows, looked at every round
)

# What notify knows of the people in a cohort, from intake's application events and matching's
# pair events: enough to write to them (announcements) and to find them again (erasure).
recipients = sa.Table(
    "recipients",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True, info=PERSON("the pseudonym every service knows the person by")),  # the application id
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("cohort_id", sa.String(36), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("name", sa.String(200), nullable=False, info=PERSON("to address announcements to the person")),
    sa.Column("email", sa.String(320), nullable=False, info=PERSON("to send announcements to the person")),
    sa.Column("email_sha256", sa.String(64), nullable=False, info=PERSON("the hash of the address: to find the person on an erasure")),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False, info=PERSON("to show times in the person's time zone")),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("pair_id", sa.String(36), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_recipients_cohort", "tenant", "cohort_id"),
    sa.Index("ix_recipients_email", "tenant", "email_sha256"),
)

# The cohort and its programme's settings, from the cohort.* snapshots: which messages the
# programme sends, its language (the fallback), its contact persons, its dates.
cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.Column("programme_id", sa.String(36), nullable=True),
    sa.Column("programme_name", sa.JSON, nullable=False),
    sa.Column("programme_locale", sa.String(2), nullable=False),
    sa.Column("messages", sa.JSON, nullable=False),
    sa.Column("contacts", sa.JSON, nullable=False, info=terms(who="staff (contact persons)", basis=LEGITIMATE_INTEREST, retention="until intake's next snapshot of the cohort")("the programme's contact persons, named in messages")),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# A person's choices, found by the hash of their address: which non-essential kinds of message
# they do not want ("*" = none of them) and, if they asked, the time zone to show times in.
preferences = sa.Table(
    "preferences",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("email_sha256", sa.String(64), primary_key=True, info=PERSON("the hash of the address the preferences are for")),
    sa.Column("opted_out", sa.JSON, nullable=False, info=PERSON("the messages the person does not want")),
    sa.Column("time_zone", sa.String(64), nullable=True, info=PERSON("the time zone the person asked for")),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False, info=PERSON("who changed the preferences (the person, or a coordinator)")),
)

template_overrides = sa.Table(
    "template_overrides",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("message", sa.String(64), nullable=False),
    sa.Column("locale", sa.String(2), nullable=False),
    sa.Column("subject", sa.Text, nullable=True),  # None: the default's part stays
    sa.Column("text", sa.Text, nullable=True),
    sa.Column("html", sa.Text, nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False, info=SIGNED_BY("who changed the template")),
    sa.UniqueConstraint("tenant", "message", "locale", name="uq_template_override"),
)

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False, index=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),  # [] = every event notify hears of
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("description", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False, info=SIGNED_BY("who added the endpoint")),
)

# One signing secret per tenant; after a rotation the previous one signs too for a while, so the
# tenant's receiver can switch without losing a message.
webhook_secrets = sa.Table(
    "webhook_secrets",
    metadata,
    sa.Column("tenant", sa.String(64), primary_key=True),
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("previous_secret", sa.String(128), nullable=True),
    sa.Column("previous_valid_until", UtcDateTime(), nullable=True),
    sa.Column("rotated_at", UtcDateTime(), nullable=False),
)

announcements = sa.Table(
    "announcements",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("tenant", sa.String(64), nullable=False),
    sa.Column("cohort_id", sa.String(36), nullable=False),
    sa.Column("subject", sa.JSON, nullable=False),  # {locale: text}
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("audience", sa.JSON, nullable=False),  # roles, statuses, paired
    sa.Column("essential", sa.Boolean, nullable=False),
    sa.Column("recipients", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False, info=SIGNED_BY("who sent the announcement")),
    sa.Index("ix_announcements_cohort", "tenant", "cohort_id"),
)

# Who read or changed a person's data: staff and operators, appended to, never rewritten.
audit_log = audit.add_audit_table(metadata)


# --- who holds a claim: a dispatcher that is alive ---------------------------------------------

log = logging.getLogger(__name__)
_ALIVE_HERE: set[str] = set()  # SQLite (the embedded mode, one process): the dispatchers running in it


class ClaimOwner:
    """A dispatcher's hold on its claims, for as long as it runs.

    On PostgreSQL it is a session-level advisory lock keyed by the dispatcher's id, held on a
    connection of its own: when the process dies, PostgreSQL closes its connections and drops
    the lock, and the next claim of any other dispatcher takes the abandoned deliveries over
    (``abandoned``). On SQLite — the embedded mode, one process — it is the set of dispatchers
    running in this process: whatever another owner claimed was left by an earlier run.
    """

    def __init__(self, engine: Engine, owner: str):
        self.engine = engine
        self.owner = owner
        self._conn: Connection | None = None

    def hold(self) -> None:
        """Take the hold, or check it is still there (called before every claim); after a lost
        connection take it again — whatever another dispatcher took meanwhile is recorded by
        nobody else's ``settle`` but theirs."""
        if self.engine.dialect.name != "postgresql":
            _ALIVE_HERE.add(self.owner)
            return
        if self._conn is not None:
            try:
                self._conn.exec_driver_sql("SELECT 1")
                return
            except Exception as exc:
                log.warning("the dispatcher %s lost its hold on its claims (%s); taking it again", self.owner, exc)
                self.release()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = conn.execute(sa.select(sa.func.pg_try_advisory_lock(_lock_key(self.owner)))).scalar()
        except BaseException:
            conn.close()
            raise
        if not held:
            conn.close()
            raise RuntimeError(f"another dispatcher already runs as {self.owner}")
        self._conn = conn

    def release(self) -> None:
        _ALIVE_HERE.discard(self.owner)
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.invalidate()  # closed, not pooled: the lock goes with it
                conn.close()
            except Exception:
                pass


def _lock_key(owner) -> sa.ColumnElement:
    return sa.func.hashtextextended(owner, 0)


def abandoned(conn: Connection, owners: list[str]) -> list[str]:
    """Those of ``owners`` (dispatchers holding claims) that no longer run.

    On PostgreSQL the caller's transaction takes each dead owner's lock until it commits, so a
    second dispatcher looking at the same moment sees it as held and leaves its deliveries to
    this one; a dispatcher that starts again comes with a new id, never an old owner's."""
    if conn.dialect.name != "postgresql":
        return [o for o in owners if o not in _ALIVE_HERE]
    return [o for o in owners if conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(o)))).scalar()]


def publish(conn, event: Event) -> None:
    outbox.add(conn, OUTBOX, event)


def publish_many(conn, events: list[Event]) -> None:
    """Several events into the outbox in one statement: the rows ``outbox.add`` writes, as one
    executemany (the dispatcher records a whole batch of outcomes at once)."""
    if not events:
        return
    now = datetime.now(UTC)
    conn.execute(OUTBOX.insert(), [
        {"event_id": e.id, "type": e.type, "tenant": e.tenant, "aggregate": e.subject, "body": e.to_json(), "created_at": now}
        for e in events
    ])
