"""Applicants walk the web front in a real browser (Debian's Chromium): they read a cohort's page,
apply, open their personal link from the e-mail, withdraw; they make mistakes in the form and see
them explained; every page speaks each of the four languages, passes axe-core without a serious
or critical finding and fits a 360 px wide phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations

from tests.skeleton import eventually

from .browser import LOCALES, check_page, field_error, heading, language

TRANSLATIONS = Path(__file__).resolve().parents[2] / "services" / "web" / "translations"


def said(lang: str, text: str) -> str:
    """What the pages say for ``text`` in ``lang`` (their own catalogue)."""
    return Translations.load(str(TRANSLATIONS), [lang]).gettext(text)


def fill_mentee_form(page, name: str, email: str) -> None:
    """Amira's answers, typed and chosen as a person does it."""
    page.fill("#name", name)
    page.fill("#email", email)
    page.select_option("#locale", "sv")
    page.fill("#city", "Stockholm")
    page.select_option("#languages-0-language", "ar")
    page.select_option("#languages-0-level", "native")
    page.select_option("#languages-1-language", "sv")
    page.select_option("#languages-1-level", "B2")
    page.check("#mentoring_languages")  # the cohort's first language, Swedish
    page.check("#mentoring_languages-en")
    page.fill("#wished_profession", "Nationalekonomer (2631)")
    page.fill("#education_field", "Nationalekonomi")
    page.select_option("#education_level", "master")
    page.select_option("#education_country", "SY")
    page.fill("#experience_years", "5")
    page.check("#remote_ok")
    page.check("#consent")


def send_form(page) -> None:
    with page.expect_navigation():
        page.click("button[type=submit][value=apply]")


@pytest.fixture
def full_cohort(tandem):
    """A cohort with one mentee place, taken by a mentee who applied first."""
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=1)
    first = tandem.apply(cohort, f"first-{cohort['id'][:8]}@example.se")
    assert first["status"] == "accepted"
    return cohort, first


def test_a_mentee_applies_in_swedish_to_a_full_cohort_waits_first_in_line_and_withdraws_from_her_link(tandem, page, full_cohort):
    cohort, _first = full_cohort
    email = f"amira-{cohort['id'][:8]}@example.se"
    page.goto(f"{tandem.url}/cohorts/{cohort['id']}?lang=sv")
    assert language(page) == "sv"
    assert heading(page).startswith("Mentorprogram för utrikes födda akademiker")

    with page.expect_navigation():
        page.click(f"a[href*='/cohorts/{cohort['id']}/apply/mentee']")
    assert heading(page) == said("sv", "Apply as a mentee")
    fill_mentee_form(page, "Amira Haddad", email)
    send_form(page)

    # the confirmation: what happened, where she stands, what happens next
    assert language(page) == "sv"
    assert heading(page) == said("sv", "Application sent")
    assert page.inner_text("#status") == said("sv", "On the waiting list")
    assert page.inner_text("#waitlist_position").strip() == "1"
    assert said("sv", "What happens next") in page.inner_text("main")
    check_page(page, "confirmation")
    assert not page.problems, page.problems

    # the personal link from the e-mail opens the same application
    link = tandem.link_in_mail(email, "/applications/mine?token=")
    page.goto(link)
    assert heading(page) == said("sv", "Your application")
    assert page.inner_text("#status") == said("sv", "On the waiting list")
    assert page.inner_text("#waitlist_position").strip() == "1"

    # withdrawing asks first, and says it cannot be undone
    with page.expect_navigation():
        page.click("a[href*='/applications/mine/withdraw']")
    assert heading(page) == said("sv", "Withdraw your application?")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert heading(page) == said("sv", "Your application is withdrawn")
    assert page.inner_text("#status") == said("sv", "Withdrawn")
    assert not page.locator("a[href*='/applications/mine/withdraw']").count(), "nothing left to withdraw"
    check_page(page, "withdrawn")
    assert not page.problems, page.problems


