"""The event contract: every schema round-trips, envelopes are checked at both ends."""

import json
from datetime import UTC, date, datetime

import pytest

from services.shared.contract import EVENT_TYPES, ContractError, new_event, parse_event

PROGRAMME = {
    "id": "p1", "name": {"sv": "Mentorprogrammet"}, "locale": "sv", "languages": ["sv", "en"],
    "professions": [{"code": "2611", "title": "Jurist"}], "duration_months": 7, "meeting_every_months": 1,
    "meeting_minutes": 120, "meeting_plan": [{"title": {"sv": "Lära känna varandra"}, "checklist": [{"sv": "Vad har hänt sedan sist?"}]}],
    "matching_weights": {"profession": 5.0}, "matching_mode": "optimal", "match_when_closed": True,
    "reminder_days": [3, 1], "share_contact_details": ["email"], "contacts": [],
}
COHORT = {
    "cohort_id": "c1", "name": "Hösten 2026", "status": "open", "time_zone": "Europe/Stockholm",
    "applications_open_at": None, "application_deadline": datetime(2026, 8, 31, 22, tzinfo=UTC), "nomination_deadline": None,
    "starts_on": date(2026, 9, 1), "ends_on": date(2027, 3, 31), "mentee_places": 20, "mentor_places": None,
    "admission": "first_come", "programme": PROGRAMME,
    "group_events": [{"id": "g1", "kind": "training", "title": {"sv": "Utbildningsträff"}, "venue": "Stockholm", "mandatory": True,
                      "starts_at": datetime(2026, 9, 10, 7, tzinfo=UTC), "ends_at": datetime(2026, 9, 10, 11, tzinfo=UTC)}],
}
PERSON = {
    "application_id": "a1", "cohort_id": "c1", "programme_id": "p1", "programme_name": "Mentorprogrammet",
    "cohort_name": "Hösten 2026", "role": "mentee", "name": "Amira Haddad", "email": "amira@example.se",
    "locale": "sv", "time_zone": "Europe/Stockholm", "status": "accepted", "manage_link": "https://tandem.example.org/x",
}
NOMINEE = {
    "nomination_id": "n1", "cohort_id": "c1", "programme_name": "Mentorprogrammet", "cohort_name": "Våren 2019",
    "organisation": "skatteverket", "name": "Karin Berg", "email": "karin@example.se", "locale": "sv", "time_zone": "Europe/Stockholm",
}
SAMPLES = {
    "tenant.created.v1": {"slug": "saco", "name": "Saco"},
    **{f"cohort.{kind}.v1": dict(COHORT) for kind in ("opened", "updated", "closed", "started", "finished")},
    "application.submitted.v1": {
        **PERSON, "status": "submitted", "submitted_at": datetime(2026, 8, 1, 9, tzinfo=UTC), "phone": None,
        "languages": [{"language": "ar", "level": "native"}], "mentoring_languages": ["sv"],
        "profession": None, "wished_profession": {"code": "2611", "title": "Jurist"}, "education_field": "Juridik",
        "experience_years": 5, "sector": "private",
        "employer": None, "excluded_employers": [], "city": "Stockholm", "remote_ok": True, "capacity": 1,
        "interests": "avtalsrätt", "nomination_id": None, "arrival": 1,
    },
    "application.accepted.v1": PERSON,
    "application.waitlisted.v1": {**PERSON, "status": "waitlisted", "waitlist_position": 2},
    "application.promoted.v1": PERSON,
    "application.rejected.v1": {**PERSON, "status": "rejected", "manage_link": None},
    "application.withdrawn.v1": {**PERSON, "status": "withdrawn", "previous_status": "accepted", "manage_link": None},
    "nomination.submitted.v1": {**NOMINEE, "rank": 1},
    "nomination.accepted.v1": {**NOMINEE, "form_link": "https://tandem.example.org/f", "link_expires_at": datetime(2027, 1, 1, tzinfo=UTC)},
    "nomination.declined.v1": NOMINEE,
    "survey.answered.v1": {"cohort_id": "c1", "application_id": "a1", "role": "mentee", "kind": "closing"},
    "person.erasure_requested.v1": {"erasure_id": "e1", "email_sha256": "0" * 64, "application_ids": ["a1"], "nomination_ids": []},
    "person.links_requested.v1": {
        "name": "Amira Haddad", "email": "amira@example.se", "locale": "sv", "time_zone": "Europe/Stockholm", "tenant_name": "Saco",
        "links": [{"kind": "application", "id": "a1", "cohort_id": "c1", "cohort_name": "Hösten 2026",
                   "programme_name": "Mentorprogrammet", "role": "mentee", "status": "accepted",
                   "link": "https://tandem.example.org/applications/mine?token=x", "link_expires_at": None}],
    },    "staff.sign_in_requested.v1": {
        "staff_id": "s1", "name": "Karin Berg", "email": "karin@example.se", "locale": "nb", "role": "representative",
        "tenant_name": "Saco", "link": "https://tandem.example.org/sign-in/x", "link_expires_at": datetime(2027, 1, 1, tzinfo=UTC),
        "invited": False,
    },
}
MATCH_COHORT = {"cohort_id": "c1", "cohort_name": "Hösten 2026", "programme_id": "p1", "programme_name": {"sv": "Mentorprogrammet"},
                "time_zone": "Europe/Stockholm", "starts_on": date(2026, 9, 1), "ends_on": date(2027, 3, 31)}
