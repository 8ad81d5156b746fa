"""Sample data for every kind of message (invented people), as the events would carry it.

A tenant's template override is checked by rendering it against these; the template preview and
the tests use them too. Each kind has a mentee's and a mentor's sample where both receive it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from .messages import CohortInfo, Recipient, announcement, compose

COHORT = CohortInfo(
    id="c0000000-0000-4000-8000-000000000001", name="Våren 2027", time_zone="Europe/Stockholm",
    starts_on=date(2027, 2, 1), ends_on=date(2027, 8, 31),
    programme_name={"sv": "Mentorprogrammet", "fi": "Mentorointiohjelma", "nb": "Mentorprogrammet", "en": "The Mentoring Programme"},
    programme_locale="sv",
    contacts=[{"name": "Karin Ek", "email": "karin.ek@example.se", "phone": "+46 8 123 45 67", "role": "Samordnare"}],
)
PROGRAMME = COHORT.programme_name
MENTEE = {"application_id": "a0000000-0000-4000-8000-000000000001", "role": "mentee", "name": "Leyla Rahimi",
          "email": "leyla.rahimi@example.se", "locale": "sv", "phone": "+46 70 111 22 33",
          "languages": ["sv", "en"], "profession": "2631", "profession_title": "Nationalekonom",
          "link": "https://tandem.example.org/scheduling/p/mentee-link?token=sample"}
MENTOR = {"application_id": "a0000000-0000-4000-8000-000000000002", "role": "mentor", "name": "Aino Korhonen",
          "email": "aino.korhonen@example.fi", "locale": "fi", "phone": "+358 40 123 4567",
          "languages": ["sv", "fi", "en"], "profession": "2631", "profession_title": "Ekonomisti",
          "link": "https://tandem.example.org/scheduling/p/mentor-link?token=sample"}
START = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)
END = datetime(2027, 3, 2, 17, 0, tzinfo=UTC)


def _application(role: str, **extra) -> dict:
    person = MENTEE if role == "mentee" else MENTOR
    return {"application_id": person["application_id"], "cohort_id": COHORT.id, "programme_id": "p1",
            "programme_name": PROGRAMME[person["locale"]], "cohort_name": COHORT.name, "role": role,
            "name": person["name"], "email": person["email"], "locale": person["locale"], "time_zone": COHORT.time_zone,
            "status": "accepted", "manage_link": "https://tandem.example.org/applications/mine?token=sample", **extra}


def _pair(**extra) -> dict:
    return {"pair_id": "pair-1", "cohort_id": COHORT.id, "cohort_name": COHORT.name, "programme_name": PROGRAMME,
            "time_zone": COHORT.time_zone,
            "mentee": {k: MENTEE[k] for k in ("application_id", "role", "name", "email", "locale", "link")},
            "mentor": {k: MENTOR[k] for k in ("application_id", "role", "name", "email", "locale", "link")}, **extra}


def _matched(person: dict) -> dict:
    return {k: person[k] for k in ("application_id", "name", "email", "locale", "phone", "languages", "profession", "profession_title")}


def _meeting(**extra) -> dict:
    return _pair(meeting_id="m-1", number=2, topic={"sv": "Mål och förväntningar", "fi": "Tavoitteet ja odotukset",
                                                    "nb": "Mål og forventninger", "en": "Goals and expectations"},
                 starts_at=START, ends_at=END, place="Café Lindgren, Drottninggatan 10, Stockholm", mode="in_person",
                 sequence=0, **extra)


def _cohort_event(**extra) -> dict:
    return {"cohort_event_id": "e-1", "cohort_id": COHORT.id, "cohort_name": COHORT.name, "programme_name": PROGRAMME,
            "time_zone": COHORT.time_zone, "kind": "half_day",
            "title": {"sv": "Halvdagsträff 1", "fi": "Puolipäiväinen tapaaminen 1", "nb": "Halvdagsmøte 1", "en": "Half-day meeting 1"},
            "starts_at": datetime(2027, 1, 31, 7, 30, tzinfo=UTC), "ends_at": datetime(2027, 1, 31, 11, 0, tzinfo=UTC),
            "venue": "Konferenscenter Tegel, Sveavägen 44, Stockholm", "mandatory": True, "sequence": 0,
            "recipients": [{k: p[k] for k in ("application_id", "role", "name", "email", "locale", "link")} for p in (MENTEE, MENTOR)],
            **extra}


# event type -> sample data, loaded (dates as dates, moments as aware datetimes)
EVENTS: dict[str, dict] = {
    "application.submitted.v1": _application("mentee", status="submitted", submitted_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
                                             arrival=1),
    "application.accepted.v1": _application("mentee"),
    "application.waitlisted.v1": _application("mentee", status="waitlisted", waitlist_position=3),
    "application.promoted.v1": _application("mentee"),
    "application.rejected.v1": _application("mentee", status="rejected"),
    "nomination.accepted.v1": {
        "nomination_id": "n-1", "cohort_id": COHORT.id, "programme_name": PROGRAMME["fi"], "cohort_name": COHORT.name,
        "organisation": "Tullverket", "name": MENTOR["name"], "email": MENTOR["email"], "locale": "fi",
        "time_zone": COHORT.time_zone, "form_link": "https://tandem.example.org/mentor-form?token=sample",
        "link_expires_at": datetime(2027, 1, 11, 22, 59, tzinfo=UTC)},
    "person.links_requested.v1": {
        "name": MENTEE["name"], "email": MENTEE["email"], "locale": "sv", "time_zone": COHORT.time_zone, "tenant_name": "Saco",
        "links": [
            {"kind": "application", "id": MENTEE["application_id"], "cohort_id": COHORT.id, "cohort_name": COHORT.name,
             "programme_name": PROGRAMME["sv"], "role": "mentee", "status": "waitlisted",
             "link": "https://tandem.example.org/applications/mine?token=sample", "link_expires_at": None},
            {"kind": "mentor_form", "id": "n-2", "cohort_id": "c-2", "cohort_name": "Hösten 2027",
             "programme_name": "Mentorskap för jurister", "role": "mentor", "status": None,
             "link": "https://tandem.example.org/mentor-form?token=sample2", "link_expires_at": datetime(2027, 9, 1, 21, 59, tzinfo=UTC)},
        ]},
    "staff.sign_in_requested.v1": {
        "staff_id": "s-1", "name": "Anna Lind", "email": "anna.lind@saco.example.se", "locale": "sv", "role": "coordinator",
        "tenant_name": "Saco", "link": "https://tandem.example.org/sign-in/sample",
        "link_expires_at": datetime(2027, 1, 11, 9, 15, tzinfo=UTC), "invited": False},
    "match.confirmed.v1": {
        "cohort_id": COHORT.id, "cohort_name": COHORT.name, "programme_id": "p1", "programme_name": PROGRAMME,
        "time_zone": COHORT.time_zone, "starts_on": COHORT.starts_on, "ends_on": COHORT.ends_on, "pair_id": "pair-1",
        "mentee": _matched(MENTEE), "mentor": _matched(MENTOR), "shared_languages": ["sv", "en"],
        "share_contact_details": ["email", "phone"], "score": 9.5, "confirmed_at": datetime(2027, 1, 20, 9, tzinfo=UTC)},
    "match.unmatched.v1": {
        "cohort_id": COHORT.id, "cohort_name": COHORT.name, "programme_id": "p1", "programme_name": PROGRAMME,
        "time_zone": COHORT.time_zone, "starts_on": COHORT.starts_on, "ends_on": COHORT.ends_on, "run_id": "run-1",
        "mentee": _matched(MENTEE), "reason_code": "no_shared_language",
        "reason": "no mentor shares a mentoring language (sv, en) with this mentee"},
    "match.ended.v1": {
        "cohort_id": COHORT.id, "cohort_name": COHORT.name, "programme_id": "p1", "programme_name": PROGRAMME,
        "time_zone": COHORT.time_zone, "starts_on": COHORT.starts_on, "ends_on": COHORT.ends_on, "pair_id": "pair-1",
        "mentee": _matched(MENTEE), "mentor": _matched(MENTOR), "reason": "The pair did not work.",
        "ended_by": "karin.ek@example.se", "ended_at": datetime(2027, 4, 1, 9, tzinfo=UTC)},
    "agreement.drafted.v1": _pair(agreement_id="ag-1", version=1),
    "agreement.signed.v1": _pair(agreement_id="ag-1", version=1, signed_at=datetime(2027, 2, 10, 12, tzinfo=UTC)),
    "meeting.scheduled.v1": _meeting(),
    "meeting.proposed.v1": _meeting(proposed_by="mentor"),
    "meeting.rescheduled.v1": _meeting(previous_starts_at=datetime(2027, 2, 26, 15, 0, tzinfo=UTC)),
    "meeting.cancelled.v1": _meeting(reason="cancelled by the pair"),
    "meeting.reminder_due.v1": _meeting(days_before=1),
    "meeting.nudge_due.v1": _pair(number=3, window_start=date(2027, 4, 1), window_end=date(2027, 4, 30)),
    "event.scheduled.v1": _cohort_event(),
    "event.cancelled.v1": _cohort_event(),
    "event.reminder_due.v1": _cohort_event(days_before=2),
    "survey.due.v1": {"cohort_id": COHORT.id, "cohort_name": COHORT.name, "programme_name": PROGRAMME,
                      "time_zone": COHORT.time_zone, "pair_id": "pair-1", "kind": "midpoint",
                      "participant": {k: MENTEE[k] for k in ("application_id", "role", "name", "email", "locale", "link")}},
}

ANNOUNCEMENT_SUBJECT = {"sv": "Ny lokal för halvdagsträffen", "fi": "Puolipäiväinen tapaaminen uudessa paikassa",
                        "nb": "Nytt sted for halvdagsmøtet", "en": "A new venue for the half-day meeting"}
ANNOUNCEMENT_BODY = {"sv": "Halvdagsträffen den 31 januari hålls i sal B.\n\nVälkomna!",
                     "fi": "Puolipäiväinen tapaaminen 31. tammikuuta pidetään salissa B.\n\nTervetuloa!",
                     "nb": "Halvdagsmøtet 31. januar holdes i sal B.\n\nVelkommen!",
                     "en": "The half-day meeting on 31 January is in room B.\n\nWelcome!"}


def _with_common(context: dict, recipient: Recipient) -> dict:
    """What the sender adds to every message's variables."""
    return {"name": recipient.name, "time_zone": recipient.time_zone, "contacts": COHORT.contacts,
            "unsubscribe_url": "https://tandem.example.org/unsubscribe?token=sample", **context}


