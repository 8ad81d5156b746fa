"""The console's programmes and cohorts in Chromium: the state agency's spring programme by clicks in
Swedish — five professions, Swedish and English required of mentors, the six-step meeting plan; a
cohort of 20 places first come with a two-day residential training and three half-day meetings,
all mandatory, and a nomination deadline, opened after its confirmation — and every page in sv, fi,
nb and en, axe-clean and phone-wide. Another tenant's coordinator gets 404."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.skeleton import expect

from .browser import LOCALES, check_page, heading, language
from .console import coordinator, sign_in_browser

PROFESSIONS = ["Nationalekonomer (2631)", "Jurister (2611)", "Revisorer (2411)", "Systemanalytiker (2511)",
               "Statistiker (2120)"]
HALF_DAYS = ["2027-03-10", "2027-04-14", "2027-05-19"]


@pytest.fixture(scope="module")
def agency(tandem, browser):
    """The agency's spring programme and its cohort, made by clicks; their ids and the coordinator."""
    from .browser import DESKTOP

    person = coordinator(tandem)
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_browser(tandem, page, person)

    page.goto(f"{tandem.url}/console/programmes?lang=sv")
    page.click("text=Nytt program")
    page.fill("#name", "Mentorprogram för utrikes födda akademiker, våren")
    page.fill("#name-en", "Mentoring for foreign-born graduates, spring")
    page.fill("#description", "Myndighetens program för akademiker som är nya i Sverige.")
    page.check("#languages")  # Swedish, the first box
    page.check("#languages-en")
    page.check("#required_mentor_languages")
    page.check("#required_mentor_languages-en")
    for i, profession in enumerate(PROFESSIONS):
        page.fill(f"#professions-{i}", profession)
    with page.expect_navigation():
        page.click("button[value=save]")
    programme_id = re.search(r"/console/programmes/([0-9a-f-]{36})", page.url).group(1)
    assert page.locator(".plan-summary li").count() == 6

    page.click("a.button:has-text('Ny omgång')")
    page.fill("#name", "Våren 2027")
    page.fill("#starts_on", "2027-02-01")
    page.fill("#ends_on", "2027-08-31")
    page.fill("#nomination_deadline", "2027-01-15T16:00")
    page.fill("#application_deadline", "2027-01-25T23:59")
    page.fill("#mentee_places", "20")
    page.check("#admission-first_come")
    for _ in range(3):
        with page.expect_navigation():
            page.click("button[value=add-events]")
    page.select_option("#events-0-kind", "training")
    page.fill("#events-0-title", "Internatutbildning")
    page.fill("#events-0-starts_at", "2027-02-03T10:00")
    page.fill("#events-0-ends_at", "2027-02-04T12:30")
    page.fill("#events-0-venue", "Sigtuna")
    page.check("#events-0-mandatory")
    for i, day in enumerate(HALF_DAYS, start=1):
        page.select_option(f"#events-{i}-kind", "half_day")
        page.fill(f"#events-{i}-title", f"Halvdag {i}")
        page.fill(f"#events-{i}-starts_at", f"{day}T08:30")
        page.fill(f"#events-{i}-ends_at", f"{day}T12:00")
        page.fill(f"#events-{i}-venue", "Stockholm")
        page.check(f"#events-{i}-mandatory")
    with page.expect_navigation():
        page.click("button[value=save]")
    cohort_id = re.search(r"/console/cohorts/([0-9a-f-]{36})", page.url).group(1)
    check_page(page, "console-cohort-draft")

    page.click("text=Öppna för ansökningar")
    assert "Att öppna skickar inget mejl i sig." in page.inner_text("main")
    check_page(page, "console-cohort-open-confirm")
    with page.expect_navigation():
        page.click("form.confirm button")
    assert page.inner_text("#cohort-status") == "Öppen: tar emot ansökningar"
    page.close()
    # staff get a few sign-in links a quarter of an hour: the other tests use this signed-in context
    yield {"person": person, "programme": programme_id, "cohort": cohort_id, "context": context}
    context.close()


