"""The applicant's pages, through the web front's own test client, against the embedded platform
served on a local port (the ``tandem`` fixture): the pages call the APIs over HTTP, as they do in
every mode."""

from __future__ import annotations

import re
import uuid

import pytest

from services.shared.contract.events import LOCALES
from services.web.app import create_app
from services.web.settings import web_settings
from tests.skeleton import expect

# a word each locale's pages use and no other locale's does
SIGN_OF = {"sv": "Ansök som adept", "fi": "Hae mentoroitavaksi", "nb": "Søk som mentee", "en": "Apply as a mentee"}
LOCAL_TIMES = {"sv": "09:00–16:00", "fi": "9.00–16.00", "nb": "09:00–16:00", "en": "9:00\u202fAM–4:00\u202fPM"}
APPLY_HEADING = {"sv": "Ansök som adept", "fi": "Hae mentoroitavaksi", "nb": "Søk som mentee", "en": "Apply as a mentee"}


@pytest.fixture(scope="module")
def cohort(tandem):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator)
    return tandem.open_cohort(coordinator, programme, mentee_places=1, application_deadline="2027-01-15T23:59:00+01:00",
                              group_events=[{"kind": "training", "title": {"sv": "Utbildningsdag", "en": "Training day"},
                                             "mandatory": True, "starts_at": "2027-02-10T09:00:00",
                                             "ends_at": "2027-02-10T16:00:00"}])


def text(answer) -> str:
    return answer.get_data(as_text=True)


def filled(email: str, **fields) -> dict:
    """The mentee's form as a person fills it in."""
    return {"name": "Amira Haddad", "email": email, "locale": "sv", "language_rows": "3",
            "languages-0-language": "ar", "languages-0-level": "native",
            "languages-1-language": "sv", "languages-1-level": "B2",
            "mentoring_languages": ["sv", "en"], "wished_profession": "Nationalekonomer (2631)",
            "education_field": "Nationalekonomi", "education_level": "master", "education_country": "SY",
            "experience_years": "5", "city": "Stockholm", "remote_ok": "yes", "consent": "yes",
            "action": "apply", **fields}


