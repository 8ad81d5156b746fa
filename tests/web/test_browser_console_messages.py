"""In Chromium: the coordinator filters the delivery log, previews an announcement in four
languages and sends it after a confirmation saying to whom, previews and saves her own wording of
a message (and sees a broken one refused beside the field), adds a webhook and rotates its
secret. Every messages page in all four languages passes axe and fits a phone."""

from __future__ import annotations

from tests.skeleton import eventually

from .browser import LOCALES, check_page, field_error, heading, language
from .console import coordinator, sign_in_browser
from .test_console_messages import cohort_with_people


def test_the_log_an_announcement_a_template_and_a_webhook_by_clicks(tandem, page):
    person = coordinator(tandem)
    cohort, emails = cohort_with_people(tandem, person.token)
    sign_in_browser(tandem, page, person)

    page.goto(f"{tandem.url}/console/messages?lang=sv")
    page.select_option("#cohort", cohort["id"])
    page.fill("#person", emails[0])
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = page.locator("#deliveries tbody tr")
    assert rows.count() >= 1 and all(emails[0] in row for row in rows.all_inner_texts())
    assert emails[1] not in page.inner_text("#deliveries")
    check_page(page, "console-messages-log")

    page.goto(f"{tandem.url}/console/cohorts/{cohort['id']}/announcements?lang=sv")
    for code, subject, text in (("sv", "Ny lokal", "Vi ses i sal B."), ("fi", "Uusi paikka", "Nähdään salissa B."),
                                ("nb", "Nytt lokale", "Vi ses i sal B."), ("en", "A new room", "See you in room B.")):
        page.fill(f"#subject-{code}", subject)
        page.fill(f"#body-{code}", text)
    with page.expect_navigation():
        page.click("button[value=preview]")
    assert heading(page) == "Förhandsgranskning av meddelandet"
    assert page.inner_text("#preview-fi").count("Uusi paikka") == 1 and "room B" in page.inner_text("#preview-en")
    assert "2 personer" in page.inner_text("#audience")
    check_page(page, "console-messages-announcement-preview")
    with page.expect_navigation():
        page.click("button[value=send]")
    assert "2 personer" in page.inner_text("[role=status]")
    eventually(lambda: [m for m in tandem.mail_to(emails[1]) if m["Subject"] == "Ny lokal"], 20, "the announcement")

    page.goto(f"{tandem.url}/console/messages/templates/application_accepted/sv?lang=sv")
    page.fill("#subject", "Välkommen, {{ name }}")
    with page.expect_navigation():
        page.click("button[value=preview]")
    assert page.inner_text("#preview-subject") == "Välkommen, Leyla Rahimi"
    page.fill("#subject", "Välkommen, {{ name")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert field_error(page, "subject").startswith("Fel:") or field_error(page, "subject")
    check_page(page, "console-messages-template-refused")
    page.fill("#subject", "Välkommen, {{ name }}")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "sparad" in page.inner_text("[role=status]")

    page.goto(f"{tandem.url}/console/messages/webhooks?lang=sv")
    page.fill("#url", "https://93.184.216.34/tandem")
    with page.expect_navigation():
        page.click("main form[action$='/console/messages/webhooks'] button[type=submit]")
    first = page.inner_text("#secret")
    assert first
    check_page(page, "console-messages-webhooks")
    with page.expect_navigation():
        page.click("form[action$='/webhooks/secret'] button[type=submit]")
    assert page.inner_text("#secret") not in ("", first)

    for lang in LOCALES:
        for path in ("/console/messages", f"/console/cohorts/{cohort['id']}/announcements", "/console/messages/templates",
                     "/console/messages/templates/announcement/fi", "/console/messages/webhooks"):
            page.goto(f"{tandem.url}{path}?lang={lang}")
            assert language(page) == lang
            check_page(page, f"console-messages-{path.strip('/').replace('/', '-')[:60]}-{lang}")
    assert not page.problems, page.problems


def test_another_tenants_coordinator_gets_404_on_the_messages(tandem, page):
    owner = coordinator(tandem)
    cohort, _ = cohort_with_people(tandem, owner.token, people=1)
    stranger = coordinator(tandem)
    sign_in_browser(tandem, page, stranger)
    assert page.goto(f"{tandem.url}/console/cohorts/{cohort['id']}/announcements?lang=sv").status == 404
