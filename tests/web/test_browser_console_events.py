"""The console's group events in Chromium: the coordinator takes the roll call of the first
half-day by clicks in Swedish and sees who missed it; the events pages in sv, fi, nb and en,
axe-clean and phone-wide; another tenant's coordinator gets 404."""

from __future__ import annotations

import pytest

from .browser import DESKTOP, LOCALES, check_page, heading, language
from .console import coordinator, sign_in_browser
from .test_console_events import EVENTS, cohort_with_events


@pytest.fixture(scope="module")
def setup(tandem, web):
    return cohort_with_events(tandem, web)


@pytest.fixture(scope="module")
def signed_in(tandem, browser, setup):
    """The coordinator's browser, signed in once (staff get a few sign-in links a quarter of an hour)."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_browser(tandem, page, setup["person"])
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def test_the_roll_call_of_the_first_half_day_by_clicks_and_who_missed_it(tandem, signed_in, setup):
    page = signed_in
    page.goto(f"{tandem.url}/console/events?lang=sv")
    page.click(f"a[href='/console/cohorts/{setup['cohort']['id']}/events']")
    title = EVENTS[1]["title"]["sv"]
    page.click(f"text=Närvaro: {title}")
    assert title in heading(page)
    ids = {p["name"]: p["id"] for p in setup["people"]}
    page.uncheck(f"#present-{ids['Bashir Noori']}")
    page.check(f"#present-{ids['Amira Haddad']}")
    page.check(f"#present-{ids['Chen Li']}")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "Närvaron är sparad." in page.inner_text("main")
    check_page(page, "console-roll-call-saved")
    page.click("main >> text=Vem missade en obligatorisk träff")
    missed = page.inner_text("#missed")
    assert "Bashir Noori" in missed and title in missed
    assert "Amira Haddad" not in missed and "Chen Li" not in missed
    check_page(page, "console-missed")
    assert not page.problems, page.problems


def test_every_events_page_speaks_each_language_passes_axe_and_fits_a_phone(tandem, signed_in, setup):
    page = signed_in
    cohort, event = setup["cohort"]["id"], setup["half_day"]["id"]
    for name, path in {"events": "/console/events", "cohort-events": f"/console/cohorts/{cohort}/events",
                       "roll-call": f"/console/cohorts/{cohort}/events/{event}",
                       "missed": f"/console/cohorts/{cohort}/events/missed"}.items():
        said = {}
        for lang in LOCALES:
            page.goto(f"{tandem.url}{path}?lang={lang}")
            assert language(page) == lang
            said[lang] = page.inner_text("main")
            check_page(page, f"console-{name}-{lang}")
        assert len(set(said.values())) == len(LOCALES), name
    assert not page.problems, page.problems


def test_another_tenants_coordinator_gets_404(tandem, page, setup):
    sign_in_browser(tandem, page, coordinator(tandem))
    cohort, event = setup["cohort"]["id"], setup["half_day"]["id"]
    for path in (f"/console/cohorts/{cohort}/events", f"/console/cohorts/{cohort}/events/{event}",
                 f"/console/cohorts/{cohort}/events/missed"):
        assert page.goto(f"{tandem.url}{path}").status == 404, path
