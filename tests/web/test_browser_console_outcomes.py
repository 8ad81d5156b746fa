"""In Chromium, in Swedish: survey answers are given through the survey pages (and the API), then
the coordinator reads the outcome charts — the figures in text, the note for a small group — and
downloads them as CSV. Every outcomes page in all four languages passes axe and fits a phone."""

from __future__ import annotations

import csv
import io

from tests.skeleton import expect

from .browser import LOCALES, check_page, heading, language
from .console import coordinator, sign_in_browser
from .test_console_outcomes import cohort_with_answers


def test_she_reads_the_outcome_charts_after_the_answers_are_in(tandem, page):
    person = coordinator(tandem)
    cohort, mentees, mentors = cohort_with_answers(tandem, person.token, mentees=6, mentors=3, answer=False)
    # two mentees answer through the survey page, by clicks
    for mentee in mentees[:2]:
        page.goto(f"{tandem.url}/surveys/closing?token={mentee['manage_token']}&lang=sv")
        page.check("#answers-qualified_job")  # yes
        page.check("#answers-job_when-after")
        page.check("#answers-mentor_contributed")  # yes
        page.check("#answers-meaningful")
        with page.expect_navigation():
            page.click("button[type=submit]")
    # the others through the API: four more mentees (three in work) and three mentors
    for n, mentee in enumerate(mentees[2:]):
        expect(tandem.send("POST", f"/intake/surveys/closing?token={mentee['manage_token']}",
                           {"answers": {"qualified_job": n < 3, "mentor_contributed": n < 2, "meaningful": True}}, None), 201)
    for mentor in mentors:
        expect(tandem.send("POST", f"/intake/surveys/closing?token={mentor['manage_token']}",
                           {"answers": {"meaningful": True}}, None), 201)

    sign_in_browser(tandem, page, person)
    page.goto(f"{tandem.url}/console/outcomes?lang=sv")
    check_page(page, "console-outcomes-index")
    with page.expect_navigation():
        page.click(f"a[href='/console/cohorts/{cohort['id']}/outcomes']")
    assert language(page) == "sv" and heading(page) == f"Resultat för {cohort['name']}"
    work = page.inner_text("#headline-qualified_work")
    assert "83\u00a0%" in work and "5 av 6 som svarade" in work
    assert "80\u00a0%" in page.inner_text("#headline-mentor_helped")  # 4 of the 5 in work
    assert "färre än 5 svar" in page.inner_text("#headline-mentors_meaningful")
    assert page.inner_text("#closing-rate") == "9 av 9 svarade."
    chart = page.locator("#closing-qualified_job svg[role=img]")
    assert "Ja 83\u00a0% (5 av 6)" in chart.locator("title").text_content()  # the text alternative
    assert "83\u00a0% (5 av 6)" in page.inner_text("#closing-qualified_job")  # the figure beside the bar
    assert "Visas inte" in page.inner_text("section[aria-labelledby=midpoint]")
    check_page(page, "console-outcomes")

    with page.expect_download() as download:
        page.click(f"a[href='/console/cohorts/{cohort['id']}/outcomes.csv']")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    by = {(r["survey"], r["figure"], r["answer"]): r for r in rows}
    assert (by[("closing", "headline:qualified_work", "yes")]["count"], by[("closing", "headline:qualified_work", "yes")]["answered"]) == ("5", "6")
    assert by[("closing", "headline:mentors_meaningful", "yes")]["suppressed"] == "yes"

    for lang in LOCALES:
        page.goto(f"{tandem.url}/console/cohorts/{cohort['id']}/outcomes?lang={lang}")
        assert language(page) == lang
        check_page(page, f"console-outcomes-{lang}")
    assert not page.problems, page.problems


def test_another_tenants_coordinator_gets_404_on_the_outcomes(tandem, page):
    owner = coordinator(tandem)
    cohort, _, _ = cohort_with_answers(tandem, owner.token, mentees=1, mentors=0, answer=False)
    stranger = coordinator(tandem)
    sign_in_browser(tandem, page, stranger)
    answer = page.goto(f"{tandem.url}/console/cohorts/{cohort['id']}/outcomes?lang=sv")
    assert answer.status == 404