def test_when_the_first_mentee_withdraws_through_her_link_the_next_in_line_sees_her_place(tandem, page, full_cohort):
    cohort, first = full_cohort
    waiting = tandem.apply(cohort, f"second-{cohort['id'][:8]}@example.se", name="Bashir Rahimi")
    assert waiting["status"] == "waitlisted"

    page.goto(tandem.link_in_mail(first["email"], "/applications/mine?token="))
    assert page.inner_text("#status") == said("sv", "You have a place")
    with page.expect_navigation():
        page.click("a[href*='/applications/mine/withdraw']")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.inner_text("#status") == said("sv", "Withdrawn")

    page.goto(tandem.link_in_mail(waiting["email"], "/applications/mine?token="))

    def promoted():
        page.reload()
        return page.inner_text("#status") == said("sv", "You have a place")

    eventually(promoted, timeout=10, what="the next in line's page to show her place")
    assert not page.locator("#waitlist_position").count()


def test_a_form_with_mistakes_says_what_is_wrong_at_the_top_and_beside_each_field_and_keeps_what_was_typed(tandem, page):
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator))
    page.goto(f"{tandem.url}/cohorts/{cohort['id']}/apply/mentee?lang=en")
    fill_mentee_form(page, "", "amira-at-example.se")
    page.fill("#city", "Göteborg")
    page.fill("#education_field", "Nationalekonomi och statistik")
    send_form(page)

    summary = page.locator("[role=alert]")
    assert summary.is_visible()
    assert summary.locator("h2").inner_text() == said("en", "There is a problem")
    assert page.title().startswith(said("en", "Error:"))
    targets = [a.get_attribute("href") for a in summary.locator("a").all()]
    assert "#name" in targets and "#email" in targets
    assert field_error(page, "name") and field_error(page, "email")
    assert not field_error(page, "city")
    # what she typed is still there, the wrong e-mail address too, so she can correct it
    assert page.input_value("#email") == "amira-at-example.se"
    assert page.input_value("#city") == "Göteborg"
    assert page.input_value("#education_field") == "Nationalekonomi och statistik"
    assert page.input_value("#education_level") == "master"
    assert page.is_checked("#consent") and page.is_checked("#mentoring_languages-en")
    check_page(page, "apply-errors")
    # the summary's link leads to the field
    page.click("[role=alert] a[href='#email']")
    assert page.evaluate("location.hash") == "#email"
    assert not page.problems, page.problems


@pytest.fixture(scope="module")
def every_page(tandem):
    """A URL of each page of the applicant's path, on one open cohort: name -> path."""
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    cohort = tandem.open_cohort(coordinator, programme, nomination_deadline="2027-01-10T12:00:00+01:00",
                                group_events=[{"kind": "training", "title": {"sv": "Utbildningsdag", "en": "Training day"},
                                               "mandatory": True, "starts_at": "2027-02-10T09:00:00", "ends_at": "2027-02-10T16:00:00"}])
    applied = tandem.apply(cohort, f"every-{cohort['id'][:8]}@example.se")
    mentor_form = tandem.nominee_link(coordinator, cohort, "akavia", "Karin Berg", f"karin-{cohort['id'][:8]}@example.se")
    token = applied["manage_token"]
    paused = tandem.programme(coordinator)
    paused_cohort = tandem.open_cohort(coordinator, paused)
    tandem.send("POST", f"/intake/programmes/{paused['id']}/pause", {"notice": {
        "sv": "Programmet utvärderas och tar inte emot ansökningar just nu.", "fi": "Ohjelmaa arvioidaan.",
        "nb": "Programmet evalueres.", "en": "The programme is being evaluated."}}, coordinator)
    return {
        "home": "/",
        "cohort": f"/cohorts/{cohort['id']}",
        "apply-mentee": f"/cohorts/{cohort['id']}/apply/mentee",
        "apply-mentor": f"/cohorts/{cohort['id']}/apply/mentor",
        "my-application": f"/applications/mine?token={token}",
        "withdraw": f"/applications/mine/withdraw?token={token}",
        "links": "/links",
        "mentor-form": mentor_form.removeprefix(tandem.url),
        "cohort-paused": f"/cohorts/{paused_cohort['id']}",
        "bad-link": "/applications/mine?token=not-a-link",
    }


@pytest.mark.parametrize("name", ["home", "cohort", "apply-mentee", "apply-mentor", "my-application", "withdraw", "links",
                                  "mentor-form", "cohort-paused", "bad-link"])
