"""Who the caller is to a pair — its mentee, its mentor, or a coordinator — and what they may
open: a participant of another pair finds nothing there (not found, as if it were not), and a
link that is not a participant's opens no pair."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared.db import found
from services.shared.errors import Forbidden, NotFound
from services.shared.tenancy import Principal

from .. import store
from ..domain import messages


def own_application_id(principal: Principal) -> str:
    """The application a participant's personal link is for."""
    if principal.scope != "application":
        raise Forbidden("This link is not for a participant of a cohort.")
    return principal.sub


def participant(conn: Connection, principal: Principal):
    """The participant a personal link is for, as scheduling knows them: refused as not found
    until intake's news of them has arrived, and once they are erased."""
    person = store.one(conn, store.participants, principal.tenant, own_application_id(principal))
    if person is None or person["erased"]:
        raise NotFound("Scheduling knows nothing of you yet.")
    return person


def pair_access(conn: Connection, principal: Principal, pair_id: str,
                for_update: bool = False) -> tuple[messages.PairContext, str]:
    """The pair and the caller's part in it: ``coordinator``, ``mentee`` or ``mentor``."""
    pair = found(conn, store.pairs, principal.tenant, pair_id, "pair", for_update=for_update)
    ctx = store.pair_context(conn, pair)
    if principal.role == "coordinator":
        return ctx, "coordinator"
    role = ctx.role_of(own_application_id(principal))
    if role is None:
        raise NotFound("No such pair.")
    return ctx, role


def meeting_access(conn: Connection, principal: Principal, meeting_id: str,
                   lock: bool = True) -> tuple[messages.PairContext, dict, str]:
    """The meeting with its pair and the caller's part in it."""
    # the pair is locked before its meeting, in the order an early end takes them
    pair_id = found(conn, store.meetings, principal.tenant, meeting_id, "meeting")["pair_id"]
    ctx, role = pair_access(conn, principal, pair_id, for_update=lock)
    return ctx, dict(found(conn, store.meetings, principal.tenant, meeting_id, "meeting", for_update=lock)), role


def only_the_pair(role: str) -> None:
    if role == "coordinator":
        raise Forbidden("Only the mentor and the mentee do this, each with their own link.")