def contexts(kind: str) -> list[dict]:
    """Sample variables for ``kind``: every recipient the sample event produces (mentee, mentor)."""
    if kind == "announcement":
        recipient = Recipient(MENTEE["name"], MENTEE["email"], "sv", COHORT.time_zone, MENTEE["application_id"], "mentee")
        return [_with_common(announcement(recipient, ANNOUNCEMENT_SUBJECT, ANNOUNCEMENT_BODY, COHORT).context, recipient)]
    found = []
    for event_type, data in EVENTS.items():
        for outgoing in compose(event_type, data, COHORT):
            if outgoing.kind == kind:
                found.append(_with_common(outgoing.context, outgoing.recipient))
    if kind.startswith("application_"):  # a mentor's application too: the wording differs by role
        found += [{**c, "role": "mentor"} for c in found]
    # the other branches of a template's wording, so that each is rendered (and checked) too
    first = found[0]
    found += [{**first, **change} for change in VARIANTS.get(kind, [])]
    return found


VARIANTS: dict[str, list[dict]] = {
    # a programme that shares no contact details; one language only
    "match_confirmed": [{"shared_languages": ["sv"], "ends_on": None,
                         "partner": {"name": MENTOR["name"], "role": "mentor", "email": None, "phone": None,
                                     "languages": ["sv"], "profession_title": None}}],
    "match_unmatched": [{"reason_code": code} for code in ("all_at_capacity", "excluded", "seat_left")],
    "agreement_drafted": [{"version": 2, "link": None}],
    "agreement_signed": [{"version": 2, "link": None}],
    "meeting_scheduled": [{"online": True, "place": "", "link": None}],
    "meeting_reminder": [{"days_before": 0}, {"days_before": 3, "online": True, "place": "https://meet.example.org/abc"}],
    "meeting_nudge": [{"link": None}],
    "event_scheduled": [{"mandatory": False, "venue": "", "title": ""},
                        {"starts_at": datetime(2027, 1, 23, 9, tzinfo=UTC), "ends_at": datetime(2027, 1, 24, 11, 30, tzinfo=UTC),
                         "event_kind": "training", "title": ""}],
    "event_reminder": [{"days_before": 3, "mandatory": False}],
    "survey_due": [{"survey": "closing"}, {"link": None}],
    "application_received": [{"manage_link": None}],
    "links_requested": [{"links": [{"kind": "application", "id": "a-9", "cohort_id": COHORT.id, "cohort_name": COHORT.name,
                                    "programme_name": PROGRAMME["sv"], "role": role, "status": status,
                                    "link": "https://tandem.example.org/applications/mine?token=sample9", "link_expires_at": None}]}
                        for role, status in (("mentor", "submitted"), ("mentee", "accepted"), ("mentee", "rejected"))],
    "application_accepted": [{"starts_on": None, "manage_link": None}],
    "sign_in": [{"invited": True}],
}