MATCH_PERSON = {"application_id": "a1", "name": "Amira Haddad", "email": "amira@example.se", "locale": "sv", "languages": ["sv"]}
MENTOR = {**MATCH_PERSON, "application_id": "a2", "name": "Karin Berg", "email": "karin@example.se", "profession_title": "Jurist"}
SAMPLES |= {
    "match.proposed.v1": {"run_id": "r1", "cohort_id": "c1", "mode": "optimal", "proposed": 18, "unmatched": 2, "objective": 123.5},
    "match.confirmed.v1": {**MATCH_COHORT, "pair_id": "x1", "mentee": MATCH_PERSON, "mentor": MENTOR, "shared_languages": ["sv"],
                           "share_contact_details": ["email"], "score": 9.5, "confirmed_at": datetime(2026, 9, 2, tzinfo=UTC)},
    "match.ended.v1": {**MATCH_COHORT, "pair_id": "x1", "mentee": MATCH_PERSON, "mentor": MENTOR, "reason": "did not work",
                       "ended_by": "coordinator@example.se", "ended_at": datetime(2026, 11, 2, tzinfo=UTC)},
    "match.unmatched.v1": {**MATCH_COHORT, "run_id": "r1", "mentee": MATCH_PERSON, "reason_code": "no_shared_language"},
}
PARTICIPANT = {"application_id": "a1", "role": "mentee", "name": "Amira Haddad", "email": "amira@example.se", "locale": "sv", "link": None}
PAIR = {"pair_id": "x1", "cohort_id": "c1", "cohort_name": "Hösten 2026", "programme_name": {"sv": "Mentorprogrammet"},
        "time_zone": "Europe/Stockholm", "mentee": PARTICIPANT,
        "mentor": {**PARTICIPANT, "application_id": "a2", "role": "mentor", "name": "Karin Berg", "email": "karin@example.se"}}
MEETING = {**PAIR, "meeting_id": "m1", "number": 1, "topic": {"sv": "Lära känna varandra"}, "place": "Kafé Linnea",
           "starts_at": datetime(2026, 9, 15, 15, tzinfo=UTC), "ends_at": datetime(2026, 9, 15, 17, tzinfo=UTC),
           "mode": "in_person", "sequence": 0}
COHORT_EVENT = {"cohort_event_id": "g1", "cohort_id": "c1", "cohort_name": "Hösten 2026", "programme_name": {"sv": "Mentorprogrammet"},
                "time_zone": "Europe/Stockholm", "kind": "half_day", "title": {"sv": "Halvdagsträff"}, "venue": "Stockholm",
                "starts_at": datetime(2027, 1, 31, 7, 30, tzinfo=UTC), "ends_at": datetime(2027, 1, 31, 11, tzinfo=UTC),
                "mandatory": True, "sequence": 0, "recipients": [PARTICIPANT]}
OUTCOME = {"delivery_id": "d1", "cause_event_id": "e1", "cause_event_type": "match.confirmed.v1", "message": "match_confirmed",
           "channel": "email", "recipient_id": "a1", "attempts": 1}
