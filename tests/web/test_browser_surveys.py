"""A participant answers the closing survey in a real browser (Debian's Chromium): the form, the
form with an answer explained beside its question, the thank-you page and the page for an answered
survey each pass axe-core without a serious or critical finding and fit a 360 px wide phone."""

from __future__ import annotations

import uuid

from .browser import check_page, heading, language
from .test_browser import said


def test_a_mentee_answers_the_closing_survey_in_swedish_fixes_a_too_long_comment_and_is_thanked(tandem, page):
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=5)
    applied = tandem.apply(cohort, f"amira-{uuid.uuid4().hex[:8]}@example.se")
    assert applied["status"] == "accepted"
    link = f"{tandem.url}/surveys/closing?token={applied['manage_token']}&lang=sv"

    page.goto(link)
    assert language(page) == "sv" and heading(page) == said("sv", "Closing survey")
    check_page(page, "survey")

    page.check("#answers-qualified_job")  # yes: the first of the two
    page.check("#answers-job_when-after")
    page.check("#answers-meaningful")
    page.check("#answers-would_recommend")
    page.fill("#answers-comments", "Tack! " * 700)  # longer than a comment may be
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator(".error-summary[role=alert]").count() == 1
    assert page.inner_text("#answers-comments-error").endswith(said("sv", "This is too long. Shorten it."))
    assert page.is_checked("#answers-job_when-after")  # the rest of the answers kept
    check_page(page, "survey-error")

    page.click("a[href='#answers-comments']")  # the error summary leads to the question
    assert page.evaluate("document.activeElement.id") == "answers-comments"
    page.fill("#answers-comments", "Tack för allt!")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert heading(page) == said("sv", "Thank you for your answers")
    check_page(page, "survey-thanks")

    page.goto(link)
    assert heading(page) == said("sv", "You have answered this survey already")
    assert page.locator("form[method=post]").count() == 0
    check_page(page, "survey-answered")
    assert not page.problems, page.problems
