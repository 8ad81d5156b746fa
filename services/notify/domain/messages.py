"""What notify says to whom: the kinds of message, and for each event the messages it produces.

Plain data in, plain data out: an event's (schema-loaded) data and what notify knows of the
cohort become ``Outgoing`` messages — a kind, a recipient and the template's variables. Which of
them are actually sent (programme settings, opt-outs) and how they read is decided later.
"""

from __future__ import annotations

from . import intake_messages, matching_messages, scheduling_messages
from .intake_messages import SECRET_LINK  # noqa: F401
from .outgoing import (  # noqa: F401
    KINDS,
    CohortInfo,
    Composer,
    Invitation,
    Localized,
    MessageKind,
    Outgoing,
    Recipient,
)

# each producing service's events, in a module of their own
COMPOSERS: dict[str, Composer] = {
    **intake_messages.COMPOSERS, **matching_messages.COMPOSERS, **scheduling_messages.COMPOSERS,
}


def compose(event_type: str, data: dict, cohort: CohortInfo | None = None) -> list[Outgoing]:
    """The messages an event produces (none for events notify only records or forwards)."""
    composer = COMPOSERS.get(event_type)
    return composer(data, cohort) if composer else []


# --- a coordinator's announcement ---------------------------------------------------------------


def announcement(recipient: Recipient, subject: dict[str, str], body: dict[str, str], cohort: CohortInfo,
                 essential: bool = False) -> Outgoing:
    return Outgoing("announcement", recipient, {
        "programme": Localized(cohort.programme_name), "cohort": cohort.name, "role": recipient.role or "mentee",
        "announcement_subject": Localized(subject), "announcement_body": Localized(body),
    }, essential=essential)