SAMPLES |= {
    "agreement.drafted.v1": {**PAIR, "agreement_id": "ag1", "version": 1},
    "agreement.signed.v1": {**PAIR, "agreement_id": "ag1", "version": 1, "signed_at": datetime(2026, 9, 3, tzinfo=UTC)},
    "meeting.proposed.v1": {**MEETING, "proposed_by": "mentor"},
    "meeting.scheduled.v1": MEETING,
    "meeting.rescheduled.v1": {**MEETING, "sequence": 1, "previous_starts_at": datetime(2026, 9, 14, 15, tzinfo=UTC)},
    "meeting.held.v1": {**PAIR, "meeting_id": "m1", "number": 1},
    "meeting.missed.v1": {**PAIR, "meeting_id": "m1", "number": 1},
    "meeting.cancelled.v1": {**MEETING, "sequence": 2, "reason": "the pair ended"},
    "meeting.reminder_due.v1": {**MEETING, "days_before": 3},
    "meeting.nudge_due.v1": {**PAIR, "number": 2, "window_start": date(2026, 10, 1), "window_end": date(2026, 10, 31)},
    "event.scheduled.v1": COHORT_EVENT,
    "event.cancelled.v1": {**COHORT_EVENT, "sequence": 1},
    "event.reminder_due.v1": {**COHORT_EVENT, "days_before": 1},
    "survey.due.v1": {"cohort_id": "c1", "cohort_name": "Hösten 2026", "programme_name": {"sv": "Mentorprogrammet"},
                      "time_zone": "Europe/Stockholm", "pair_id": "x1", "kind": "midpoint",
                      "participant": {**PARTICIPANT, "link": "https://tandem.example.org/s"}},
    "mentorship.phase_changed.v1": {**PAIR, "phase": "working", "previous_phase": "start"},
    "notification.sent.v1": OUTCOME,
    "notification.failed.v1": {**OUTCOME, "attempts": 8, "error": "SMTP 550: no such mailbox"},
}


def test_every_event_type_has_a_sample():
    assert set(SAMPLES) == set(EVENT_TYPES), "add a sample for each new event type"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_schema_round_trips_through_the_wire(event_type):
    event = new_event(event_type, source="test", tenant="saco", subject="x/1", data=SAMPLES[event_type])
    again = parse_event(event.to_json().encode())
    assert again == event
    assert EVENT_TYPES[event_type].schema().load(again.data) == EVENT_TYPES[event_type].schema().load(
        EVENT_TYPES[event_type].schema().dump(SAMPLES[event_type])
    )


def test_a_producer_cannot_write_an_event_that_breaks_the_contract():
    with pytest.raises(ContractError, match="email"):
        new_event("application.submitted.v1", source="intake", tenant="saco", subject="a/1",
                  data=dict(SAMPLES["application.submitted.v1"], email="not an address"))


def test_a_producer_cannot_write_an_event_without_tenant():
    with pytest.raises(ContractError, match="tenant"):
        new_event("tenant.created.v1", source="intake", tenant="", subject="s", data=SAMPLES["tenant.created.v1"])


def test_a_consumer_rejects_an_envelope_without_tenant():
    raw = json.loads(new_event("tenant.created.v1", source="intake", tenant="saco", subject="s",
                               data=SAMPLES["tenant.created.v1"]).to_json())
    del raw["tenant"]
    with pytest.raises(ContractError, match="tenant"):
        parse_event(json.dumps(raw))


def test_a_consumer_ignores_fields_it_does_not_know():
    raw = json.loads(new_event("tenant.created.v1", source="intake", tenant="saco", subject="s",
                               data=SAMPLES["tenant.created.v1"]).to_json())
    raw["specversion"] = "1.0"
    raw["data"]["added_later"] = True
    event = parse_event(json.dumps(raw))
    assert event.loaded == {"slug": "saco", "name": "Saco"}


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b'{"id": "x"}'])
def test_garbage_is_not_an_event(body):
    with pytest.raises(ContractError):
        parse_event(body)


def test_unknown_event_types_are_refused():
    raw = json.loads(new_event("tenant.created.v1", source="intake", tenant="saco", subject="s",
                               data=SAMPLES["tenant.created.v1"]).to_json())
    raw["type"] = "tenant.renamed.v9"
    with pytest.raises(ContractError, match="unknown event type"):
        parse_event(json.dumps(raw))


def test_events_written_while_handling_a_request_or_event_carry_its_correlation_and_cause():
    from services.shared import logs

    logs.correlation_id.set("req-42")
    logs.causation_id.set("event-7")
    try:
        event = new_event("tenant.created.v1", source="intake", tenant="saco", subject="s", data=SAMPLES["tenant.created.v1"])
    finally:
        logs.correlation_id.set(None)
        logs.causation_id.set(None)
    assert (event.correlation_id, event.causation_id) == ("req-42", "event-7")
