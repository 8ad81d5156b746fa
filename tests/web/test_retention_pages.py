"""How long the personal page says a person's details are kept, and keeping them longer from it;
the console's list of whom the worker erases soon."""

from __future__ import annotations

import re

import pytest

from tests.web.test_pages import filled, text


@pytest.fixture(scope="module")
def cohort(tandem):
    coordinator = tandem.coordinator()
    return tandem.open_cohort(coordinator, tandem.programme(coordinator), ends_on="2027-08-31")


def test_the_personal_page_says_until_when_details_are_kept_and_a_person_extends_it(web, cohort):
    client = web.test_client()
    sent = client.post(f"/cohorts/{cohort['id']}/apply/mentee?lang=en", data=filled("keeps@example.se", locale="en"))
    token = re.search(r"token=([^&\"]+)", sent.headers["Location"]).group(1)
    mine = text(client.get(f"/applications/mine?token={token}&lang=en"))
    assert "We keep your details until August 31, 2029." in mine
    assert 'name="consent"' in mine

    unticked = client.post(f"/applications/mine/consent?token={token}&lang=en", data={})
    assert unticked.status_code == 422 and "Tick the box to agree." in text(unticked)

    extended = client.post(f"/applications/mine/consent?token={token}&lang=en", data={"consent": "yes"}, follow_redirects=True)
    assert "Thank you. We keep your details longer." in text(extended)
    assert "We keep your details until August 31, 2030." in text(extended)


@pytest.mark.parametrize(("lang", "words"), [("sv", "Vi sparar dina uppgifter till och med 31 augusti 2029."),
                                             ("fi", "Säilytämme tietojasi 31. elokuuta 2029 asti."),
                                             ("nb", "Vi lagrer opplysningene dine til og med 31. august 2029.")])
def test_the_retention_date_speaks_each_language(web, cohort, tandem, lang, words):
    applied = tandem.apply(cohort, f"kept-{lang}@example.se", locale=lang)
    assert words in text(web.test_client().get(f"/applications/mine?token={applied['manage_token']}"))


def test_the_console_lists_who_is_erased_within_thirty_days_and_why(tandem, web):
    from tests.skeleton import expect
    from tests.web.console import coordinator, sign_in

    person = coordinator(tandem)
    cohort = tandem.open_cohort(person.token, tandem.programme(person.token))
    short = {"given": True, "text_version": "2026-01", "retention_months": 1}
    leaving = tandem.apply(cohort, "leaving@example.se", name="Nadia Leaving", consent=short)
    tandem.apply(cohort, "staying@example.se", name="Omar Staying", consent=short)
    expect(tandem.send("POST", f"/intake/applications/mine/withdraw?token={leaving['manage_token']}", None, None), 200)

    client = web.test_client()
    sign_in(tandem, client, person)
    index = text(client.get("/console/applications?lang=en"))
    assert 'href="/console/retention"' in index
    page = client.get("/console/retention?lang=en")
    assert page.status_code == 200
    body = text(page)
    assert "1 people are erased within 30 days" in body
    assert "Nadia Leaving" in body and "Omar Staying" not in body  # still in a cohort that has not ended
    assert "Withdrew from Våren 2027 on" in body and "Kept 1 months after that." in body
    assert "Uppgifterna sparas till och med" in text(client.get("/console/retention?lang=sv"))
