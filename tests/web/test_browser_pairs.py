"""A mentor and a mentee in their workspace, in a real browser (Debian's Chromium): each page of
the pair — its page, the agreement, signing, a signed version, the meeting plan, a meeting, the
checklist after a meeting, a missed meeting, calling a meeting off, withdrawing a proposed time,
and someone else's link — passes axe-core without a
serious or critical finding, fits a 360 px wide phone and speaks each language."""

from __future__ import annotations

import re

import pytest

from tests.skeleton import expect

from .browser import LOCALES, check_page, field_error, heading, language
from .test_browser import said
from .test_pair_pages import confirmed_pairs, token_of

PAGES = ["pair", "agreement", "agreement-sign", "agreement-version", "meetings", "meeting", "meeting-held",
         "meeting-missed", "meeting-cancel", "meeting-withdraw", "not-yours"]


@pytest.fixture(scope="module")
def workspace(tandem):
    """Each page of one pair, opened with its mentee's link: name -> path; and the pairs."""
    ours, theirs = confirmed_pairs(tandem)
    token = token_of(ours["mentee"])
    from urllib.request import urlopen

    with urlopen(f"{tandem.url}/pairs/{ours['id']}/meetings?token={token}&lang=en", timeout=10) as answer:  # noqa: S310
        meetings = list(dict.fromkeys(re.findall(r'/meetings/([0-9a-f-]{36})\?token=', answer.read().decode())))
    meeting, to_call_off, proposed, to_call_off_here = meetings[0], meetings[4], meetings[5], meetings[6]
    for meeting_id, how in ((to_call_off, "PUT schedule"), (proposed, "POST proposal"), (to_call_off_here, "PUT schedule")):
        method, path = how.split()
        window = expect(tandem.send("GET", f"/scheduling/meetings/{meeting_id}", None, token), 200)["window_start"]
        expect(tandem.send(method, f"/scheduling/meetings/{meeting_id}/{path}",
                           {"starts_at": f"{window}T17:30:00", "mode": "in_person", "place": "Stadsbiblioteket"}, token), 200)
    pages = {
        "pair": f"/pairs/{ours['id']}?token={token}",
        "agreement": f"/pairs/{ours['id']}/agreement?token={token}",
        "agreement-sign": f"/pairs/{ours['id']}/agreement/sign?token={token}",
        "agreement-version": f"/pairs/{ours['id']}/agreement/versions/1?token={token}",
        "meetings": f"/pairs/{ours['id']}/meetings?token={token}",
        "meeting": f"/meetings/{meeting}?token={token}",
        "meeting-held": f"/meetings/{meeting}/held?token={token}",
        "meeting-missed": f"/meetings/{meeting}/missed?token={token}",
        "meeting-cancel": f"/meetings/{to_call_off}/cancel?token={token}",
        "meeting-withdraw": f"/meetings/{proposed}/proposal/withdraw?token={token}",
        "meeting-to-call-off": f"/meetings/{to_call_off_here}?token={token}",
        "not-yours": f"/pairs/{theirs['id']}?token={token}",
    }
    return {"pages": pages, "ours": ours, "theirs": theirs}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_of_the_pair_speaks_each_language_passes_axe_and_fits_a_phone(tandem, page, workspace, name):
    path = workspace["pages"][name]
    headings = {}
    for lang in LOCALES:
        page.goto(f"{tandem.url}{path}&lang={lang}")
        assert language(page) == lang, f"{name} in {lang}"
        headings[lang] = heading(page)
        if lang == "sv":
            check_page(page, f"{name}-{lang}")
    assert len(set(headings.values())) == len(LOCALES), f"{name}'s <h1> is the same in two languages: {headings}"
    assert not page.problems, f"{name}: {page.problems}"


def test_the_mentee_logs_a_meeting_fixes_what_is_missing_from_the_error_summary_and_sees_the_checklist(tandem, page, workspace):
    page.goto(f"{tandem.url}{workspace['pages']['meeting-held']}&lang=sv")
    with page.expect_navigation():
        page.click("button[value=held]")
    assert page.locator(".error-summary[role=alert]").count() == 1
    assert field_error(page, "since_last_time").endswith(said("sv", "Write what has happened since last time."))
    check_page(page, "meeting-held-error")

    page.click("a[href='#since_last_time']")  # the error summary leads to the field
    assert page.evaluate("document.activeElement.id") == "since_last_time"
    page.fill("#since_last_time", "Jag har skrivit om mitt CV.")
    page.fill("#next_steps", "Söka två tjänster.")
    page.select_option("#actions-0-who", "mentee")
    page.fill("#actions-0-what", "Söka två tjänster")
    with page.expect_navigation():
        page.click("button[value=held]")
    assert page.inner_text("#status") == said("sv", "Held")
    assert "Jag har skrivit om mitt CV." in page.inner_text("main")
    check_page(page, "meeting-held-logged")
    assert not page.problems, page.problems


def test_with_javascript_adding_a_goal_replaces_only_the_goals_and_keeps_what_was_typed(tandem, page, workspace):
    page.goto(f"{tandem.url}{workspace['pages']['agreement']}&lang=en".replace(workspace["ours"]["id"], workspace["theirs"]["id"])
              .replace(token_of(workspace["ours"]["mentee"]), token_of(workspace["theirs"]["mentee"])))
    page.fill("#keep_in_touch", "A call every other week")
    page.fill("#goals-0-title", "Find work as an economist")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click("button[value=add_goal]")
    page.wait_for_selector("#goals-2-title")
    assert page.evaluate("document.activeElement.id") == "goals-2-title"
    assert page.input_value("#keep_in_touch") == "A call every other week"  # outside the goals: untouched
    assert page.input_value("#goals-0-title") == "Find work as an economist"
    check_page(page, "agreement-goal-added")
    assert not page.problems, page.problems


def test_the_mentee_calls_a_meeting_off_by_keyboard_fixes_a_too_long_reason_and_sees_it_called_off(tandem, page, workspace):
    page.goto(f"{tandem.url}{workspace['pages']['meeting-to-call-off']}&lang=fi")
    page.get_by_role("link", name=said("fi", "Call the meeting off")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert heading(page) == said("fi", "Call off meeting %(number)s?") % {"number": 7}
    page.fill("#reason", "Olen sairas. " * 40)
    with page.expect_navigation():
        page.get_by_role("button", name=said("fi", "Yes, call the meeting off")).click()
    assert field_error(page, "reason").endswith(said("fi", "This is too long. Shorten it."))
    assert page.input_value("#reason").startswith("Olen sairas.")
    check_page(page, "meeting-cancel-error")
    page.fill("#reason", "Olen sairas.")
    with page.expect_navigation():
        page.get_by_role("button", name=said("fi", "Yes, call the meeting off")).click()
    assert page.inner_text("#status") == said("fi", "Called off")
    assert said("fi", "The meeting is called off. We have sent you both an e-mail.") in page.inner_text("main")
    check_page(page, "meeting-called-off")
    assert not page.problems, page.problems
