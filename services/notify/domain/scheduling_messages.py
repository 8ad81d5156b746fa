"""The messages scheduling's events produce: agreements, meetings and their reminders, a cohort's
events and surveys."""

from __future__ import annotations

from .outgoing import (
    CohortInfo,
    Composer,
    Invitation,
    Localized,
    Outgoing,
    Recipient,
    pair_context,
    partner,
    registrar,
)

COMPOSERS: dict[str, Composer] = {}
composes = registrar(COMPOSERS)


def _participant(person: dict, time_zone: str) -> Recipient:
    return Recipient(person["name"], person["email"], person["locale"], time_zone, person["application_id"], person["role"])


def _both(data: dict, kind: str, extra: dict, invitation: Invitation | None = None) -> list[Outgoing]:
    """One message to each of the pair, each with the other as ``partner`` and their own link."""
    tz = data["time_zone"]
    out = []
    for me, other in (("mentee", "mentor"), ("mentor", "mentee")):
        person = data[me]
        out.append(Outgoing(kind, _participant(person, tz), {
            **pair_context(data), "role": person["role"], "partner": partner(data[other], data[other]["role"]),
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
