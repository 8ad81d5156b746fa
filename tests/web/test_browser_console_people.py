"""The console's staff page in Chromium: in four languages, axe-clean and phone-wide; a coordinator
invites a representative by clicks in Swedish, sees the error beside the field first, changes the
role and removes them after reading what removing does."""

from __future__ import annotations

import uuid
from pathlib import Path

from babel.support import Translations

from tests.skeleton import expect

from .browser import LOCALES, check_page, field_error, heading, language
from .console import coordinator, sign_in_browser

AREA = Path(__file__).resolve().parents[2] / "services" / "web" / "console" / "people" / "translations"


def said(lang: str, text: str, **values) -> str:
    found = Translations.load(str(AREA), [lang]).gettext(text)
    return found % values if values else found


def click(tab, selector: str) -> None:
    with tab.expect_navigation():
        tab.click(selector)


def test_the_staff_page_in_each_language_and_an_invitation_by_clicks(tandem, page):
    person = coordinator(tandem)
    tandem.programme(person.token, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    sign_in_browser(tandem, page, person)
    headings = set()
    for lang in LOCALES:
        page.goto(f"{tandem.url}/console/staff?lang={lang}")
        assert language(page) == lang
        headings.add(heading(page))
        check_page(page, f"console-staff-{lang}")
    assert len(headings) == len(LOCALES)

    page.goto(f"{tandem.url}/console/staff?lang=sv")
    email = f"eva-{uuid.uuid4().hex[:6]}@akavia.example.se"
    page.fill("#name", "Eva Ek")
    page.fill("#email", email)
    page.select_option("#role", "representative")
    click(page, "form[action$='#invite'] button[type=submit]")
    assert field_error(page, "organisation").endswith(said("sv", "Choose the member organisation the representative speaks for."))
    assert page.input_value("#email") == email
    check_page(page, "console-staff-error")
    page.select_option("#organisation", "akavia")
    click(page, "form[action$='#invite'] button[type=submit]")
    assert said("sv", "We have sent %(name)s an e-mail with a link to sign in.", name="Eva Ek") in page.inner_text("main")
    eva = next(s for s in expect(tandem.send("GET", "/intake/staff", None, person.token), 200) if s["email"] == email)
    assert eva["role"] == "representative" and eva["organisation"] == "akavia"

    page.select_option(f"#role-{eva['id']}", "coordinator")
    click(page, f"form[action$='/staff/{eva['id']}/role'] button[type=submit]")
    assert said("sv", "The role is changed. It applies from their next sign-in.") in page.inner_text("main")
    click(page, f"form[action$='/staff/{eva['id']}/remove'] button[type=submit]")
    assert heading(page) == said("sv", "Remove %(name)s?", name="Eva Ek")
    check_page(page, "console-staff-remove")
    click(page, "main form.confirm button[type=submit]")
    assert said("sv", "The staff member is removed. They can no longer sign in.") in page.inner_text("main")
    eva = next(s for s in expect(tandem.send("GET", "/intake/staff", None, person.token), 200) if s["email"] == email)
    assert eva["role"] == "coordinator" and not eva["active"]
    assert not page.problems, page.problems
