"""The outcome report's headline figures, in the terms programmes report them: the share of
mentees in qualified work, the share of those saying the mentor helped, the share of mentors
finding it meaningful — each suppressed for a small group."""

from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect


def test_the_headline_figures_come_from_the_closing_survey_and_hide_small_groups(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], mentee_places=10)
    mentees = [expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(n), None), 201)
               for n in range(1, 7)]
    mentors = [expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor(n), None), 201)
               for n in range(1, 4)]
    # six mentees: five in qualified work, four of them say the mentor helped (one who is not says so too)
    for i, m in enumerate(mentees):
        answers = {"qualified_job": i < 5, "mentor_contributed": i < 4 or i == 5, "meaningful": i < 3}
        expect(intake.send("POST", f"/intake/surveys/closing?token={m['manage_token']}", {"answers": answers}, None), 201)
    for m in mentors:  # three mentors: fewer than five
        expect(intake.send("POST", f"/intake/surveys/closing?token={m['manage_token']}",
                           {"answers": {"meaningful": True}}, None), 201)

    headline = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/outcomes", None, coordinator), 200)["headline"]
    assert headline["qualified_work"] == {"answered": 6, "yes": 5, "share": 0.833, "suppressed": False}
    assert headline["mentor_helped"] == {"answered": 5, "yes": 4, "share": 0.8, "suppressed": False}
    assert headline["mentors_meaningful"] == {"answered": 3, "suppressed": True}
