"""What notify says to whom: the kinds of message, and for each event the messages it produces.

Plain data in, plain data out: an event's (schema-loaded) data and what notify knows of the
cohort become ``Outgoing`` messages — a kind, a recipient and the template's variables. Which of
them are actually sent (programme settings, opt-outs) and how they read is decided later.
"""

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
COMPOSERS: dict[str, Composer] = {}


def composes(*event_types: str):
    def register(fn: Composer) -> Composer:
        for event_type in event_types:
            COMPOSERS[event_type] = fn
        return fn

    return register


def compose(event_type: str, data: dict, cohort: CohortInfo | None = None) -> list[Outgoing]:
    """The messages an event produces (none for events notify only records or forwards)."""
    composer = COMPOSERS.get(event_type)
    return composer(data, cohort) if composer else []


# --- intake -------------------------------------------------------------------------------------

_APPLICATION_KINDS = {
    "application.submitted.v1": "application_received",
    "application.accepted.v1": "application_accepted",
    "application.waitlisted.v1": "application_waitlisted",
    "application.promoted.v1": "application_promoted",
    "application.rejected.v1": "application_rejected",
}


def _applicant(data: dict) -> Recipient:
    return Recipient(data["name"], data["email"], data["locale"], data["time_zone"], data["application_id"], data["role"])


