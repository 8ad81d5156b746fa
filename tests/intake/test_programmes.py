"""Programmes: defaults from the county programme, pausing with a public notice, cohorts moving on."""

from datetime import UTC, datetime

from services.intake.usecases.cohorts import advance_cohorts
from services.shared import clock
from tests.intake.conftest import mentee
from tests.skeleton import expect


def test_a_new_programme_starts_with_the_six_step_meeting_plan_and_monthly_two_hour_meetings(intake):
    coordinator = intake.tenant("vestfold")
    programme = intake.programme(coordinator, locale="nb", professions=[{"code": "2611", "title": "Jurist"}])
    assert programme["meeting_every_months"] == 1 and programme["meeting_minutes"] == 120
    assert len(programme["meeting_plan"]) == 6
    assert programme["meeting_plan"][0]["title"]["nb"].startswith("Bli kjent")
    assert programme["meeting_plan"][5]["title"]["nb"].startswith("Avslutning")
    assert len(programme["meeting_plan"][2]["checklist"]) == 5
    assert programme["meeting_plan"][2]["checklist"][0]["nb"] == "Hva har skjedd siden sist?"
    assert set(programme["matching_weights"]) >= {"profession", "interests"}
    changed = expect(intake.send("PATCH", f"/intake/programmes/{programme['id']}",
                                 {"matching_weights": {"profession": 9}, "duration_months": 7}, coordinator), 200)
    assert changed["matching_weights"]["profession"] == 9 and changed["matching_weights"]["interests"] == 2.0
    assert changed["duration_months"] == 7 and len(changed["meeting_plan"]) == 6


def test_a_paused_programme_refuses_with_its_notice_in_the_asked_language(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    cohort = intake.cohort(coordinator, programme["id"])
    expect(intake.send("POST", f"/intake/programmes/{programme['id']}/pause", {}, coordinator), 200)

    swedish = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications?lang=sv", mentee(1), None), 503)
    assert swedish["message"].startswith("Tjänsten är för tillfället inte tillgänglig")
    finnish = expect(intake.send("GET", f"/intake/public/cohorts/{cohort['id']}?lang=fi", None, None), 503)
    assert "arvioimme ja kehitämme ohjelmaa" in finnish["message"]
    english = expect(intake.send("GET", f"/intake/public/programmes/{programme['id']}?lang=en", None, None), 503)
    assert "evaluate and improve" in english["message"]
    assert intake.events("application.") == []  # accepted nothing

    expect(intake.send("POST", f"/intake/programmes/{programme['id']}/resume", None, coordinator), 200)
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    expect(intake.send("POST", f"/intake/programmes/{programme['id']}/close", None, coordinator), 200)
    closed = expect(intake.send("GET", f"/intake/public/cohorts/{cohort['id']}?lang=nb", None, None), 410)
    assert "avsluttet" in closed["message"]


def test_a_pause_may_carry_its_own_notice(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    notice = {"sv": "Vi tar paus till februari.", "en": "We are pausing until February."}
    expect(intake.send("POST", f"/intake/programmes/{programme['id']}/pause", {"notice": notice}, coordinator), 200)
    answer = intake.send("GET", f"/intake/public/programmes/{programme['id']}", None, None)
    assert answer == (503, answer[1]) and answer[1]["message"] == "Vi tar paus till februari."


def test_a_cohort_closes_by_itself_at_the_deadline_and_starts_and_finishes_on_its_dates(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    cohort = intake.cohort(coordinator, programme["id"], application_deadline="2026-12-01T23:00:00+00:00",
                           starts_on="2027-01-23", ends_on="2027-06-30",
                           group_events=[{"kind": "training", "starts_at": "2027-01-23T09:00:00", "ends_at": "2027-01-24T16:00:00",
                                          "venue": "Internat, Sigtuna", "mandatory": True}])
    assert cohort["group_events"][0]["starts_at"] == "2027-01-23T08:00:00+00:00"  # 09:00 Stockholm time
    assert advance_cohorts(intake.engine) == []
    clock.set(datetime(2026, 12, 1, 23, 0, tzinfo=UTC))
    assert advance_cohorts(intake.engine) == [(cohort["id"], "closed")]
    refused = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 409)
    assert "closed" in refused["message"]
    clock.set(datetime(2027, 1, 22, 23, 30, tzinfo=UTC))  # 00:30 on the 23rd in Stockholm
    assert advance_cohorts(intake.engine) == [(cohort["id"], "running")]
    clock.set(datetime(2027, 7, 1, 12, 0, tzinfo=UTC))
    assert advance_cohorts(intake.engine) == [(cohort["id"], "finished")]
    assert advance_cohorts(intake.engine) == []
    types = [e["type"] for e in intake.events("cohort.")]
    assert types == ["cohort.opened.v1", "cohort.closed.v1", "cohort.started.v1", "cohort.finished.v1"]
    closed = intake.events("cohort.closed")[0]["data"]
    assert closed["programme"]["meeting_minutes"] == 120 and closed["group_events"][0]["mandatory"] is True
    assert closed["mentee_places"] == 20 and closed["time_zone"] == "Europe/Stockholm"


def test_a_coordinator_moves_a_cohort_only_along_its_path(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], open=False)
    assert cohort["status"] == "draft"
    refused = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/start", None, coordinator), 409)
    assert refused["errors"]["status"] == ["draft"]
    for step, status in (("open", "open"), ("close", "closed"), ("start", "running"), ("finish", "finished")):
        assert expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/{step}", None, coordinator), 200)["status"] == status


def test_changing_a_cohort_under_way_tells_the_other_services(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    expect(intake.send("PATCH", f"/intake/cohorts/{cohort['id']}", {"group_events": [
        {"kind": "half_day", "starts_at": "2027-01-31T08:30:00", "ends_at": "2027-01-31T12:00:00", "venue": "Stockholm", "mandatory": True},
        {"kind": "half_day", "starts_at": "2027-03-28T08:30:00", "ends_at": "2027-03-28T12:00:00", "venue": "Stockholm", "mandatory": True},
    ]}, coordinator), 200)
    updated = intake.events("cohort.updated")
    assert len(updated) == 1 and len(updated[0]["data"]["group_events"]) == 2
    # 28 March 2027 is after the clock change: 08:30 local is 06:30 UTC
    assert updated[0]["data"]["group_events"][1]["starts_at"].startswith("2027-03-28T06:30:00")
    # moving one event keeps its id (calendars show it as the same event, moved); leaving one out removes it
    first = updated[0]["data"]["group_events"][0]
    moved = expect(intake.send("PATCH", f"/intake/cohorts/{cohort['id']}", {"group_events": [
        {"id": first["id"], "kind": "half_day", "starts_at": "2027-02-01T08:30:00", "ends_at": "2027-02-01T12:00:00",
         "venue": "Göteborg", "mandatory": True}]}, coordinator), 200)
    assert [(e["id"], e["venue"]) for e in moved["group_events"]] == [(first["id"], "Göteborg")]
