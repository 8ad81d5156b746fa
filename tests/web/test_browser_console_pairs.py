"""The console's pairs in Chromium: the list after she approved the matching shows the pairs, a
pair's page leaves out what the pair wrote, and she ends a pair early with a reason by clicks, in
Swedish. Each pairs page speaks all four languages, passes axe and fits a phone; another tenant's
coordinator gets 404."""

from __future__ import annotations

import pytest

from tests.skeleton import eventually, expect, finished_run

from .browser import LOCALES, check_page, heading, language
from .console import coordinator, sign_in_browser
from .test_browser_console_matching import colleague
from .test_console_matching import closed_cohort


@pytest.fixture(scope="module")
def paired(tandem):
    person = coordinator(tandem, locale="sv")
    cohort = closed_cohort(tandem, person, mentees=2, mentors=2)
    run = expect(tandem.send("POST", f"/matching/cohorts/{cohort['id']}/runs", {}, person.token), 202)
    assert finished_run(tandem.send, run["id"], person.token)["status"] == "succeeded"
    expect(tandem.send("POST", f"/matching/runs/{run['id']}/approve", None, person.token), 200)
    def both():
        items = expect(tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/pair-list", None, person.token), 200)["items"]
        return items if len(items) == 2 else None

    found = eventually(both, what="both pairs in scheduling")
    return {"person": person, "cohort": cohort, "pairs": found}


def test_the_pairs_list_shows_the_pairs_and_she_ends_one_with_a_reason(tandem, page, paired):
    person, cohort = paired["person"], paired["cohort"]
    sign_in_browser(tandem, page, person)
    page.goto(f"{tandem.url}/console/pairs?lang=sv")
    page.click(f"a[href='/console/cohorts/{cohort['id']}/pairs']")
    assert heading(page) == f"Par i {cohort['name']}"
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2 and "I starten" in rows.first.inner_text() and "Utkast, inte undertecknat" in rows.first.inner_text()
    with page.expect_navigation():
        rows.first.locator("a").click()
    assert "Träffplanen" in page.inner_text("main")
    assert "får var sitt mejl om att paret är avslutat" in page.inner_text("main")
    with page.expect_navigation():
        page.click("button:has-text('Avsluta paret och skicka mejlen')")
    assert page.locator("#reason-error").count() == 1  # the reason is asked for, beside the field
    page.fill("#reason", "Adepten har fått jobb i en annan stad")
    with page.expect_navigation():
        page.click("button:has-text('Avsluta paret och skicka mejlen')")
    assert "Paret är avslutat" in page.inner_text("main")
    check_page(page, "console-pairs-ended-sv")
    ended = expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/pairs", None, person.token), 200)
    assert [p["end_reason"] for p in ended if p["status"] == "ended"] == ["Adepten har fått jobb i en annan stad"]
    assert not page.problems, page.problems


def test_each_pairs_page_speaks_each_language_passes_axe_and_fits_a_phone(tandem, page, paired):
    person, cohort = paired["person"], paired["cohort"]
    sign_in_browser(tandem, page, colleague(tandem, person))
    pair_id = paired["pairs"][-1]["pair_id"]
    for name, path in {"index": "/console/pairs", "list": f"/console/cohorts/{cohort['id']}/pairs",
                       "pair": f"/console/cohorts/{cohort['id']}/pairs/{pair_id}"}.items():
        headings = {}
        for lang in LOCALES:
            page.goto(f"{tandem.url}{path}?lang={lang}")
            assert language(page) == lang
            headings[lang] = heading(page)
            check_page(page, f"console-pairs-{name}-{lang}")
        assert len(set(headings.values())) >= (1 if name == "pair" else 3), headings  # a pair's heading is its names
    assert not page.problems, page.problems


def test_another_tenants_coordinator_gets_404(tandem, page, paired):
    sign_in_browser(tandem, page, coordinator(tandem))
    base = f"{tandem.url}/console/cohorts/{paired['cohort']['id']}/pairs"
    assert page.goto(base).status == 404
    assert page.goto(f"{base}/{paired['pairs'][0]['pair_id']}").status == 404
