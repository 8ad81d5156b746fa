"""What scheduling's blueprints share: the caller's part in a pair or meeting (through the
access use case, for the request's principal) and the documentation of their security."""

from __future__ import annotations

from services.shared.tenancy import current_principal

from ..domain import messages
from ..usecases import access
from ..usecases.access import only_the_pair  # noqa: F401  (the views' one import for it)

SECURITY = [{"bearer": []}]
PARTICIPANT_LINK = "A participant's token may come as ``?token=`` from their personal link."


def own_application_id() -> str:
    return access.own_application_id(current_principal())


def pair_access(conn, pair_id: str, for_update: bool = False) -> tuple[messages.PairContext, str]:
    """The pair and the caller's part in it; a participant of another pair gets 404, as if it
    were not there."""
    return access.pair_access(conn, current_principal(), pair_id, for_update)


def meeting_access(conn, meeting_id: str, lock: bool = True) -> tuple[messages.PairContext, dict, str]:
    return access.meeting_access(conn, current_principal(), meeting_id, lock)
