"""What a message is, as plain values: its kind (``KINDS``), its reader, what it says, the calendar
invitation it may carry, and what notify knows of the reader's cohort; and the table an event's
composer is registered in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class MessageKind:
    """A kind of message: its template's name and the programme setting that switches it off."""

    name: str
    essential: bool  # essential messages cannot be opted out of (a person's own application, pair, agreement)
    summary: str
    invitation: bool = False  # carries an iCalendar attachment


KINDS: dict[str, MessageKind] = {k.name: k for k in (
    MessageKind("application_received", True, "The applicant hears that their application arrived."),
    MessageKind("application_accepted", True, "The applicant has a place."),
    MessageKind("application_waitlisted", True, "All places are taken: the applicant's place on the waiting list."),
    MessageKind("application_promoted", True, "A freed place went to the applicant from the waiting list."),
    MessageKind("application_rejected", True, "The coordinator could not offer a place (said kindly)."),
    MessageKind("nomination_accepted", True, "A nominated mentor's personal link to the mentor form."),
    MessageKind("links_requested", True, "A person who asked for them gets their personal links again, one message per tenant."),
    MessageKind("sign_in", True, "A coordinator or representative gets a single-use sign-in link (asked for, or on being invited)."),
    MessageKind("match_confirmed", True, "Mentor and mentee introduced to each other, with contact details and next steps."),
    MessageKind("match_unmatched", True, "A mentee without a mentor this round: why, and what happens next."),
    MessageKind("match_ended", True, "A pair ended early; what happens next for each."),
    MessageKind("agreement_drafted", True, "The mentoring agreement is ready to sign (each person's signing link)."),
    MessageKind("agreement_signed", False, "Both have signed the agreement."),
    MessageKind("meeting_proposed", True, "One of the pair proposes a meeting time: the other accepts it or proposes another."),
    MessageKind("meeting_scheduled", True, "A pair's meeting is booked (calendar invitation).", invitation=True),
    MessageKind("meeting_rescheduled", True, "A pair's meeting moved (calendar update).", invitation=True),
    MessageKind("meeting_cancelled", True, "A pair's meeting is off (calendar cancellation).", invitation=True),
    MessageKind("meeting_reminder", False, "A meeting is near."),
    MessageKind("meeting_nudge", False, "A month passed without a meeting."),
    MessageKind("event_scheduled", True, "A cohort event: training, kick-off, half-day meeting (calendar invitation).", invitation=True),
    MessageKind("event_cancelled", True, "A cohort event is called off (calendar cancellation).", invitation=True),
    MessageKind("event_reminder", False, "A cohort event is near, with its venue."),
    MessageKind("survey_due", False, "The mid-point or closing survey, with the personal link."),
    MessageKind("announcement", False, "A coordinator's message to a cohort's participants."),
)}


@dataclass(frozen=True)
class Localized:
    """Text the event carries in several languages; the one shown is chosen per recipient."""

    values: dict[str, str]


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    locale: str
    time_zone: str
    person_id: str | None = None  # the application (or nomination) the message is about
    role: str | None = None


@dataclass(frozen=True)
class Invitation:
    """A calendar entry to attach: REQUEST to add or move it, CANCEL to remove it."""

    uid: str
    sequence: int
    method: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""


@dataclass(frozen=True)
class Outgoing:
    kind: str
    recipient: Recipient
    context: dict[str, Any]
    invitation: Invitation | None = None
    essential: bool | None = None  # None: as the kind is; a coordinator may mark an announcement essential
    # a link that signs its reader in: the message is rendered and kept with SECRET_LINK in its
    # place, and only the e-mail as sent carries the link itself (never the delivery log)
    secret_link: str | None = None

    @property
    def is_essential(self) -> bool:
        return KINDS[self.kind].essential if self.essential is None else self.essential


@dataclass(frozen=True)
class CohortInfo:
    """What notify knows of a cohort and its programme (from the cohort.* snapshots)."""

    id: str
    name: str
    time_zone: str
    starts_on: date | None = None
    ends_on: date | None = None
    programme_name: dict[str, str] = field(default_factory=dict)
    programme_locale: str = "en"
    messages: dict[str, bool] = field(default_factory=dict)
    contacts: list[dict] = field(default_factory=list)

    def sends(self, kind: str) -> bool:
        """The programme's setting for a kind of message; kinds it does not name are sent."""
        return self.messages.get(kind, True) is not False


Composer = Callable[[dict, "CohortInfo | None"], list[Outgoing]]


# --- what a pair's messages share ---------------------------------------------------------------


def partner(person: dict, role: str, share: list[str] | None = None) -> dict:
    """The other of the pair as this recipient may see them: contact details only as the
    programme allows (``share_contact_details``)."""
    share = share or []
    return {
        "name": person["name"], "role": role,
        "email": person["email"] if "email" in share else None,
        "phone": person.get("phone") if "phone" in share else None,
        "languages": list(person.get("languages") or []),
        "profession_title": person.get("profession_title"),
    }


def pair_context(data: dict) -> dict:
    """What every message to one of a pair says of where they are: the programme and the cohort."""
    return {"programme": Localized(data["programme_name"]), "cohort": data["cohort_name"]}


# --- the composers' tables ----------------------------------------------------------------------


def registrar(table: dict[str, Composer]):
    """The decorator that registers a composer in ``table`` for the event types it names."""
    def composes(*event_types: str):
        def register(fn: Composer) -> Composer:
            for event_type in event_types:
                table[event_type] = fn
            return fn

        return register

    return composes
