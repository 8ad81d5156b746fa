"""A mentee unsubscribes from a programme's news in a real browser (Debian's Chromium): the page
that asks (in each of the four languages), the page after the confirmation, and the page for a
broken link each pass axe-core without a serious or critical finding and fit a 360 px wide phone;
the confirmation works by keyboard alone."""

from __future__ import annotations

from .browser import LOCALES, check_page, heading, language
from .test_browser import said
from .test_unsubscribe_pages import unsubscribe_link


def test_a_mentee_reads_what_stops_in_each_language_and_unsubscribes_by_keyboard(tandem, page):
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=5)
    _, path = unsubscribe_link(tandem, coordinator, cohort, "fi")
    link = tandem.url + path

    for lang in LOCALES:
        page.goto(link.replace("lang=fi", f"lang={lang}"))
        assert language(page) == lang and heading(page) == said(lang, "Stop reminders and other messages?")
        assert page.locator("ul.unsubscribe-stops li").count() == 5
        check_page(page, f"unsubscribe-{lang}")

    page.goto(link)  # in Finnish again, as the message's link says
    button = page.get_by_role("button", name=said("fi", "Yes, unsubscribe"))
    for _ in range(40):  # Tab through the page to the button, as a keyboard user does
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        raise AssertionError("the confirmation button cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert heading(page) == said("fi", "You have unsubscribed")
    assert page.locator("form[method=post]").count() == 0
    check_page(page, "unsubscribe-done")

    page.goto(f"{tandem.url}/unsubscribe?token=old&lang=sv")
    assert heading(page) == said("sv", "This link does not work")
    check_page(page, "unsubscribe-broken")
    assert not page.problems, page.problems
