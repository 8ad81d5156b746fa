"""The console's outcomes: a cohort's survey figures as bar charts with their numbers in text, the
programme's headline figures, a small group shown only as such, the figures as CSV — and none of
it for another tenant's coordinator."""

from __future__ import annotations

import csv
import io
import uuid

from tests.skeleton import expect

from .console import coordinator, sign_in


def mentor(email: str) -> dict:
    """A mentor's application as the public form sends it."""
    return {"role": "mentor", "name": "Mikael Berg", "email": email, "locale": "sv",
            "languages": [{"language": "sv", "level": "native"}, {"language": "en", "level": "C1"}],
            "mentoring_languages": ["sv", "en"], "profession": {"code": "2631", "title": "Nationalekonom"},
            "experience_years": 15, "sector": "public", "employer": "Kammarkollegiet", "city": "Stockholm",
            "capacity": 2, "consent": {"given": True, "text_version": "2026-01", "retention_months": 24}}


def cohort_with_answers(tandem, token: str, mentees: int = 6, mentors: int = 3, answer: bool = True) -> tuple[dict, list, list]:
    """A cohort with ``mentees`` and ``mentors`` accepted; with ``answer``, all mentees answer the
    closing survey (all but one in qualified work, the mentor helped all but one of them) and the
    mentors answer that it was meaningful — too few mentors to show on their own."""
    cohort = tandem.open_cohort(token, tandem.programme(token), mentee_places=mentees + 2)
    tag = uuid.uuid4().hex[:8]
    people = [tandem.apply(cohort, f"adept{n}-{tag}@example.se") for n in range(mentees)]
    guides = [expect(tandem.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                                 mentor(f"mentor{n}-{tag}@example.se"), None), 201) for n in range(mentors)]
    if answer:
        for n, person in enumerate(people):
            answers = {"qualified_job": n < mentees - 1, "mentor_contributed": n < mentees - 2, "meaningful": True,
                       "job_when": "after" if n < mentees - 1 else "not_yet"}
            expect(tandem.send("POST", f"/intake/surveys/closing?token={person['manage_token']}",
                               {"answers": answers}, None), 201)
        for person in guides:
            expect(tandem.send("POST", f"/intake/surveys/closing?token={person['manage_token']}",
                               {"answers": {"meaningful": True}}, None), 201)
    return cohort, people, guides


def test_the_outcomes_show_figures_in_text_and_the_headline_and_hide_a_small_group(tandem, web):
    person = coordinator(tandem)
    cohort, _, _ = cohort_with_answers(tandem, person.token)
    client = web.test_client()
    sign_in(tandem, client, person)

    index = client.get("/console/outcomes?lang=en")
    assert index.status_code == 200 and f"/console/cohorts/{cohort['id']}/outcomes" in index.get_data(as_text=True)
    answer = client.get(f"/console/cohorts/{cohort['id']}/outcomes?lang=en")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page[:500]
    assert "Mentees in qualified work" in page and "83%" in page and "5 of 6 who answered" in page
    assert "Of them, say the mentor helped" in page and "80%" in page  # 4 of the 5 in work
    assert "Mentors who found it meaningful" in page and "fewer than 5 answers" in page
    assert "9 of 9 answered." in page
    assert "<svg" in page and "<title" in page  # drawn on the server, with a text alternative
    assert "Not shown: 0 answered, fewer than 5." in page  # the mid-point survey, unanswered

    swedish = client.get(f"/console/cohorts/{cohort['id']}/outcomes?lang=sv").get_data(as_text=True)
    assert "Adepter med kvalificerat arbete" in swedish and "83\u00a0%" in swedish


def test_the_figures_download_as_csv(tandem, web):
    person = coordinator(tandem)
    cohort, _, _ = cohort_with_answers(tandem, person.token)
    client = web.test_client()
    sign_in(tandem, client, person)
    answer = client.get(f"/console/cohorts/{cohort['id']}/outcomes.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    by = {(r["survey"], r["figure"], r["answer"]): r for r in rows}
    assert by[("closing", "headline:qualified_work", "yes")]["count"] == "5"
    assert by[("closing", "headline:mentors_meaningful", "yes")]["suppressed"] == "yes"
    assert by[("closing", "response_rate", "")]["count"] == "9"
    assert by[("closing", "qualified_job", "yes")]["share"] == "0.833"
    assert by[("closing", "job_when", "after")]["count"] == "5"
    assert by[("midpoint", "meaningful", "")]["suppressed"] == "yes"


def test_another_tenants_coordinator_gets_404(tandem, web):
    owner = coordinator(tandem)
    cohort, _, _ = cohort_with_answers(tandem, owner.token, mentees=1, mentors=0, answer=False)
    stranger = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, stranger)
    for path in (f"/console/cohorts/{cohort['id']}/outcomes", f"/console/cohorts/{cohort['id']}/outcomes.csv"):
        assert client.get(path).status_code == 404, path
    assert cohort["id"] not in client.get("/console/outcomes").get_data(as_text=True)
