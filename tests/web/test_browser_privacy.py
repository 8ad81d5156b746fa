"""A person's data in Chromium: the person downloads their file from their own page; on the
console's privacy page, in four languages, axe-clean and phone-wide, a coordinator types a bad
address and sees the error beside the field, then the person's audit trail, and downloads their
file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.support import Translations

from .browser import LOCALES, check_page, field_error, heading, language
from .console import coordinator, sign_in_browser

AREA = Path(__file__).resolve().parents[2] / "services" / "web" / "console" / "privacy" / "translations"
FRONT = Path(__file__).resolve().parents[2] / "services" / "web" / "translations"


def said(lang: str, text: str, folder: Path = AREA) -> str:
    return Translations.load(str(folder), [lang]).gettext(text)


def click(tab, selector: str) -> None:
    with tab.expect_navigation():
        tab.click(selector)


def test_a_person_downloads_their_file_from_their_own_page(tandem, page):
    team = coordinator(tandem)
    cohort = tandem.open_cohort(team.token, tandem.programme(team.token))
    token = tandem.apply(cohort, "leila.ahmadi@example.se", name="Leila Ahmadi")["manage_token"]
    page.goto(f"{tandem.url}/applications/mine?token={token}&lang=sv")
    check_page(page, "my-application-data")
    link = page.get_by_role("link", name=said("sv", "Download everything Tandem holds about me (JSON)", FRONT))
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert re.fullmatch(r"tandem-my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert {"intake", "matching", "scheduling", "notify"} <= set(document)
    assert "Leila Ahmadi" in json.dumps(document, ensure_ascii=False)
    assert not page.problems, page.problems


def test_the_privacy_page_in_each_language_a_bad_address_and_a_persons_trail(tandem, page):
    person = coordinator(tandem)
    cohort = tandem.open_cohort(person.token, tandem.programme(person.token))
    tandem.apply(cohort, "jussi.korhonen@example.se", name="Jussi Korhonen")
    sign_in_browser(tandem, page, person)
    headings = set()
    for lang in LOCALES:
        page.goto(f"{tandem.url}/console/privacy?lang={lang}")
        assert language(page) == lang
        headings.add(heading(page))
        check_page(page, f"console-privacy-{lang}")
    assert len(headings) == len(LOCALES)

    page.goto(f"{tandem.url}/console/privacy?lang=sv")
    page.fill("#email", "jussi.korhonen.example.se")
    click(page, "form[action$='/console/privacy'] button[type=submit]")
    assert field_error(page, "email").endswith(said("sv", "Enter an e-mail address like name@example.com.", FRONT))
    assert page.input_value("#email") == "jussi.korhonen.example.se"
    check_page(page, "console-privacy-error")

    page.fill("#email", "jussi.korhonen@example.se")
    click(page, "form[action$='/console/privacy'] button[type=submit]")
    with page.expect_download() as started:
        page.get_by_role("link", name=said("sv", "Download this person's data (JSON)")).click()
    assert started.value.suggested_filename.startswith("tandem-data-")
    assert "Jussi Korhonen" in Path(started.value.path()).read_text(encoding="utf-8")

    page.goto(f"{tandem.url}/console/privacy?lang=sv&email=jussi.korhonen%40example.se")
    assert page.locator("#audit tbody tr").count() >= 1  # the download is on record
    check_page(page, "console-privacy-trail")
    assert not page.problems, page.problems
