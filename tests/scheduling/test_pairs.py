"""A confirmed pair: its meeting plan, its agreement (drafted, signed by both with their own
links, then fixed), and its meetings proposed, set, held with the checklist or missed."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from services.scheduling import store
from services.shared import clock
from services.shared.tenancy import verify_token
from tests.scheduling.conftest import (
    CHECKLIST_FILLED,
    GOALS,
    KEY,
    PUBLIC_URL,
    SIX_STEPS,
    person,
    sign_both,
)
from tests.skeleton import expect


def test_a_confirmed_pair_gets_six_monthly_meetings_with_the_six_topics_in_order(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    meetings = scheduling.meetings(pair)
    assert [m["number"] for m in meetings] == [1, 2, 3, 4, 5, 6]
    assert [m["topic"] for m in meetings] == SIX_STEPS
    assert [m["topic_text"] for m in meetings][:2] == ["Lära känna varandra och skriva mentoravtalet", "Mål och förväntningar"]
    assert [(m["window_start"], m["window_end"]) for m in meetings][:2] == [("2019-01-23", "2019-02-22"), ("2019-02-23", "2019-03-22")]
    assert meetings[5]["window_end"] == "2019-07-22"
    assert all(m["status"] == "planned" and len(m["checklist"]) == 5 for m in meetings)
    assert scheduling.pair(pair)["phase"] == "start"
    (phase,) = scheduling.events("mentorship.phase_changed")
    assert (phase["data"]["phase"], phase["data"]["previous_phase"]) == ("start", None)


def test_the_same_pair_confirmed_twice_is_planned_once_and_a_redelivery_is_skipped(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    (event,) = [e for e in scheduling.events() if e["type"] == "mentorship.phase_changed.v1"]
    with scheduling.engine.connect() as conn:
        confirmed = conn.execute(sa.select(store.INBOX.c.event_id)).scalars().all()
    assert len(confirmed) == 2  # the cohort and the pair
    # matching publishes the confirmation again (a new event for the same pair): nothing is planned twice
    again = dict(_confirmation(scheduling, pair, cohort))
    scheduling.feed("match.confirmed.v1", "agency", again, source="matching")
    with scheduling.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.meetings).where(store.meetings.c.pair_id == pair.id)).scalar() == 6
    assert len(scheduling.events("agreement.drafted")) == 1 and len(scheduling.events("mentorship.phase_changed")) == 1
    # the very same event delivered again is skipped by the inbox
    redelivered = scheduling.feed("match.ended.v1", "agency", {**again, "reason": "x", "ended_by": "c@example.org", "ended_at": clock.now()},
                                  source="matching")
    assert scheduling.apply(redelivered) is False
    assert event


def _confirmation(scheduling, pair, cohort) -> dict:
    return {"cohort_id": cohort, "cohort_name": "Våren 2019", "programme_id": "p-agency", "programme_name": {"sv": "x"},
            "time_zone": "Europe/Stockholm", "starts_on": date(2019, 1, 23), "ends_on": date(2019, 7, 22), "pair_id": pair.id,
            "mentee": {"application_id": pair.mentee_id, "name": "Amal Haddad", "email": "amal.haddad@example.se", "locale": "sv"},
            "mentor": {"application_id": pair.mentor_id, "name": "Karin Berg", "email": "karin.berg@example.se", "locale": "sv"},
            "shared_languages": ["sv"], "share_contact_details": ["email"], "score": 1.0, "confirmed_at": clock.now()}


def test_the_draft_names_the_shared_language_and_cadence_and_each_gets_a_signing_link(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    agreement = expect(scheduling.send("GET", f"/scheduling/pairs/{pair.id}/agreement", None, scheduling.token(pair, "mentee")), 200)
    assert (agreement["version"], agreement["status"], agreement["language"]) == (1, "draft", "sv")
    assert (agreement["meeting_every_months"], agreement["meeting_minutes"], len(agreement["planned_dates"])) == (1, 120, 6)
    (drafted,) = scheduling.events("agreement.drafted")
    mentor_link = drafted["data"]["mentor"]["link"]
    # the link opens the agreement's page on the web front, with the mentor's own token
    assert mentor_link.startswith(f"{PUBLIC_URL}/pairs/{pair.id}/agreement?token=")
    token = mentor_link.split("token=")[1]
    principal = verify_token(KEY, token)
    assert (principal.role, principal.scope, principal.sub, principal.tenant) == ("participant", "application", pair.mentor_id, "agency")
    # and its token opens the agreement in the API the page calls
    response = scheduling.client.get(f"/scheduling/pairs/{pair.id}/agreement?token={token}")
    assert response.status_code == 200 and response.get_json()["pair_id"] == pair.id


def test_an_agreement_cannot_change_after_both_signatures(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    mentee, mentor = scheduling.token(pair, "mentee"), scheduling.token(pair, "mentor")
    path = f"/scheduling/pairs/{pair.id}/agreement"

    # no goals yet: nobody signs
    refused = expect(scheduling.send("POST", f"{path}/sign", {"version": 1}, mentee), 409)
    assert "goals" in refused["errors"]
    draft = expect(scheduling.send("PATCH", path, {"based_on_version": 1, "goals": GOALS, "keep_in_touch": "E-post, svar inom två dagar",
                                                   "expectations": {"mentee": "Förstå statlig rekrytering"}}, mentee), 200)
    assert draft["version"] == 1  # an untouched draft changes in place
    expect(scheduling.send("POST", f"{path}/sign", {"version": 1}, mentee), 200)
    expect(scheduling.send("POST", f"{path}/sign", {"version": 1}, mentee), 409)  # not twice
    signed = expect(scheduling.send("POST", f"{path}/sign", {"version": 1}, mentor), 200)
    assert signed["status"] == "signed" and signed["in_force"] == 1 and signed["signed_at"]
    (event,) = scheduling.events("agreement.signed")
    assert (event["data"]["version"], event["data"]["agreement_id"]) == (1, signed["id"])

    # a change now is a new version; version 1 stays exactly as signed
    changed = expect(scheduling.send("PATCH", path, {"based_on_version": 1, "meeting_minutes": 90}, mentor), 200)
    assert (changed["version"], changed["status"], changed["mentee_signed_at"], changed["in_force"]) == (2, "draft", None, 1)
    assert changed["goals"] == GOALS and changed["expectations"]["mentee"] == "Förstå statlig rekrytering"
    first = expect(scheduling.send("GET", f"{path}/versions/1", None, mentee), 200)
    assert {k: first[k] for k in ("meeting_minutes", "status", "goals")} == {"meeting_minutes": 120, "status": "signed", "goals": GOALS}
    assert [e["data"]["version"] for e in scheduling.events("agreement.drafted")] == [1, 2]
    # nobody signs version 1 again, or an old version, or edits from a stale read
    expect(scheduling.send("POST", f"{path}/sign", {"version": 1}, mentee), 409)
    stale = expect(scheduling.send("PATCH", path, {"based_on_version": 1, "keep_in_touch": "Telefon"}, mentee), 409)
    assert "based_on_version" in stale["errors"]
    # both sign version 2: it is in force, version 1 is superseded
    expect(scheduling.send("POST", f"{path}/sign", {"version": 2}, mentee), 200)
    now_signed = expect(scheduling.send("POST", f"{path}/sign", {"version": 2}, mentor), 200)
    assert now_signed["in_force"] == 2
    assert [v["status"] for v in now_signed["versions"]] == ["superseded", "signed"]
    assert [e["data"]["version"] for e in scheduling.events("agreement.signed")] == [1, 2]
    # a coordinator reads it but cannot sign for anyone
    coordinator = scheduling.coordinator("agency")
    expect(scheduling.send("GET", path, None, coordinator), 200)
    expect(scheduling.send("POST", f"{path}/sign", {"version": 2}, coordinator), 403)


def test_agreement_terms_that_do_not_fit_answer_with_the_fields(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    body = expect(scheduling.send("PATCH", f"/scheduling/pairs/{pair.id}/agreement",
                                  {"based_on_version": 1, "language": "klingon", "meeting_minutes": 5}, scheduling.token(pair, "mentee")), 422)
    assert set(body["errors"]["json"]) == {"language", "meeting_minutes"} and body["code"] == 422
    body = expect(scheduling.send("PATCH", f"/scheduling/pairs/{pair.id}/agreement",
                                  {"based_on_version": 1, "planned_dates": ["2019-09-01"], "meeting_every_months": 2},
                                  scheduling.token(pair, "mentee")), 422)
    assert set(body["errors"]["json"]) == {"planned_dates", "meeting_every_months"}


def test_one_proposes_the_other_accepts_and_the_meeting_is_set(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    first = scheduling.meetings(pair)[0]
    proposed = expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/proposal",
                                      {"starts_at": "2019-01-29T17:00:00", "mode": "online", "place": "https://meet.example.org/amal-karin"},
                                      scheduling.token(pair, "mentee")), 200)
    assert proposed["status"] == "proposed" and proposed["proposal"]["by"] == "mentee"
    (event,) = scheduling.events("meeting.proposed")
    assert event["data"]["proposed_by"] == "mentee" and event["data"]["starts_at"] == "2019-01-29T16:00:00+00:00"
    assert event["data"]["mentor"]["link"].startswith(f"{PUBLIC_URL}/pairs/{pair.id}/meetings?token=")
    # the one who proposed does not accept their own proposal
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/proposal/accept", None, scheduling.token(pair, "mentee")), 409)
    accepted = expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/proposal/accept", None, scheduling.token(pair, "mentor")), 200)
    assert (accepted["status"], accepted["mode"], accepted["local_start"], accepted["proposal"]) == (
        "scheduled", "online", "2019-01-29T17:00:00+01:00", None)
    assert accepted["local_end"] == "2019-01-29T19:00:00+01:00"  # the programme's two hours
    (scheduled,) = scheduling.events("meeting.scheduled")
    assert scheduled["data"]["sequence"] == 0 and scheduled["data"]["topic"] == SIX_STEPS[0]


def test_a_time_and_place_that_do_not_fit_answer_with_the_fields(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    meeting = scheduling.meetings(pair)[1]
    token = scheduling.token(pair, "mentor")
    for body, field in (({"starts_at": "2019-03-31T02:30:00", "place": "Kafé"}, "starts_at"),  # the lost hour
                        ({"starts_at": "2019-09-01T10:00:00", "place": "Kafé"}, "starts_at"),  # after the cohort
                        ({"starts_at": "2019-01-01T10:00:00", "place": "Kafé"}, "starts_at"),  # in the past
                        ({"starts_at": "2019-03-01T10:00:00", "mode": "in_person"}, "place")):
        answer = expect(scheduling.send("PUT", f"/scheduling/meetings/{meeting['id']}/schedule", body, token), 422)
        assert field in answer["errors"]["json"], body
    answer = expect(scheduling.send("PUT", f"/scheduling/meetings/{meeting['id']}/schedule", {"starts_at": "tomorrow"}, token), 422)
    assert "starts_at" in answer["errors"]["json"]


def test_a_held_meeting_keeps_its_checklist_for_the_pair_only(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    meeting = scheduling.schedule(pair, 1, "2019-01-29T17:00:00")
    token = scheduling.token(pair, "mentor")
    early = expect(scheduling.send("POST", f"/scheduling/meetings/{meeting['id']}/held", CHECKLIST_FILLED, token), 409)
    assert "held_at" in early["errors"]
    missing = expect(scheduling.send("POST", f"/scheduling/meetings/{meeting['id']}/held", {"since_last_time": "x"}, token), 422)
    assert {"next_steps", "actions"} <= set(missing["errors"]["json"])

    clock.set(datetime(2019, 1, 29, 19, tzinfo=UTC))
    held = expect(scheduling.send("POST", f"/scheduling/meetings/{meeting['id']}/held", CHECKLIST_FILLED, token), 200)
    assert held["status"] == "held" and held["logged_by"] == "mentor"
    assert held["notes"]["actions"][0] == {"who": "mentee", "what": "Skicka CV till Karin", "by": None}
    assert held["notes"]["since_last_time"].startswith("Amal har sökt")
    (event,) = scheduling.events("meeting.held")
    assert event["data"]["number"] == 1 and "notes" not in event["data"]  # what was said stays with the pair
    coordinator = scheduling.coordinator("agency")
    seen = expect(scheduling.send("GET", f"/scheduling/meetings/{meeting['id']}", None, coordinator), 200)
    assert seen["status"] == "held" and seen["notes"] is None
    expect(scheduling.send("POST", f"/scheduling/meetings/{meeting['id']}/held", CHECKLIST_FILLED, token), 409)  # once


def test_a_missed_meeting_is_logged_and_a_future_one_cannot_be(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    meetings = scheduling.meetings(pair)
    token = scheduling.token(pair, "mentee")
    expect(scheduling.send("POST", f"/scheduling/meetings/{meetings[2]['id']}/missed", {}, token), 409)  # window not begun
    clock.set(datetime(2019, 2, 20, 9, tzinfo=UTC))
    missed = expect(scheduling.send("POST", f"/scheduling/meetings/{meetings[0]['id']}/missed", {"reason": "sjuk"}, token), 200)
    assert missed["status"] == "missed"
    assert [e["data"]["number"] for e in scheduling.events("meeting.missed")] == [1]


def test_a_participant_reaches_only_their_own_pair(scheduling):
    cohort = scheduling.cohort()
    ours = scheduling.confirm("agency", cohort)
    theirs = scheduling.confirm("agency", cohort, person("Omar Yusuf"), person("Lars Holm"))
    token = scheduling.token(ours, "mentee")
    expect(scheduling.send("GET", f"/scheduling/pairs/{theirs.id}", None, token), 404)
    their_meeting = scheduling.meetings(theirs)[0]
    expect(scheduling.send("PUT", f"/scheduling/meetings/{their_meeting['id']}/schedule",
                           {"starts_at": "2019-02-01T10:00:00", "place": "x"}, token), 404)
    mine = expect(scheduling.send("GET", "/scheduling/mine", None, token), 200)
    assert [p["pair_id"] for p in mine["pairs"]] == [ours.id] and mine["pairs"][0]["my_role"] == "mentee"
    assert len(mine["events"]) == 4
    # the programme shares e-mail within the pair, not phone numbers
    assert mine["pairs"][0]["mentor"]["email"] == "karin.berg@example.se" and mine["pairs"][0]["mentor"]["phone"] is None
    # a token that is not a participant's application link does not open a pair
    from services.shared.tenancy import issue_token

    representative = issue_token(KEY, tenant="agency", role="representative", sub="rep@example.se", org="skatteverket")
    expect(scheduling.send("GET", f"/scheduling/pairs/{ours.id}", None, representative), 403)
    expect(scheduling.send("GET", f"/scheduling/pairs/{ours.id}", None, None), 401)


def test_signing_is_for_the_pair_and_an_ended_pair_changes_nothing(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    sign_both(scheduling, pair)
    scheduling.end(pair)
    expect(scheduling.send("PATCH", f"/scheduling/pairs/{pair.id}/agreement", {"based_on_version": 1, "keep_in_touch": "x"},
                           scheduling.token(pair, "mentee")), 409)
    meeting = scheduling.meetings(pair)[2]
    expect(scheduling.send("PUT", f"/scheduling/meetings/{meeting['id']}/schedule", {"starts_at": "2019-04-01T10:00:00", "place": "x"},
                           scheduling.token(pair, "mentee")), 409)


def test_a_coordinator_enters_a_meeting_the_pair_reported_on_paper(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    coordinator = scheduling.coordinator("agency")
    meeting = scheduling.meetings(pair)[0]
    clock.set(datetime(2019, 2, 8, 9, tzinfo=UTC))
    held = expect(scheduling.send("POST", f"/scheduling/meetings/{meeting['id']}/held",
                                  {**CHECKLIST_FILLED, "held_at": "2019-02-07T17:00:00"}, coordinator), 200)
    assert (held["logged_by"], held["local_start"], held["notes"]) == ("coordinator", "2019-02-07T17:00:00+01:00", None)
    assert scheduling.meetings(pair)[0]["notes"]["next_steps"] == CHECKLIST_FILLED["next_steps"]  # the pair sees them
    expect(scheduling.send("POST", f"/scheduling/meetings/{meeting['id']}/proposal",
                           {"starts_at": "2019-03-01T10:00:00", "place": "x"}, coordinator), 403)  # proposing is the pair's
