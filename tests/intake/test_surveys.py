"""Surveys answered through a personal link, and an outcome report that hides small groups."""

from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect


def test_the_outcome_report_gives_figures_with_counts_and_suppresses_small_groups(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"], mentee_places=10)
    mentees = [expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(n), None), 201)
               for n in range(1, 7)]
    mentors = [expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor(n), None), 201)
               for n in range(1, 4)]
    # six mentees answer the closing survey; four got a qualified job, three of them thanks to the mentor
    for i, m in enumerate(mentees):
        survey = expect(intake.send("GET", f"/intake/surveys/closing?token={m['manage_token']}&lang=sv", None, None), 200)
        assert survey["questions"][0]["text"].startswith("Har du fått ett kvalificerat jobb")
        answers = {"qualified_job": i < 4, "mentor_contributed": i < 3, "meaningful": True,
                   "would_recommend": True, "comments": "Tack!"}
        expect(intake.send("POST", f"/intake/surveys/closing?token={m['manage_token']}", {"answers": answers}, None), 201)
    # three mentors answer: too few to report on their own
    for m in mentors:
        expect(intake.send("POST", f"/intake/surveys/closing?token={m['manage_token']}",
                           {"answers": {"meaningful": True, "would_recommend": True}}, None), 201)
    again = expect(intake.send("POST", f"/intake/surveys/closing?token={mentees[0]['manage_token']}",
                               {"answers": {"meaningful": True}}, None), 409)
    assert "answered already" in again["message"]

    report = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/outcomes", None, coordinator), 200)
    closing = report["surveys"]["closing"]
    assert (closing["invited"], closing["responded"], closing["response_rate"]) == (9, 9, 1.0)
    assert closing["figures"]["qualified_job"] == {"answered": 6, "yes": 4, "no": 2, "share_yes": 0.667}
    assert closing["figures"]["mentor_contributed"]["yes"] == 3
    assert closing["figures"]["meaningful"] == {"answered": 9, "yes": 9, "no": 0, "share_yes": 1.0}
    assert closing["figures"]["job_when"] == {"answered": 0, "suppressed": True}
    assert "comments" not in closing["figures"]  # free text is never a figure
    midpoint = report["surveys"]["midpoint"]
    assert midpoint["responded"] == 0 and all(f["suppressed"] for f in midpoint["figures"].values())


def test_answers_are_checked_against_their_questions(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    m = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    bad = expect(intake.send("POST", f"/intake/surveys/closing?token={m['manage_token']}",
                             {"answers": {"qualified_job": "ja", "job_when": "tomorrow", "shoe_size": 43}}, None), 422)
    assert set(bad["errors"]["json"]["answers"]) == {"qualified_job", "job_when", "shoe_size"}
    expect(intake.send("GET", f"/intake/surveys/yearly?token={m['manage_token']}", None, None), 404)
