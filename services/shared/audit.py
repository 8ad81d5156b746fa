"""Every access on record: who read or changed a person's data, in an append-only log per service.

A row says who (the token's subject and role), when, in which tenant, what was done (``read`` or
``change``), to what (an object's type and id) and whose data it was. The person is named by the
hash erasure uses (SHA-256 of the lower-cased e-mail address), never by name or address, so a
row says nothing more of them after they are erased than before: the log survives erasure in
pseudonymised form, and a coordinator finds a person's rows by typing their address.

Staff and operator requests are logged; a person's own reads through their personal link are
not (``participant`` tokens), nor are the services' own event handlers. A view notes what it
showed or changed with ``note`` (or ``note_many`` for a list); the rows are written after the
answer is ready, and only for an answer below 400. A use case that changes a person's data
inside its own transaction may call ``record`` on that connection instead, so the change and its
row commit together.

Rows are kept ``TANDEM_AUDIT_RETENTION_DAYS`` (730 unless set; ``Settings.audit_retention_days``)
and pruned by each worker's hourly ``audit-retention`` timer. On PostgreSQL a trigger refuses UPDATE on the table: nothing rewrites
history (``APPEND_ONLY`` below, created by each service's migration through ``create_table``).

Each service reads its log through ``blueprint(service)``: ``GET /<service>/audit`` — a
coordinator sees their own tenant's, an operator everyone's (``?tenant=`` narrows it) — filtered
by ``?email=`` (the person's address) or ``?person_sha256=``.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.engine import Engine

from . import clock
from .db import UtcDateTime
from .errors import NotFound
from .privacy import LEGAL_OBLIGATION, personal

log = logging.getLogger(__name__)

READ, CHANGE = "read", "change"
ACTIONS = (READ, CHANGE)
LOGGED_ROLES = ("coordinator", "representative", "operator")  # staff and operator, not a person's own link
PRUNE_INTERVAL = 3600.0  # each worker's audit-retention timer: the period is years, an hour late is on time

_STAFF = dict(who="staff and operators", basis=LEGAL_OBLIGATION,
              retention="the audit period (TANDEM_AUDIT_RETENTION_DAYS, 2 years unless set)")


def person_hash(email: str | None) -> str | None:
    """The same hash erasure uses: what names a person in the log."""
    if not email:
        return None
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def add_audit_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "audit_log",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False,
                  info=personal("to show who read or changed a person's data (GDPR Art. 5(2), 32)", **_STAFF)),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("person_sha256", sa.String(64), nullable=True,
                  info=personal("to name, pseudonymously, whose data was read or changed", who="the people concerned",
                                basis=LEGAL_OBLIGATION, retention=_STAFF["retention"])),
        sa.Column("route", sa.String(200), nullable=True),
        sa.Index("ix_audit_log_tenant_person", "tenant", "person_sha256", "at"),
        sa.Index("ix_audit_log_at", "at"),
    )


# Created by each service's migration on PostgreSQL: the log is appended to, never rewritten.
APPEND_ONLY = (
    """
    CREATE OR REPLACE FUNCTION tandem_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION tandem_audit_append_only()
    """,
)


def create_table(op) -> None:
    """The audit log as every service's migration first made it (intake 0008, matching 0004,
    notify 0004, scheduling 0003), the same on SQLite and PostgreSQL, append-only on PostgreSQL.

    Written out here as of that revision, not from ``add_audit_table``: a later change to the
    table is a migration of its own, and these revisions go on making what they made."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("person_sha256", sa.String(length=64), nullable=True),
        sa.Column("route", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_tenant_person", "audit_log", ["tenant", "person_sha256", "at"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY:
            op.execute(statement)


def drop_table(op) -> None:
    """Undo ``create_table``: the trigger (PostgreSQL), the indexes and the table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_audit_log_tenant_person", table_name="audit_log")
    op.drop_table("audit_log")


def _row(tenant: str, actor: str, role: str, action: str, object_type: str, object_id, email=None,
         person_sha256=None, route=None) -> dict:
    if action not in ACTIONS:
        raise ValueError(f"an audit action is one of {', '.join(ACTIONS)}, not {action!r}")
    return {
        "id": str(uuid.uuid4()), "at": clock.now(), "tenant": tenant, "actor": actor[:320], "role": role,
        "action": action, "object_type": object_type, "object_id": None if object_id is None else str(object_id)[:64],
        "person_sha256": person_sha256 or person_hash(email), "route": (route or "")[:200] or None,
    }


def _principal():
    principal = g.get("principal")
    if principal is None or principal.role not in LOGGED_ROLES:
        return None
    return principal


def note(action: str, object_type: str, object_id=None, *, email: str | None = None,
         person_sha256: str | None = None, tenant: str | None = None) -> None:
    """Note, in a request, that its staff or operator caller read or changed one person's data;
    written after the answer (if it is below 400). Nothing for anyone else. ``tenant`` is the
    person's, for an operator's act (an operator's own tenant is ``*``)."""
    note_many(action, object_type, [(object_id, email, person_sha256)], tenant=tenant)


def note_many(action: str, object_type: str, items, *, tenant: str | None = None) -> None:
    """``items``: (object_id, email, person_sha256) for each person whose data was shown."""
    principal = _principal()
    if principal is None:
        return
    route = request.url_rule.rule if request.url_rule else request.path
    tenant = tenant or principal.tenant
    pending = g.setdefault("tandem_audit", [])
    for object_id, email, digest in items:
        pending.append(_row(tenant, principal.sub, principal.role, action, object_type, object_id, email, digest, route))


def record(conn, table: sa.Table, action: str, object_type: str, object_id=None, *, tenant: str | None = None,
           email: str | None = None, person_sha256: str | None = None) -> None:
    """Write the row now, on ``conn`` (inside the caller's transaction), when the request's
    caller is staff or an operator. ``tenant`` is the object's, for an operator's act."""
    principal = _principal()
    if principal is None:
        return
    route = request.url_rule.rule if request.url_rule else request.path
    conn.execute(table.insert().values(**_row(tenant or principal.tenant, principal.sub, principal.role, action,
                                              object_type, object_id, email, person_sha256, route)))


def install(app, engine: Engine, table: sa.Table) -> None:
    """Write what a request noted once its answer is ready."""

    @app.after_request
    def _write_audit(response):
        pending = g.pop("tandem_audit", None)
        if pending and response.status_code < 400:
            with engine.begin() as conn:
                conn.execute(table.insert(), pending)
        return response


def prune(engine: Engine, table: sa.Table, days: int) -> int:
    """Delete the rows older than the audit period (``Settings.audit_retention_days``); how many went."""
    cutoff = clock.now() - timedelta(days=days)
    with engine.begin() as conn:
        return conn.execute(table.delete().where(table.c.at < cutoff)).rowcount or 0


# --- reading the log -----------------------------------------------------------------------


class AuditQuery(Schema):
    email = fields.Email(load_default=None, metadata={"description": "The person's e-mail address."})
    person_sha256 = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    tenant = fields.String(load_default=None, metadata={"description": "An operator's filter."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class AuditRow(Schema):
    id = fields.String()
    at = fields.DateTime()
    tenant = fields.String()
    actor = fields.String()
    role = fields.String()
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String(allow_none=True)
    person_sha256 = fields.String(allow_none=True)
    route = fields.String(allow_none=True)


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditRow))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def blueprint(service: str, table_of) -> Blueprint:
    """``GET /audit`` and ``GET /audit/<id>`` for the service's log; ``table_of()`` gives the table."""
    from .tenancy import current_principal, require

    bp = Blueprint(f"{service}_audit", __name__, url_prefix="/audit",
                   description="Who read or changed a person's data (coordinators: their tenant; operators: all).")

    def scope(table: sa.Table, tenant_filter: str | None):
        principal = current_principal()
        if principal.is_operator:
            return [table.c.tenant == tenant_filter] if tenant_filter else []
        if tenant_filter and tenant_filter != principal.tenant:
            raise NotFound("No such tenant.")  # another tenant's log is not there
        return [table.c.tenant == principal.tenant]

    @bp.get("")
    @bp.arguments(AuditQuery, location="query")
    @bp.response(200, AuditPage)
    @require("coordinator", "operator")
    def audit_log(query):
        table = table_of()
        where = scope(table, query["tenant"])
        digest = query["person_sha256"] or person_hash(query["email"])
        if digest:
            where.append(table.c.person_sha256 == digest)
        engine = current_app.extensions["tandem"].engine
        offset = (query["page"] - 1) * query["per_page"]
        with engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
            items = conn.execute(sa.select(table).where(*where).order_by(table.c.at.desc(), table.c.id)
                                 .limit(query["per_page"]).offset(offset)).mappings().all()
        return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}

    @bp.get("/<string:row_id>")
    @bp.response(200, AuditRow)
    @require("coordinator", "operator")
    def audit_row(row_id):
        table = table_of()
        engine = current_app.extensions["tandem"].engine
        with engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == row_id, *scope(table, None))).mappings().first()
        if row is None:
            raise NotFound("No such audit row.")
        return row

    return bp
