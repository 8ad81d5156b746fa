"""A cohort's deadlines and start lie ahead: a coordinator cannot open one that is already over."""

from datetime import UTC, datetime

from services.shared import clock
from tests.skeleton import expect


def test_a_cohort_whose_deadlines_and_start_are_past_is_refused_naming_each_date(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    bad = expect(intake.send("POST", f"/intake/programmes/{programme['id']}/cohorts", {
        "name": "Våren 2019", "time_zone": "Europe/Stockholm", "starts_on": "2019-02-01", "ends_on": "2019-08-31",
        "application_deadline": "2019-01-10T23:00:00+00:00", "nomination_deadline": "2019-01-05T23:00:00+00:00", "open": True,
    }, coordinator), 422)
    assert bad["errors"]["json"] == {"starts_on": ["is in the past"], "application_deadline": ["is in the past"],
                                     "nomination_deadline": ["is in the past"]}
    assert intake.events("cohort.") == []


def test_a_deadline_moved_into_the_past_is_refused(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], nomination_deadline="2027-01-11T22:59:00+00:00")
    clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
    bad = expect(intake.send("PATCH", f"/intake/cohorts/{cohort['id']}",
                             {"nomination_deadline": "2026-12-14T22:59:00+00:00"}, coordinator), 422)
    assert bad["errors"]["json"] == {"nomination_deadline": ["is in the past"]}
    moved = expect(intake.send("PATCH", f"/intake/cohorts/{cohort['id']}",
                               {"nomination_deadline": "2026-12-20T22:59:00+00:00"}, coordinator), 200)
    assert moved["nomination_deadline"] == "2026-12-20T22:59:00+00:00"


def test_a_cohort_may_start_today_in_its_own_time_zone(intake):
    coordinator = intake.tenant("saco")
    clock.set(datetime(2027, 1, 31, 23, 30, tzinfo=UTC))  # already 1 February in Stockholm
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], starts_on="2027-02-01")
    assert cohort["starts_on"] == "2027-02-01"


def test_a_running_cohort_can_be_edited_with_its_past_dates_sent_again_unchanged(intake):
    # a form sends every field: the start and deadline that have passed are no change
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"],
                           application_deadline="2027-01-10T22:59:00+00:00")
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    edited = expect(intake.send("PATCH", f"/intake/cohorts/{cohort['id']}", {
        "name": "Våren 2027 (förlängd)", "starts_on": cohort["starts_on"], "ends_on": "2027-07-31",
        "application_deadline": cohort["application_deadline"], "time_zone": cohort["time_zone"],
    }, coordinator), 200)
    assert (edited["name"], edited["ends_on"]) == ("Våren 2027 (förlängd)", "2027-07-31")