def _application(kind: str) -> Composer:
    def build(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
        context = {
            "programme": data["programme_name"], "cohort": data["cohort_name"], "role": data["role"],
            "manage_link": data.get("manage_link"),
            "starts_on": cohort.starts_on if cohort else None,
        }
        if kind == "application_waitlisted":
            context["waitlist_position"] = data["waitlist_position"]
        return [Outgoing(kind, _applicant(data), context)]

    return build


for _type, _kind in _APPLICATION_KINDS.items():
    composes(_type)(_application(_kind))


@composes("nomination.accepted.v1")
def nomination_accepted(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    nominee = Recipient(data["name"], data["email"], data["locale"], data["time_zone"], data["nomination_id"], "mentor")
    return [Outgoing("nomination_accepted", nominee, {
        "programme": data["programme_name"], "cohort": data["cohort_name"], "role": "mentor",
        "organisation": data["organisation"], "organisation_name": data.get("organisation_name"),
        "form_link": data["form_link"], "link_expires_at": data["link_expires_at"],
    })]


@composes("person.links_requested.v1")
def links_requested(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    person = Recipient(data["name"], data["email"], data["locale"], data["time_zone"])
    programmes = {item["programme_name"] for item in data["links"]}
    # signed by the one programme, or by the organisation when the links span several
    sender = programmes.pop() if len(programmes) == 1 else data["tenant_name"]
    return [Outgoing("links_requested", person, {"programme": sender, "links": data["links"]})]


SECRET_LINK = "[sign-in link]"


@composes("staff.sign_in_requested.v1")
def sign_in(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    member = Recipient(data["name"], data["email"], data["locale"], "UTC", role=data["role"])
    return [Outgoing("sign_in", member, {
        "programme": data["tenant_name"], "tenant_name": data["tenant_name"], "link": SECRET_LINK,
        "link_expires_at": data["link_expires_at"], "invited": data.get("invited", False),
    }, secret_link=data["link"])]


# --- matching -----------------------------------------------------------------------------------


def _matched(person: dict, role: str, time_zone: str) -> Recipient:
    return Recipient(person["name"], person["email"], person["locale"], time_zone, person["application_id"], role)


def _partner(person: dict, role: str, share: list[str] | None = None) -> dict:
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


def _pair_context(data: dict) -> dict:
    return {"programme": Localized(data["programme_name"]), "cohort": data["cohort_name"]}


@composes("match.confirmed.v1")
def match_confirmed(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    share = data["share_contact_details"]
    common = {**_pair_context(data), "shared_languages": data["shared_languages"],
              "starts_on": data["starts_on"], "ends_on": data["ends_on"]}
    tz = data["time_zone"]
    return [
        Outgoing("match_confirmed", _matched(data["mentee"], "mentee", tz),
                 {**common, "role": "mentee", "partner": _partner(data["mentor"], "mentor", share)}),
        Outgoing("match_confirmed", _matched(data["mentor"], "mentor", tz),
                 {**common, "role": "mentor", "partner": _partner(data["mentee"], "mentee", share)}),
    ]


@composes("match.unmatched.v1")
def match_unmatched(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return [Outgoing("match_unmatched", _matched(data["mentee"], "mentee", data["time_zone"]), {
        **_pair_context(data), "role": "mentee", "reason_code": data["reason_code"], "reason": data["reason"],
        "starts_on": data["starts_on"],
    })]


@composes("match.ended.v1")
def match_ended(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    # The reason is the coordinator's note; it is not repeated to the pair (it may be hurtful,
    # and it may be about the other person).
    tz = data["time_zone"]
    return [
        Outgoing("match_ended", _matched(data["mentee"], "mentee", tz),
                 {**_pair_context(data), "role": "mentee", "partner": _partner(data["mentor"], "mentor")}),
        Outgoing("match_ended", _matched(data["mentor"], "mentor", tz),
                 {**_pair_context(data), "role": "mentor", "partner": _partner(data["mentee"], "mentee")}),
    ]


# --- scheduling ---------------------------------------------------------------------------------


def _participant(person: dict, time_zone: str) -> Recipient:
    return Recipient(person["name"], person["email"], person["locale"], time_zone, person["application_id"], person["role"])


def _both(data: dict, kind: str, extra: dict, invitation: Invitation | None = None) -> list[Outgoing]:
    """One message to each of the pair, each with the other as ``partner`` and their own link."""
    tz = data["time_zone"]
    out = []
    for me, other in (("mentee", "mentor"), ("mentor", "mentee")):
        person = data[me]
        out.append(Outgoing(kind, _participant(person, tz), {
            **_pair_context(data), "role": person["role"], "partner": _partner(data[other], data[other]["role"]),
            "link": person.get("link"), **extra,
        }, invitation))
    return out


@composes("agreement.drafted.v1")
def agreement_drafted(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "agreement_drafted", {"version": data["version"]})


@composes("agreement.signed.v1")
def agreement_signed(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "agreement_signed", {"version": data["version"], "signed_at": data["signed_at"]})


def _meeting(data: dict) -> dict:
    return {
        "number": data["number"], "topic": Localized(data["topic"]), "starts_at": data["starts_at"],
        "ends_at": data["ends_at"], "place": data.get("place") or "", "online": data.get("mode") == "online",
    }


def _meeting_invitation(data: dict, method: str) -> Invitation:
    return Invitation(uid=f"meeting-{data['meeting_id']}", sequence=data["sequence"], method=method,
                      starts_at=data["starts_at"], ends_at=data["ends_at"], location=data.get("place") or "")


@composes("meeting.scheduled.v1")
def meeting_scheduled(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "meeting_scheduled", _meeting(data), _meeting_invitation(data, "REQUEST"))


@composes("meeting.proposed.v1")
def meeting_proposed(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    """To the one who did not propose: it is theirs to accept (the proposer knows already)."""
    return [o for o in _both(data, "meeting_proposed", _meeting(data)) if o.recipient.role != data["proposed_by"]]


@composes("meeting.rescheduled.v1")
def meeting_rescheduled(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "meeting_rescheduled", {**_meeting(data), "previous_starts_at": data["previous_starts_at"]},
                 _meeting_invitation(data, "REQUEST"))


@composes("meeting.cancelled.v1")
def meeting_cancelled(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "meeting_cancelled", _meeting(data), _meeting_invitation(data, "CANCEL"))


@composes("meeting.reminder_due.v1")
def meeting_reminder(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "meeting_reminder", {**_meeting(data), "days_before": data["days_before"]})


@composes("meeting.nudge_due.v1")
def meeting_nudge(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _both(data, "meeting_nudge", {"number": data["number"], "window_start": data["window_start"],
                                         "window_end": data["window_end"]})


def _cohort_event(data: dict, kind: str, invitation_method: str | None, extra: dict | None = None) -> list[Outgoing]:
    tz = data["time_zone"]
    invitation = None
    if invitation_method:
        invitation = Invitation(uid=f"event-{data['cohort_event_id']}", sequence=data["sequence"], method=invitation_method,
                                starts_at=data["starts_at"], ends_at=data["ends_at"], location=data.get("venue") or "")
    context = {
        "programme": Localized(data["programme_name"]), "cohort": data["cohort_name"], "event_kind": data["kind"],
        "title": Localized(data.get("title") or {}), "starts_at": data["starts_at"], "ends_at": data["ends_at"],
        "venue": data.get("venue") or "", "mandatory": data["mandatory"], **(extra or {}),
    }
    return [Outgoing(kind, _participant(person, tz), {**context, "role": person["role"], "link": person.get("link")}, invitation)
            for person in data["recipients"]]


@composes("event.scheduled.v1")
def event_scheduled(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _cohort_event(data, "event_scheduled", "REQUEST")


@composes("event.cancelled.v1")
def event_cancelled(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _cohort_event(data, "event_cancelled", "CANCEL")


@composes("event.reminder_due.v1")
def event_reminder(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    return _cohort_event(data, "event_reminder", None, {"days_before": data["days_before"]})


@composes("survey.due.v1")
def survey_due(data: dict, cohort: CohortInfo | None) -> list[Outgoing]:
    person = data["participant"]
    return [Outgoing("survey_due", _participant(person, data["time_zone"]), {
        "programme": Localized(data["programme_name"]), "cohort": data["cohort_name"], "role": person["role"],
        "survey": data["kind"], "link": person.get("link"),
    })]


# --- a coordinator's announcement ---------------------------------------------------------------


def announcement(recipient: Recipient, subject: dict[str, str], body: dict[str, str], cohort: CohortInfo,
                 essential: bool = False) -> Outgoing:
    return Outgoing("announcement", recipient, {
        "programme": Localized(cohort.programme_name), "cohort": cohort.name, "role": recipient.role or "mentee",
        "announcement_subject": Localized(subject), "announcement_body": Localized(body),
    }, essential=essential)
