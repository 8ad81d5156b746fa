"""What a staff or operator answer showed or changed of whom, noted for the audit log
(``services.shared.audit``): one row per person concerned, named by the hash of their address.
A participant's own link notes nothing (the shared log leaves them out)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Connection

from services.shared import audit

from .. import store
from ..domain.messages import PairContext


def note_pair(action: str, object_type: str, object_id, ctx: PairContext) -> None:
    """Both of the pair are concerned by what is read or changed of it."""
    audit.note_many(action, object_type, [(object_id, ctx.mentee["email"], None), (object_id, ctx.mentor["email"], None)])


def note_people(conn: Connection, tenant: str, action: str, object_type: str,
                items: Iterable[tuple[str | None, str]]) -> None:
    """``items``: (object id, application id) for each person an answer showed or changed."""
    items = list(items)
    if not items:
        return
    emails = store.emails_of(conn, tenant, {application_id for _, application_id in items})
    audit.note_many(action, object_type, [(object_id, emails.get(application_id), None)
                                          for object_id, application_id in items])


def note_pairs_shown(conn: Connection, tenant: str, pairs: list[dict]) -> None:
    """A list of pairs, each with its ``mentee`` and ``mentor`` (an id and a name, or None)."""
    note_people(conn, tenant, audit.READ, "pair", [(pair["pair_id"], person["application_id"]) for pair in pairs
                                                   for person in (pair["mentee"], pair["mentor"]) if person])