@pytest.mark.parametrize("lang", LOCALES)
def test_the_cohort_page_speaks_each_language_and_shows_local_times(web, cohort, lang):
    page = web.test_client().get(f"/cohorts/{cohort['id']}?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in text(page)
    assert SIGN_OF[lang] in text(page)
    assert LOCAL_TIMES[lang] in text(page)  # Stockholm's time, not UTC's 08:00, as each locale writes it
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("lang", LOCALES)
def test_the_application_form_speaks_each_language(web, cohort, lang):
    page = web.test_client().get(f"/cohorts/{cohort['id']}/apply/mentee?lang={lang}")
    assert page.status_code == 200
    assert f"<h1>{APPLY_HEADING[lang]}</h1>" in text(page)
    assert '<label class="label" for="name">' in text(page)
    assert "(2631)" in text(page)  # the professions list, from intake


def test_the_chosen_language_is_remembered_on_the_next_page(web, cohort):
    client = web.test_client()
    client.get(f"/cohorts/{cohort['id']}?lang=fi")
    assert SIGN_OF["fi"] in text(client.get(f"/cohorts/{cohort['id']}"))


def test_a_bad_application_keeps_what_was_typed_and_names_each_problem(web, cohort):
    page = web.test_client().post(f"/cohorts/{cohort['id']}/apply/mentee?lang=en", data=filled(
        "not-an-address", name="", consent="", city="Göteborg", **{"languages-1-level": ""}))
    assert page.status_code == 422
    html = text(page)
    summary = html.split('role="alert"', 1)[1].split("</div>", 1)[0]
    for field in ("name", "email", "languages-1-level", "consent"):
        assert f'href="#{field}"' in summary, field
        assert f'id="{field}-error"' in html, field
    assert "Enter your full name." in html and "Tick the box to agree" in html
    assert 'value="not-an-address"' in html and 'value="Göteborg"' in html  # kept as typed
    assert re.search(r'<option value="ar" selected>', html)


def test_another_language_row_comes_without_javascript(web, cohort):
    page = web.test_client().post(f"/cohorts/{cohort['id']}/apply/mentee", data=filled("rows@example.se", action="add_language"))
    assert page.status_code == 200
    assert 'id="languages-3-language"' in text(page) and 'value="rows@example.se"' in text(page)
    assert re.search(r'id="languages-3-language"[^>]* autofocus', text(page))  # where the keyboard goes on


def test_an_applicant_applies_sees_what_happens_next_and_withdraws(web, cohort):
    client = web.test_client()
    sent = client.post(f"/cohorts/{cohort['id']}/apply/mentee?lang=en", data=filled("first@example.se", locale="en"))
    assert sent.status_code == 302, text(sent)
    mine = client.get(sent.headers["Location"])
    assert mine.status_code == 200
    assert "Application sent" in text(mine) and "You have a place" in text(mine)
    assert "we match mentees and mentors" in text(mine)

    token = re.search(r"token=([^&\"]+)", sent.headers["Location"]).group(1)
    confirm = client.get(f"/applications/mine/withdraw?token={token}")
    assert "Withdraw your application?" in text(confirm)
    withdrawn = client.post(f"/applications/mine/withdraw?token={token}", follow_redirects=True)
    assert "Your application is withdrawn" in text(withdrawn)
    assert '<strong id="status">Withdrawn</strong>' in text(withdrawn)


def test_the_second_mentee_for_one_place_sees_their_place_in_the_queue(web, cohort, tandem):
    tandem.apply(cohort, "holder@example.se")
    client = web.test_client()
    sent = client.post(f"/cohorts/{cohort['id']}/apply/mentee?lang=sv", data=filled("second@example.se"))
    mine = text(client.get(sent.headers["Location"]))
    assert "På väntelistan" in mine and 'id="waitlist_position">' in mine


@pytest.mark.parametrize("lang", LOCALES)
def test_my_application_speaks_the_asked_language(web, cohort, tandem, lang):
    token = tandem.apply(cohort, f"reader-{lang}@example.se")["manage_token"]
    page = web.test_client().get(f"/applications/mine?token={token}&lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}">' in text(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_my_application_is_in_my_own_language_when_i_chose_none(web, cohort, tandem):
    token = tandem.apply(cohort, "finnish@example.se", locale="fi")["manage_token"]
    page = web.test_client().get(f"/applications/mine?token={token}", headers={"Accept-Language": "en"})
    assert '<html lang="fi">' in text(page)


def test_a_broken_personal_link_says_how_to_get_a_new_one(web):
    page = web.test_client().get("/applications/mine?token=not-a-token&lang=en")
    assert page.status_code == 404 and "This link does not work" in text(page) and 'href="/links"' in text(page)


@pytest.mark.parametrize("lang", LOCALES)
def test_asking_for_my_links_answers_the_same_for_any_address(web, lang):
    client = web.test_client()
    assert client.get(f"/links?lang={lang}").status_code == 200
    known = client.post("/links", data={"email": "first@example.se"})
    unknown = client.post("/links", data={"email": "nobody@example.se"})
    assert known.status_code == unknown.status_code == 200
    assert text(known).replace("first@example.se", "X") == text(unknown).replace("nobody@example.se", "X")


def test_a_form_without_its_csrf_token_is_refused(tandem, cohort):
    app = create_app(web_settings(**{f"{name}_url": tandem.url for name in ("intake", "matching", "scheduling", "notify")},
                                  secret="test-secret"))
    page = app.test_client().post(f"/cohorts/{cohort['id']}/apply/mentee", data=filled("csrf@example.se"))
    assert page.status_code == 400


def test_the_web_front_is_ready_when_the_four_apis_answer(web):
    assert web.test_client().get("/readyz").status_code == 200


def nominated_mentor(tandem, cohort_fields: dict | None = None) -> tuple[str, dict]:
    """A member organisation nominates a mentor and the coordinator accepts: the mentor's
    personal link token, as the e-mail carries it."""
    from services.shared.config import signing_key
    from services.shared.tenancy import participant_token

    slug = f"n{uuid.uuid4().hex[:8]}"
    send, operator = tandem.send, tandem.operator
    expect(send("POST", "/intake/tenants", {"slug": slug, "name": "Akavia"}, operator), 201)
    token = lambda **claims: expect(send("POST", f"/intake/tenants/{slug}/tokens", claims, operator), 201)["token"]  # noqa: E731
    coordinator = token(role="coordinator", sub=f"coordinator@{slug}.example.se")
    representative = token(role="representative", sub=f"rep@{slug}.example.se", org="akavia")
    programme = tandem.programme(coordinator, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    cohort = tandem.open_cohort(coordinator, programme, nomination_deadline="2027-01-10T12:00:00+01:00")
    nomination = expect(send("POST", f"/intake/cohorts/{cohort['id']}/nominations", {
        "name": "Nora Nominerad", "email": f"nora@{slug}.example.se", "locale": "nb", "rank": 1}, representative), 201)
    expect(send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
    return participant_token(signing_key(), tenant=slug, sub=nomination["id"], scope="nomination", ttl=3600), cohort


def test_a_nominated_mentor_finds_the_form_prefilled_in_their_language_and_sends_it(web, tandem):
    token, _ = nominated_mentor(tandem)
    client = web.test_client()
    form = client.get(f"/mentor-form?token={token}")
    assert form.status_code == 200
    assert '<html lang="nb">' in text(form) and "Nora Nominerad" in text(form) and "akavia" in text(form).lower()
    sent = client.post(f"/mentor-form?token={token}", data=filled(
        "ignored@example.se", locale="nb", profession="Nationalekonomer (2631)", employer="Riksbanken", capacity="2"))
    assert sent.status_code == 302, text(sent)
    assert "Søknaden er sendt" in text(client.get(sent.headers["Location"]))
    assert "Du har sendt mentorskjemaet ditt" in text(client.get(f"/mentor-form?token={token}"))


def test_a_mentor_form_without_an_employer_says_so_beside_the_field(web, tandem):
    token, _ = nominated_mentor(tandem)
    page = web.test_client().post(f"/mentor-form?token={token}&lang=en", data=filled(
        "ignored@example.se", profession="Nationalekonomer (2631)", employer=""))
    assert page.status_code == 422
    assert 'href="#employer"' in text(page) and "Enter your employer." in text(page)


def test_the_cohort_page_tells_the_programme_in_the_readers_language_and_the_places_left(web, tandem):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator, description={"sv": "Ett år med en mentor i ditt yrke.",
                                                           "en": "A year with a mentor in your profession."})
    cohort = tandem.open_cohort(coordinator, programme, mentee_places=3)
    tandem.apply(cohort, "early@example.se")
    page = text(web.test_client().get(f"/cohorts/{cohort['id']}?lang=en"))
    assert "A year with a mentor in your profession." in page
    assert re.search(r"Places left for mentees</dt><dd>2</dd>", page)


def test_when_intake_does_not_answer_the_page_says_to_try_again_later(cohort):
    down = create_app(web_settings(**{f"{name}_url": "http://127.0.0.1:9" for name in ("intake", "matching", "scheduling", "notify")},
                                   secret="test-secret", timeout=2))
    page = down.test_client().get(f"/cohorts/{cohort['id']}?lang=en")
    assert page.status_code == 503 and "Please try again in a few minutes." in text(page)
    assert down.test_client().get("/readyz").status_code == 503


def test_a_paused_programme_shows_its_notice_instead_of_the_form(web, tandem):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator)
    cohort = tandem.open_cohort(coordinator, programme)
    expect(tandem.send("POST", f"/intake/programmes/{programme['id']}/pause",
                       {"notice": {"en": "We are planning the next round.", "sv": "Vi planerar nästa omgång."}}, coordinator), 200)
    for path in (f"/cohorts/{cohort['id']}", f"/cohorts/{cohort['id']}/apply/mentee"):
        page = web.test_client().get(f"{path}?lang=en")
        assert page.status_code == 503
        assert "Applications are paused" in text(page) and "We are planning the next round." in text(page)
        assert "<form" not in text(page)
