"""The cohort as scheduling keeps it: group events and attendance with a report of who missed a
mandatory event, the coordinator's overview, plans that follow the cohort's changes, events from
two producers in any order, and erasure."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from services.scheduling import store
from services.shared import clock
from tests.scheduling.conftest import CHECKLIST_FILLED, cohort_snapshot, person, sign_both
from tests.skeleton import expect

APPLICANT = {"programme_id": "p-agency", "programme_name": "Mentorprogrammet", "cohort_name": "Våren 2019",
             "time_zone": "Europe/Stockholm", "manage_link": None, "locale": "sv"}


def _applicant(scheduling, cohort, role: str, name: str, status: str = "accepted") -> str:
    who = person(name)
    data = {**APPLICANT, "application_id": who["application_id"], "cohort_id": cohort, "role": role, "name": name,
            "email": who["email"], "status": status, **({"waitlist_position": 1} if status == "waitlisted" else {})}
    scheduling.feed(f"application.{status}.v1" if status != "submitted" else "application.submitted.v1", "agency",
                    data if status != "submitted" else {**data, "submitted_at": clock.now(), "arrival": 1})
    return who["application_id"]


def test_the_coordinator_records_attendance_and_sees_who_missed_mandatory_events(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    lena = _applicant(scheduling, cohort, "mentor", "Lena Ek")  # accepted, not yet matched: expected too
    _applicant(scheduling, cohort, "mentee", "Waiting Person", status="waitlisted")  # not expected
    coordinator = scheduling.coordinator("agency")
    events = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/events", None, coordinator), 200)
    training, first_half_day = events[0], events[1]
    assert (training["kind"], training["local_start"], training["local_end"]) == ("training", "2019-01-23T10:00:00+01:00", "2019-01-24T12:30:00+01:00")

    clock.set(datetime(2019, 2, 1, 9, tzinfo=UTC))
    recorded = expect(scheduling.send("PUT", f"/scheduling/cohorts/{cohort}/events/{training['id']}/attendance", {"records": [
        {"application_id": pair.mentee_id, "status": "present"}, {"application_id": pair.mentor_id, "status": "absent"},
        {"application_id": lena, "status": "excused", "note": "sjuk"}]}, coordinator), 200)
    assert {a["name"]: a["status"] for a in recorded["attendees"]} == {"Amal Haddad": "present", "Karin Berg": "absent", "Lena Ek": "excused"}
    expect(scheduling.send("PUT", f"/scheduling/cohorts/{cohort}/events/{first_half_day['id']}/attendance", {"records": [
        {"application_id": pair.mentee_id, "status": "present"}, {"application_id": pair.mentor_id, "status": "absent"}]}, coordinator), 200)

    report = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/attendance/missed", None, coordinator), 200)
    assert report["mandatory_events"] == 4
    assert [(p["name"], len(p["missed"]), len(p["excused"])) for p in report["people"]] == [("Karin Berg", 2, 0), ("Lena Ek", 0, 1)]
    assert report["people"][0]["missed"][0]["kind"] == "training"
    # Lena's attendance at the first half-day meeting is still to be recorded
    assert [(u["event_id"], u["application_ids"]) for u in report["unrecorded"]] == [(first_half_day["id"], [lena])]

    bad = expect(scheduling.send("PUT", f"/scheduling/cohorts/{cohort}/events/{training['id']}/attendance",
                                 {"records": [{"application_id": "nobody", "status": "present"}, {"application_id": lena, "status": "late"}]},
                                 coordinator), 422)
    assert set(bad["errors"]["json"]["records"]) == {"1"}  # the status is checked first, field by field
    bad = expect(scheduling.send("PUT", f"/scheduling/cohorts/{cohort}/events/{training['id']}/attendance",
                                 {"records": [{"application_id": "nobody", "status": "present"}]}, coordinator), 422)
    assert bad["errors"]["json"]["records"]["0"] == {"application_id": ["not a participant of this cohort"]}

    overview = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/overview", None, coordinator), 200)
    assert overview["events"][0]["attendance"] == {"present": 1, "absent": 1, "excused": 1, "unrecorded": 0}
    assert overview["events"][1]["attendance"] == {"present": 1, "absent": 1, "excused": 0, "unrecorded": 1}


def test_the_overview_shows_each_pairs_phase_and_meetings_held_against_those_due(scheduling):
    cohort = scheduling.cohort()
    working = scheduling.confirm("agency", cohort)
    idle = scheduling.confirm("agency", cohort, person("Omar Yusuf"), person("Lars Holm"))
    sign_both(scheduling, working)
    first = scheduling.schedule(working, 1, "2019-01-29T17:00:00")
    clock.set(datetime(2019, 1, 30, 9, tzinfo=UTC))
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(working, "mentee")), 200)
    scheduling.schedule(working, 2, "2019-03-05T17:00:00")

    clock.set(datetime(2019, 3, 1, 9, tzinfo=UTC))
    overview = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/overview", None, scheduling.coordinator("agency")), 200)
    by_pair = {p["pair_id"]: p for p in overview["pairs"]}
    assert by_pair[working.id]["phase"] == "working" and by_pair[idle.id]["phase"] == "start"
    assert by_pair[working.id]["meetings"] == {"planned": 6, "due": 2, "held": 1, "missed": 0, "scheduled": 1, "overdue": 0}
    assert by_pair[idle.id]["meetings"] == {"planned": 6, "due": 2, "held": 0, "missed": 0, "scheduled": 0, "overdue": 1}
    assert by_pair[working.id]["agreement"]["in_force"] == 1 and by_pair[idle.id]["agreement"]["in_force"] is None
    assert by_pair[working.id]["next_meeting"]["number"] == 2
    assert overview["phases"] == {"start": 1, "working": 1, "closing": 0, "finished": 0}
    assert overview["meetings"]["held"] == 1 and len(overview["events"]) == 4


def test_the_plan_follows_the_cohort_when_its_cadence_changes(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    scheduling.schedule(pair, 1, "2019-02-05T17:00:00")
    scheduling.schedule(pair, 5, "2019-06-04T17:00:00")
    # the programme moves to a meeting every other month: three windows, two of the six topics in each
    scheduling.feed("cohort.updated.v1", "agency", cohort_snapshot(cohort, meeting_every_months=2))
    meetings = scheduling.meetings(pair)
    assert [(m["number"], m["status"]) for m in meetings] == [(1, "scheduled"), (2, "planned"), (3, "planned"),
                                                               (4, "cancelled"), (5, "cancelled"), (6, "cancelled")]
    assert [m["topic"]["en"] for m in meetings[:3]] == ["Getting to know each other · Goals and expectations",
                                                         "The labour market · Competence and education",
                                                         "Workplace culture · Closing and the road ahead"]
    assert (meetings[2]["window_start"], meetings[2]["window_end"]) == ("2019-05-23", "2019-07-22")
    assert [e["data"]["number"] for e in scheduling.events("meeting.cancelled")] == [5]  # the dated one says so


def test_a_pair_confirmed_before_its_cohort_arrives_is_planned_and_completed_later(scheduling):
    cohort = "c-" + person("x")["application_id"][:8]
    pair = scheduling.confirm("agency", cohort)  # matching's event overtook intake's snapshot
    meetings = scheduling.meetings(pair)
    assert len(meetings) == 6 and meetings[0]["topic"]["en"].startswith("Your own topic")
    scheduling.feed("cohort.opened.v1", "agency", cohort_snapshot(cohort))
    assert scheduling.meetings(pair)[0]["topic"]["en"] == "Getting to know each other"


def test_an_end_that_overtakes_its_confirmation_plans_nothing(scheduling):
    cohort = scheduling.cohort()
    mentee, mentor = person("Amal Haddad"), person("Karin Berg")
    from tests.scheduling.conftest import Pair

    early = Pair("agency", "p-early", cohort, mentee["application_id"], mentor["application_id"])
    scheduling.end(early)
    scheduling.feed("match.confirmed.v1", "agency", {
        "cohort_id": cohort, "cohort_name": "Våren 2019", "programme_id": "p", "programme_name": {"sv": "x"},
        "time_zone": "Europe/Stockholm", "starts_on": date(2019, 1, 23), "ends_on": date(2019, 7, 22), "pair_id": "p-early",
        "mentee": mentee, "mentor": mentor, "shared_languages": ["sv"], "share_contact_details": ["email"], "score": 1.0,
        "confirmed_at": clock.now()}, source="matching")
    assert scheduling.meetings(early) == [] and scheduling.events("agreement.drafted") == []


def test_an_erased_person_is_forgotten_and_hears_nothing_more(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    sign_both(scheduling, pair)
    url = scheduling.calendar(scheduling.token(pair, "mentee"))
    scheduling.feed("person.erasure_requested.v1", "agency", {"erasure_id": "e1", "email_sha256": "0" * 64,
                                                              "application_ids": [pair.mentee_id], "nomination_ids": []})
    coordinator = scheduling.coordinator("agency")
    seen = expect(scheduling.send("GET", f"/scheduling/pairs/{pair.id}", None, coordinator), 200)
    assert (seen["mentee"]["name"], seen["mentee"]["email"]) == ("erased", None)
    assert seen["agreement"]["goals"] == [] and seen["agreement"]["expectations"] == {"mentee": "", "mentor": ""}
    assert scheduling.ics_status(url) == 404
    expect(scheduling.send("GET", "/scheduling/mine", None, scheduling.token(pair, "mentee")), 404)
    for month in range(2, 9):
        scheduling.tick(datetime(2019, month, 1, tzinfo=UTC))
        scheduling.tick(datetime(2019, month, 24, tzinfo=UTC))
    assert scheduling.events("meeting.nudge_due") == []
    # the mentor was not erased: their own surveys still come
    assert {e["data"]["participant"]["application_id"] for e in scheduling.events("survey.due")} == {pair.mentor_id}


def test_an_erasure_takes_the_person_out_of_reasons_notes_and_the_outbox(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    sign_both(scheduling, pair)
    coordinator = scheduling.coordinator("agency")
    training = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/events", None, coordinator), 200)[0]
    expect(scheduling.send("PUT", f"/scheduling/cohorts/{cohort}/events/{training['id']}/attendance", {"records": [
        {"application_id": pair.mentee_id, "status": "excused", "note": "Amal var hos Migrationsverket"},
        {"application_id": pair.mentor_id, "status": "present", "note": "Karin ledde gruppen"}]}, coordinator), 200)
    first = scheduling.meetings(pair)[0]
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(pair, "mentee")), 200)
    o = store.OUTBOX
    with scheduling.engine.begin() as conn:  # the relay has sent what was written so far
        conn.execute(o.update().values(sent_at=clock.now()))
    scheduling.schedule(pair, 2, "2019-03-05T17:00:00+01:00")  # pending: meeting.scheduled names both of them
    scheduling.end(pair, reason="Amal flyttar till Malmö")
    waiting = [e for e in scheduling.events() if e["type"] in ("meeting.scheduled.v1", "meeting.cancelled.v1")]
    assert "Stadsbiblioteket, Stockholm" in {e["data"].get("place") for e in waiting}
    assert all("reason" not in e["data"] for e in waiting)  # a cancelled meeting no longer sends why

    scheduling.feed("person.erasure_requested.v1", "agency", {"erasure_id": "e1", "email_sha256": "0" * 64,
                                                              "application_ids": [pair.mentee_id], "nomination_ids": []})
    with scheduling.engine.connect() as conn:
        ended = conn.execute(sa.select(store.pairs.c.end_reason).where(store.pairs.c.id == pair.id)).scalar_one()
        notes = dict(conn.execute(sa.select(store.attendance.c.application_id, store.attendance.c.note)).all())
        meeting_notes = conn.execute(sa.select(store.meetings.c.notes).where(store.meetings.c.pair_id == pair.id)).scalars().all()
        sent = conn.execute(sa.select(o.c.body).where(o.c.sent_at.is_not(None))).scalars().all()
        pending = conn.execute(sa.select(o.c.body).where(o.c.sent_at.is_(None))).scalars().all()
    assert ended is None
    assert notes == {pair.mentee_id: "", pair.mentor_id: "Karin ledde gruppen"}  # the mentor's own stays
    assert meeting_notes and all(n is None for n in meeting_notes)
    # published events about the mentee are gone; the cohort's own stay
    assert sent and not any(pair.mentee_id in body or "amal.haddad@example.se" in body for body in sent)
    # those still to be sent travel without her name and address (her id stays: it names no one)
    assert any(pair.mentee_id in body for body in pending)
    assert not any("Amal Haddad" in body or "amal.haddad@example.se" in body for body in pending)
    assert not any("Malmö" in body or "Stadsbiblioteket" in body for body in pending)  # their reasons and places
    assert any("Karin Berg" in body for body in pending)