@pytest.fixture
def signed_in(agency):
    """A new page in the coordinator's signed-in browser, recording what goes wrong as ``page`` does."""
    opened = agency["context"].new_page()
    opened.problems = []
    opened.on("pageerror", lambda e: opened.problems.append(str(e)))
    opened.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
              and not r.url.endswith("/favicon.ico") and opened.problems.append(f"{r.status} {r.url}"))
    yield opened
    opened.close()


def stockholm(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%dT%H:%M")


def test_the_agency_programme_and_cohort_are_as_clicked(tandem, agency):
    token = agency["person"].token
    programme = expect(tandem.send("GET", f"/intake/programmes/{agency['programme']}", None, token), 200)
    assert [p["code"] for p in programme["professions"]] == ["2631", "2611", "2411", "2511", "2120"]
    assert programme["required_mentor_languages"] == ["sv", "en"] and programme["languages"] == ["sv", "en"]
    assert len(programme["meeting_plan"]) == 6
    cohort = expect(tandem.send("GET", f"/intake/cohorts/{agency['cohort']}", None, token), 200)
    assert cohort["status"] == "open" and cohort["mentee_places"] == 20 and cohort["admission"] == "first_come"
    assert cohort["nomination_deadline"].startswith("2027-01-15T15:00")
    events = cohort["group_events"]
    assert len(events) == 4 and all(e["mandatory"] for e in events)
    assert events[0]["starts_at"].startswith("2027-02-03T09:00") and events[0]["ends_at"].startswith("2027-02-04T11:30")
    local = [(stockholm(e["starts_at"]), stockholm(e["ends_at"])) for e in events[1:]]
    assert local == [(f"{d}T08:30", f"{d}T12:00") for d in HALF_DAYS]  # in summer time too


def test_the_public_address_is_copied_with_the_button(tandem, signed_in, agency):
    page = signed_in
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tandem.url)
    page.goto(f"{tandem.url}/console/cohorts/{agency['cohort']}?lang=sv")
    assert page.input_value("#public-address").endswith(f"/cohorts/{agency['cohort']}")
    page.click("button[data-copy]")
    page.locator(".copy-status", has_text="Kopierad").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/cohorts/{agency['cohort']}")
    assert not page.problems, page.problems


def test_the_meeting_plan_moves_a_meeting_down_by_a_button(tandem, signed_in, agency):
    page = signed_in
    page.goto(f"{tandem.url}/console/programmes/{agency['programme']}/plan?lang=sv")
    first = page.input_value("#plan-0-title")
    with page.expect_navigation():
        page.click("button[value=down-plan-0]")
    assert page.input_value("#plan-1-title") == first
    check_page(page, "console-programme-plan-moved")


def pages(agency) -> dict[str, str]:
    p, c = agency["programme"], agency["cohort"]
    found = {"programmes": "/console/programmes", "programme-new": "/console/programmes/new",
             "programme": f"/console/programmes/{p}", "programme-close": f"/console/programmes/{p}/status/close",
             "cohort-new": f"/console/programmes/{p}/cohorts/new", "cohort": f"/console/cohorts/{c}",
             "cohort-edit": f"/console/cohorts/{c}/edit", "cohort-close": f"/console/cohorts/{c}/status/close"}
    for section in ("basics", "plan", "matching", "messages", "contacts", "surveys"):
        found[f"programme-{section}"] = f"/console/programmes/{p}/{section}"
    return found


def test_every_page_speaks_each_language_passes_axe_and_fits_a_phone(tandem, signed_in, agency):
    page = signed_in
    for name, path in pages(agency).items():
        said = {}
        for lang in LOCALES:
            page.goto(f"{tandem.url}{path}?lang={lang}")
            assert language(page) == lang, f"{name} in {lang}"
            assert heading(page)
            said[lang] = page.inner_text("main")
            check_page(page, f"console-{name}-{lang}")
        assert len(set(said.values())) == len(LOCALES), f"{name} reads the same in two languages"
    assert not page.problems, page.problems


def test_another_tenants_coordinator_gets_404(tandem, page, agency):
    sign_in_browser(tandem, page, coordinator(tandem))
    for name, path in pages(agency).items():
        if name in ("programmes", "programme-new"):
            continue
        answer = page.goto(f"{tandem.url}{path}")
        assert answer.status == 404, path
    page.goto(f"{tandem.url}/console/programmes")
    assert "våren" not in page.inner_text("main")
