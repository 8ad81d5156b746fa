"""Staff access on record: whose data a coordinator's or the operator's request showed or changed
in matching, in the service's audit log (``services.shared.audit``).

The log names a person by the hash of their address, which matching knows from its projection;
an erased person's placeholder address names nobody, so their rows name no one either. A read
is noted for the answer (written once it is ready); a change is recorded in the transaction
that makes it. Outside a request (the worker, an event handler) nothing is noted, and a
person's own link is not staff access (the shared module leaves it out)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context
from sqlalchemy.engine import Connection

from services.shared import audit

from .. import store
from ..domain.personal_data import is_erased
from ..store import personal_data

#: (the object's id, the application id of the person it concerns)
Item = tuple[object, str]


def _hashes(conn: Connection, tenant: str, items: list[Item]) -> dict[str, str | None]:
    emails = personal_data.emails(conn, tenant, {person for _, person in items})
    return {person: None if is_erased(email) else audit.person_hash(email) for person, email in emails.items()}


def shown(conn: Connection, tenant: str, object_type: str, items: Iterable[Item]) -> None:
    """The request showed these objects, each of them of the person named."""
    items = list(items)
    if not items or not has_request_context():
        return
    hashes = _hashes(conn, tenant, items)
    audit.note_many(audit.READ, object_type, [(object_id, None, hashes.get(person)) for object_id, person in items])


def changed(conn: Connection, tenant: str, object_type: str, items: Iterable[Item]) -> None:
    """The request changed these objects, each of them of the person named: recorded on ``conn``."""
    items = list(items)
    if not items or not has_request_context():
        return
    hashes = _hashes(conn, tenant, items)
    for object_id, person in items:
        audit.record(conn, store.audit_log, audit.CHANGE, object_type, object_id, tenant=tenant,
                     person_sha256=hashes.get(person))


def both(rows) -> list[Item]:
    """Each row's mentee and mentor: a proposal, a pin or forbid, a pair concerns both."""
    return [(row["id"], person) for row in rows for person in (row["mentee_id"], row["mentor_id"])]


def mentees(rows) -> list[Item]:
    return [(row["id"], row["mentee_id"]) for row in rows]

