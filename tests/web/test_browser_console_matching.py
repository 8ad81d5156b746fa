"""The console's matching in Chromium, in Swedish: she closes the cohort, runs matching by clicks,
watches the run's progress update without a reload (and, without JavaScript, by the refresh
link), opens a breakdown chart with its figures in text, asks why-not and approves all after the
confirmation. Each matching page speaks all four languages, passes axe and fits a phone."""

from __future__ import annotations

import re

import pytest

from tests.skeleton import expect, finished_run

from .browser import LOCALES, check_page, heading, language
from .console import Coordinator, coordinator, sign_in_browser
from .test_console_matching import closed_cohort


def colleague(tandem, person: Coordinator) -> Coordinator:
    """Another coordinator of the same tenant (each staff member gets three sign-in links a quarter
    of an hour, so the tests share the signing in among colleagues)."""
    from uuid import uuid4

    from .test_sign_in_pages import new_link

    email = f"colleague-{uuid4().hex[:8]}@{person.tenant}.example.se"
    expect(tandem.send("POST", f"/intake/tenants/{person.tenant}/staff",
                       {"email": email, "name": "Sara Lind", "role": "coordinator", "locale": "sv"}, tandem.operator), 201)
    new_link(tandem, email, 0)
    return Coordinator(email=email, token=person.token, tenant=person.tenant)


@pytest.fixture(scope="module")
def scenario(tandem):
    person = coordinator(tandem, locale="sv")
    return {"person": person, "cohort": closed_cohort(tandem, person, mentees=3, mentors=2)}


def test_she_runs_matching_sees_a_breakdown_asks_why_not_and_approves_all(tandem, page, scenario):
    person, cohort = scenario["person"], scenario["cohort"]
    sign_in_browser(tandem, page, person)
    page.goto(f"{tandem.url}/console/matching?lang=sv")
    page.click(f"a[href='/console/cohorts/{cohort['id']}/matching']")
    assert heading(page) == f"Matchning av {cohort['name']}"
    with page.expect_navigation():
        page.click("button:has-text('Starta en körning')")
    # the progress polls (htmx) until the run has finished, then the page shows the proposals
    page.wait_for_selector("table.proposals", timeout=30_000)
    check_page(page, "console-matching-review-sv")

    row = page.locator("table.proposals tbody tr").first
    row.locator("summary").click()
    chart = row.locator("svg.chart")
    assert chart.is_visible() and "Yrke" in chart.text_content() and re.search(r"\d+([.,]\d+)? av 5", chart.text_content())
    assert "Poäng per kriterium för" in chart.locator("title").text_content()
    assert page.locator("#unmatched table tbody tr").count() == 1

    with page.expect_navigation():
        row.locator("a:has-text('Varför inte en annan mentor?')").click()
    mentor_options = page.locator("#mentor option")
    page.select_option("#mentor", index=mentor_options.count() - 1)
    with page.expect_navigation():
        page.click("button:has-text('Fråga varför inte')")
    answer = page.inner_text("#why-not-text")
    assert answer.startswith(("Om de blir ett par", "Det här paret är redan föreslaget", "En låsning", "Inte möjligt"))
    check_page(page, "console-matching-why-not-sv")

    with page.expect_navigation():
        page.click("text=Tillbaka till förslagen")
    with page.expect_navigation():
        page.click("a:has-text('Godkänn alla öppna förslag')")
    assert "får var sitt mejl" in page.inner_text("form.confirm")
    check_page(page, "console-matching-approve-sv")
    with page.expect_navigation():
        page.click("button:has-text('Godkänn och skicka mejlen')")
    assert "Bekräftade par: 2" in page.inner_text("main")
    assert page.locator("table.proposals tbody tr", has_text="Bekräftat: behålls").count() == 2
    assert not page.problems, page.problems


def test_without_javascript_the_refresh_link_follows_the_run(tandem, browser, scenario):
    from .browser import DESKTOP

    person, cohort = scenario["person"], scenario["cohort"]
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    plain = context.new_page()
    try:
        sign_in_browser(tandem, plain, colleague(tandem, person))
        plain.goto(f"{tandem.url}/console/cohorts/{cohort['id']}/matching?lang=sv")
        with plain.expect_navigation():
            plain.click("button:has-text('Starta en körning')")
        runs = expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/runs", None, person.token), 200)
        if plain.locator("#run-progress").count():
            link = plain.locator("#run-progress a")
            finished_run(tandem.send, runs[0]["id"], person.token)
            with plain.expect_navigation():
                link.click()
        else:
            finished_run(tandem.send, runs[0]["id"], person.token)
            plain.reload()
        assert plain.locator("#run-progress").count() == 0
        assert "Föreslagna par" in plain.inner_text("main")
    finally:
        context.close()


def test_each_matching_page_speaks_each_language_passes_axe_and_fits_a_phone(tandem, page, scenario):
    person, cohort = scenario["person"], scenario["cohort"]
    sign_in_browser(tandem, page, colleague(tandem, person))  # one sign-in: a staff member gets three links a quarter of an hour
    for name, path in {"index": "/console/matching", "review": f"/console/cohorts/{cohort['id']}/matching",
                       "why-not": f"/console/cohorts/{cohort['id']}/matching/why-not"}.items():
        headings = {}
        for lang in LOCALES:
            page.goto(f"{tandem.url}{path}?lang={lang}")
            assert language(page) == lang
            headings[lang] = heading(page)
            check_page(page, f"console-matching-{name}-{lang}")
        assert len(set(headings.values())) >= 3, headings  # a word like "Matching" may be the same in two
    assert not page.problems, page.problems


def test_another_tenants_coordinator_gets_404(tandem, page, scenario):
    stranger = coordinator(tandem)
    sign_in_browser(tandem, page, stranger)
    answer = page.goto(f"{tandem.url}/console/cohorts/{scenario['cohort']['id']}/matching")
    assert answer.status == 404
