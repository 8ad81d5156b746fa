"""The console's applications, nominations and overview in Chromium: each page in Swedish,
Finnish, Norwegian and English, axe-clean and phone-wide; and the agency's spring cohort by clicks
in Swedish — the coordinator accepts the nominations, filters, searches and pages the list, decides
two at once after reading what is sent, downloads both CSVs and invites a representative, and the
overview shows 20 places taken and 2 waiting."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from babel.support import Translations

from tests.skeleton import expect

from .browser import DESKTOP, LOCALES, check_page, heading, language
from .console import coordinator, sign_in_browser
from .test_console_applications import spring_cohort

AREA = Path(__file__).resolve().parents[2] / "services" / "web" / "console" / "applications" / "translations"


def said(lang: str, text: str, **values) -> str:
    found = Translations.load(str(AREA), [lang]).gettext(text)
    return found % values if values else found


@pytest.fixture(scope="module")
def spring(tandem):
    person = coordinator(tandem)
    return {"person": person, **spring_cohort(tandem, person)}


@pytest.fixture(scope="module")
def console(tandem, browser, spring):
    """One signed-in tab for the module: a staff member gets at most three sign-in links a quarter hour."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
           and not r.url.endswith("/favicon.ico") and tab.problems.append(f"{r.status} {r.url}"))
    sign_in_browser(tandem, tab, spring["person"])
    yield tab
    context.close()


def pages(spring) -> dict[str, str]:
    cohort = spring["cohort"]["id"]
    return {"applications-index": "/console/applications", "applications": f"/console/cohorts/{cohort}/applications",
            "application": f"/console/applications/{spring['mentees'][0]['id']}",
            "nominations": f"/console/cohorts/{cohort}/nominations", "overview": "/console/overview"}


@pytest.mark.parametrize("name", ["applications-index", "applications", "application", "nominations", "overview"])
def test_each_page_speaks_each_language_passes_axe_and_fits_a_phone(tandem, console, spring, name):
    headings = {}
    for lang in LOCALES:
        console.goto(f"{tandem.url}{pages(spring)[name]}?lang={lang}")
        assert language(console) == lang
        headings[lang] = heading(console)
        check_page(console, f"console-{name}-{lang}")
    if name in ("applications-index", "applications", "nominations", "overview"):
        assert len(set(headings.values())) == len(LOCALES), headings
    assert not console.problems, console.problems


def click(tab, selector: str) -> None:
    with tab.expect_navigation():
        tab.click(selector)


def test_the_spring_cohort_by_clicks_in_swedish(tandem, console, spring):
    cohort = spring["cohort"]
    console.goto(f"{tandem.url}/console/applications?lang=sv")
    click(console, f"a[href$='/cohorts/{cohort['id']}/nominations']")
    assert heading(console) == f"{said('sv', 'Nominations')}: {cohort['name']}"
    for n in range(3):  # she accepts the three nominations, each after reading what it sends
        click(console, "button[name=decision][value=accept]")
        assert said("sv", "%(name)s gets an e-mail with a personal link to the mentor form.", name=f"Nominerad {n + 1}") \
            in console.inner_text("main")
        if n == 0:
            check_page(console, "console-nomination-confirm")
        click(console, "main form.confirm button[type=submit]")
    assert console.locator("button[name=decision][value=accept]").count() == 0
    nominations = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, spring["person"].token), 200)
    assert {n["status"] for n in nominations} == {"accepted"}

    # she invites a representative of Länsstyrelsen
    email = f"rep-{uuid.uuid4().hex[:6]}@lansstyrelsen.example.se"
    console.fill("#name", "Lena Holm")
    console.fill("#email", email)
    console.select_option("#organisation", "lansstyrelsen")
    click(console, "form[action$='#invite'] button[type=submit]")
    assert said("sv", "We have sent %(name)s an e-mail with a link to sign in.", name="Lena Holm") in console.inner_text("main")

    # the application list: 20 accepted, 2 waiting, in order
    click(console, f"nav.cohort-tabs a[href$='/cohorts/{cohort['id']}/applications']")
    assert "20 av 20 platser är tagna. 2 står på väntelistan." in console.inner_text("main")
    assert console.locator("ol.waiting-list li").all_inner_texts()[0].startswith("Mentee 21 Svensson")
    console.select_option("#status", "waitlisted")
    click(console, "form.filters button[type=submit]")
    assert console.locator("#applications tbody tr").count() == 2
    console.select_option("#status", "")
    console.fill("#q", "mentee1")  # mentee10..mentee19
    click(console, "form.filters button[type=submit]")
    assert console.locator("#applications tbody tr").count() == 10
    console.fill("#q", "")
    console.select_option("#profession", "2611")
    click(console, "form.filters button[type=submit]")
    assert console.locator("#applications tbody tr").count() == 13

    # she downloads both CSVs of the filtered list
    with console.expect_download() as plain:
        console.click("a[href*='applications.csv']:not([href*='excel'])")
    rows = list(csv.reader(io.StringIO(Path(plain.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 14 and rows[0][2] == "Namn"
    with console.expect_download() as excel:
        console.click("a[href*='excel=1']")
    raw = Path(excel.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 14 and rows[0][2] == "Namn" and "Mentor 1 Lind" in {r[2] for r in rows}

    # two mentors at once: she reads what is sent, then sends it
    console.select_option("#role", "mentor")
    click(console, "form.filters button[type=submit]")
    for box in console.locator("input[name=ids]").all():
        box.check()
    console.select_option("#decision", "waitlisted")
    click(console, "fieldset.bulk button[type=submit]")
    assert said("sv", "%(count)s people get an e-mail saying that they are on the waiting list.", count=2) \
        in console.inner_text("main")
    check_page(console, "console-decide-confirm")
    click(console, "main form.confirm button[type=submit]")
    assert heading(console) == said("sv", "Decisions sent")

    # the overview shows the places taken and the waiting list
    console.goto(f"{tandem.url}/console?lang=sv")
    card = console.locator(f"#cohort-{cohort['id']}")
    assert card.locator(".places").inner_text() == "20 / 20" and card.locator(".waiting").inner_text() == "2"
    check_page(console, "console-overview-spring")
    assert not console.problems, console.problems


def test_another_tenants_coordinator_gets_404(tandem, page, spring):
    other = coordinator(tandem)
    sign_in_browser(tandem, page, other)
    for path in pages(spring).values():
        if "/cohorts/" in path or path.startswith("/console/applications/"):
            answer = page.goto(f"{tandem.url}{path}?lang=sv")
            assert answer.status == 404, path