def test_each_page_speaks_each_language_passes_axe_and_fits_a_phone(tandem, page, every_page, name):
    path = every_page[name]
    headings = {}
    for lang in LOCALES:
        page.goto(f"{tandem.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert language(page) == lang, f"{name} in {lang}"
        headings[lang] = heading(page)
        # the language switch: a plain link to this page in each language, this one marked current
        switch = page.locator("nav a[hreflang]")
        assert sorted(switch.evaluate_all("links => links.map(a => a.hreflang)")) == sorted(LOCALES)
        assert page.locator(f"nav a[hreflang={lang}][aria-current]").count() == 1
        if lang == "sv":
            check_page(page, f"{name}-{lang}")
    assert len(set(headings.values())) == len(LOCALES), f"{name}'s <h1> is the same in two languages: {headings}"
    assert not page.problems, f"{name}: {page.problems}"


def test_the_paused_programme_says_so_in_the_readers_language(tandem, page, every_page):
    page.goto(f"{tandem.url}{every_page['cohort-paused']}?lang=sv")
    assert heading(page) == said("sv", "Applications are paused")
    assert "Programmet utvärderas" in page.inner_text("main")
    assert not page.locator("a[href*='/apply/']").count()


def test_the_language_chosen_is_remembered_on_the_next_page(tandem, page, every_page):
    page.goto(f"{tandem.url}{every_page['cohort']}?lang=fi")
    page.goto(f"{tandem.url}{every_page['links']}")
    assert language(page) == "fi"
    page.goto(f"{tandem.url}{every_page['links']}?lang=nb")
    page.goto(f"{tandem.url}/")
    assert language(page) == "nb"


def test_the_keyboard_reaches_the_main_content_first_and_the_form_in_order(tandem, page, every_page):
    page.goto(f"{tandem.url}{every_page['apply-mentee']}?lang=sv")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    # from the main content, the first fields in the order they are asked
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
    assert reached.index("name") < reached.index("email") < reached.index("locale")


def test_without_a_choice_a_page_speaks_the_applicants_own_language_else_the_browsers(tandem, browser, every_page):
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator))
    finnish = tandem.apply(cohort, f"aino-{cohort['id'][:8]}@example.fi", locale="fi")
    context = browser.new_context(locale="nb-NO")  # the browser asks for Norwegian bokmål
    try:
        page = context.new_page()
        page.goto(f"{tandem.url}/applications/mine?token={finnish['manage_token']}")
        assert language(page) == "fi", "her own language, from her application"
        page.goto(f"{tandem.url}{every_page['cohort']}")
        assert language(page) == "nb", "the browser's language where the page knows nobody's"
    finally:
        context.close()


def test_without_javascript_a_mentee_adds_a_language_row_and_applies(tandem, browser):
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator))
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{tandem.url}/cohorts/{cohort['id']}/apply/mentee?lang=en")
        fill_mentee_form(page, "Amira Haddad", f"nojs-{cohort['id'][:8]}@example.se")
        assert not page.locator("#languages-3-language").count()
        with page.expect_navigation():
            page.click("button[value=add_language]")
        # the whole form came back with one more row, and everything typed still in it
        assert page.input_value("#name") == "Amira Haddad"
        assert page.input_value("#languages-1-level") == "B2"
        page.select_option("#languages-2-language", "en")
        page.select_option("#languages-2-level", "C1")
        page.select_option("#languages-3-language", "fr")
        page.select_option("#languages-3-level", "B1")
        send_form(page)
        assert heading(page) == said("en", "Application sent")
    finally:
        context.close()


def test_with_javascript_adding_a_language_row_replaces_only_the_languages(tandem, page, every_page):
    page.goto(f"{tandem.url}{every_page['apply-mentee']}?lang=en")
    page.fill("#name", "Amira Haddad")
    page.evaluate("window.stillTheSamePage = true")
    page.click("button[value=add_language]")
    page.wait_for_selector("#languages-3-language")
    assert page.evaluate("window.stillTheSamePage") is True, "htmx swapped the rows in, no page load"
    assert page.input_value("#name") == "Amira Haddad"
    assert not page.problems, page.problems
