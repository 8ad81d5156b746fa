"""First come, first served: the first N valid mentees get the places, the rest wait in arrival order."""

import threading

import pytest

from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect


def _submit_concurrently(intake, cohort_id: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def apply(i, body):
        send = intake.client()
        barrier.wait()
        answers[i] = send("POST", f"/intake/public/cohorts/{cohort_id}/applications", body, None)

    threads = [threading.Thread(target=apply, args=(i, b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


@pytest.mark.services
def test_a_twenty_place_cohort_takes_exactly_twenty_of_twenty_five_concurrent_mentees(intake_pg):
    intake = intake_pg
    coordinator = intake.tenant("statens-arbetsgivarverk")
    programme = intake.programme(coordinator)
    cohort = intake.cohort(coordinator, programme["id"], mentee_places=20)

    answers = _submit_concurrently(intake, cohort["id"], [mentee(n) for n in range(1, 26)])

    assert all(code == 201 for code, _ in answers), [a for a in answers if a[0] != 201][:3]
    accepted = sorted((b for _, b in answers if b["status"] == "accepted"), key=lambda b: b["arrival"])
    waitlisted = sorted((b for _, b in answers if b["status"] == "waitlisted"), key=lambda b: b["arrival"])
    assert len(accepted) == 20 and len(waitlisted) == 5
    # arrival order decides: the first twenty arrivals hold the places, the rest wait in order
    assert [b["arrival"] for b in accepted] == list(range(1, 21))
    assert [b["arrival"] for b in waitlisted] == list(range(21, 26))
    assert [b["waitlist_position"] for b in waitlisted] == [1, 2, 3, 4, 5]
    listed = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}", None, coordinator), 200)
    assert listed["accepted"]["mentee"] == 20 and listed["waitlisted"]["mentee"] == 5
    # and every decision was published
    assert len(intake.events("application.accepted")) == 20
    assert [e["data"]["waitlist_position"] for e in intake.events("application.waitlisted")] == [1, 2, 3, 4, 5]


def test_a_withdrawal_before_the_start_promotes_the_first_on_the_waiting_list(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], mentee_places=2)
    first = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(2), None), 201)
    third = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(3), None), 201)
    fourth = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(4), None), 201)
    assert (third["status"], third["waitlist_position"]) == ("waitlisted", 1)
    assert fourth["waitlist_position"] == 2

    # the mentee withdraws with the personal token the application answered with
    withdrawn = expect(intake.send("POST", f"/intake/applications/mine/withdraw?token={first['manage_token']}", None, None), 200)
    assert withdrawn["status"] == "withdrawn"

    promoted = expect(intake.send("GET", f"/intake/applications/{third['id']}", None, coordinator), 200)
    assert promoted["status"] == "accepted"
    still = expect(intake.send("GET", f"/intake/applications/{fourth['id']}", None, coordinator), 200)
    assert (still["status"], still["waitlist_position"]) == ("waitlisted", 1)
    assert [e["data"]["application_id"] for e in intake.events("application.promoted")] == [third["id"]]
    assert intake.events("application.withdrawn")[0]["data"]["previous_status"] == "accepted"


def test_a_selection_cohort_waits_for_the_coordinator(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], admission="selection", mentee_places=1)
    one = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    two = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(2), None), 201)
    assert one["status"] == two["status"] == "submitted"
    expect(intake.send("POST", f"/intake/applications/{one['id']}/decision", {"status": "accepted"}, coordinator), 200)
    full = expect(intake.send("POST", f"/intake/applications/{two['id']}/decision", {"status": "accepted"}, coordinator), 409)
    assert "places are taken" in full["message"]
    expect(intake.send("POST", f"/intake/applications/{two['id']}/decision", {"status": "waitlisted"}, coordinator), 200)
    refused = expect(intake.send("POST", f"/intake/applications/{one['id']}/decision", {"status": "submitted"}, coordinator), 422)
    assert "status" in refused["errors"]["json"]


def test_the_same_email_twice_in_one_cohort_and_role_is_refused_with_the_first_applications_id(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    first = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    again = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                               mentee(1, email="ADEPT1@example.se"), None), 409)
    assert again["errors"]["existing_id"] == first["id"]
    # the same person may still apply as a mentor
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor(1, email="adept1@example.se"), None), 201)


def test_a_coordinator_enters_an_application_from_a_paper_form(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], open=False)
    entered = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/applications", mentor(3), coordinator), 201)
    assert entered["role"] == "mentor" and entered["status"] == "accepted"
    listed = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/applications?role=mentor", None, coordinator), 200)
    assert [a["id"] for a in listed] == [entered["id"]]


def test_the_public_is_rate_limited_per_client(tmp_path):
    from tests.intake.conftest import Intake

    intake = Intake(f"sqlite:///{tmp_path}/limited.db", tmp_path, rate_limit="3 per minute")
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    codes = [intake.send("GET", f"/intake/public/cohorts/{cohort['id']}", None, None)[0] for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = intake.send("GET", f"/intake/public/cohorts/{cohort['id']}", None, None)[1]
    assert body["code"] == 429
