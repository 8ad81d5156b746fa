"""A cohort's application list gives each waitlisted application its place in line, as the
application's own answer does — mentees and mentors each in their own line, on every page."""

from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect


def test_the_list_gives_each_waitlisted_application_the_place_its_own_answer_gives(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], mentee_places=2, mentor_places=1)
    applications = f"/intake/public/cohorts/{cohort['id']}/applications"
    for n in range(1, 7):
        expect(intake.send("POST", applications, mentee(n), None), 201)
    for n in range(1, 4):
        expect(intake.send("POST", applications, mentor(n), None), 201)
    # the first waitlisted mentee withdraws: those after her move up
    first = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/applications?role=mentee&status=waitlisted",
                               None, coordinator), 200)[0]
    expect(intake.send("POST", f"/intake/applications/{first['id']}/decision", {"status": "rejected"}, coordinator), 200)

    listed = []
    for page in (1, 2, 3):
        listed += expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/applications?page={page}&page_size=3",
                                     None, coordinator), 200)
    assert len(listed) == 9
    for row in listed:
        alone = expect(intake.send("GET", f"/intake/applications/{row['id']}", None, coordinator), 200)
        assert (row["status"], row["waitlist_position"]) == (alone["status"], alone["waitlist_position"]), row["email"]
    waiting = {(r["role"], r["waitlist_position"]) for r in listed if r["status"] == "waitlisted"}
    assert waiting == {("mentee", 1), ("mentee", 2), ("mentee", 3), ("mentor", 1), ("mentor", 2)}
    assert all(r["waitlist_position"] is None for r in listed if r["status"] != "waitlisted")
