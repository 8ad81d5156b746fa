"""Staff sign-in on the web front, through its own test client against the embedded platform (the
``tandem`` fixture): a representative asks for a link, follows the one in their e-mail, presses the
button and is signed in; the session is a guarded cookie that ends on sign-out or when left idle;
a used link gets a page that says so; the signed-in representative nominates mentors, and a
nominee the coordinator accepts completes the prefilled mentor form from their own e-mail."""

from __future__ import annotations

import mailbox
import re
import uuid
from datetime import timedelta

import pytest

from services.shared import clock
from services.shared.contract.events import LOCALES
from services.web.app import create_app
from services.web.settings import web_settings
from tests.skeleton import eventually, expect

from .test_pages import filled

TITLE = {"sv": "Logga in i Tandem", "fi": "Kirjaudu Tandemiin", "nb": "Logg inn i Tandem", "en": "Sign in to Tandem"}
CHECK = {"sv": "Titta i din e-post", "fi": "Tarkista sähköpostisi", "nb": "Sjekk e-posten din", "en": "Check your e-mail"}
SIGNED_IN = {"sv": "Du är inloggad", "fi": "Olet kirjautunut sisään", "nb": "Du er logget inn", "en": "You are signed in"}


@pytest.fixture(scope="module")
def programme(tandem):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    cohort = tandem.open_cohort(coordinator, programme, nomination_deadline="2027-01-15T16:00:00+00:00")
    return coordinator, cohort


def text(answer) -> str:
    return answer.get_data(as_text=True)


def h1(answer) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", text(answer), re.S).group(1)).strip()


def invite(tandem, coordinator: str, role: str = "representative", locale: str = "sv") -> str:
    """A staff member the coordinator invites; their address."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@akavia.example.se"
    body = {"email": email, "name": "Kim Lindqvist", "role": role, "locale": locale}
    if role == "representative":
        body["organisation"] = "akavia"
    expect(tandem.send("POST", "/intake/staff", body, coordinator), 201)
    eventually(lambda: sign_in_links(tandem, email), 20, f"the invitation to {email}")  # before any link they ask for
    return email


def sign_in_links(tandem, email: str) -> list[str]:
    """The sign-in links mailed to ``email``, oldest first, as paths on the web front."""
    pattern = re.compile(re.escape(tandem.url) + r"(/sign-in/[A-Za-z0-9_-]+)")
    found = []
    if tandem.mbox.exists():
        for message in mailbox.mbox(tandem.mbox):
            if email not in (message["To"] or ""):
                continue
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    found += pattern.findall(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    return list(dict.fromkeys(found))


def new_link(tandem, email: str, known: int) -> str:
    return eventually(lambda: (sign_in_links(tandem, email)[known:] or [None])[-1], 20, f"a sign-in link to {email}")


def signed_in(tandem, client, email: str, **request) -> str:
    """Ask for a link on the page, follow the newest in the e-mail, press the button: the link used."""
    known = len(sign_in_links(tandem, email))
    expect_status(client.post("/sign-in", data={"email": email}, **request), 200)
    link = new_link(tandem, email, known)
    expect_status(client.get(link, **request), 200)
    answer = client.post(link, **request)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(("/staff", "/console"))
    return link


def expect_status(answer, status: int):
    assert answer.status_code == status, text(answer)[:2000]
    return answer


@pytest.mark.parametrize("locale", LOCALES)
def test_the_sign_in_form_answers_the_same_for_any_address_in_each_language(tandem, web, programme, locale):
    coordinator, _ = programme
    known = invite(tandem, coordinator)
    client = web.test_client()
    assert h1(client.get(f"/sign-in?lang={locale}")) == TITLE[locale]
    pages = [expect_status(client.post("/sign-in", data={"email": email}), 200)
             for email in (known, f"nobody-{uuid.uuid4().hex[:6]}@example.se")]
    assert {h1(page) for page in pages} == {CHECK[locale]}
    assert [text(page).replace(known, "ADDRESS") for page in pages][0].count("ADDRESS") == 1
    refused = client.post("/sign-in", data={"email": "not an address"})
    assert refused.status_code == 422 and 'href="#email"' in text(refused) and 'value="not an address"' in text(refused)


def test_a_representative_signs_in_with_the_link_in_their_e_mail_after_pressing_the_button(tandem, web, programme):
    coordinator, _ = programme
    email = invite(tandem, coordinator)
    client = web.test_client()
    known = len(sign_in_links(tandem, email))
    client.post("/sign-in?lang=en", data={"email": email})
    link = new_link(tandem, email, known)
    for _ in range(2):  # a link scanner opening the link does not use the code up
        opened = expect_status(client.get(link), 200)
        assert "<form" in text(opened) and h1(opened) == TITLE["en"]
    answer = client.post(link)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff")
    page = expect_status(client.get("/staff"), 200)
    assert h1(page) == SIGNED_IN["en"] and "Kim Lindqvist" in text(page)
    slug = tandem.tenants[coordinator]
    assert "<dd>Akavia</dd>" in text(page) and f"<dd>{slug.title()}</dd>" in text(page)  # names, not ids
    assert "<dd>akavia</dd>" not in text(page) and f"<dd>{slug}</dd>" not in text(page)
    assert "/console" not in text(page)  # the console is for coordinators
    cookie = client.get_cookie("tandem_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    with client.session_transaction() as session:
        token = session["staff"]["token"]
    assert token not in text(page) and token not in answer.headers["Location"]
    assert page.headers["Cache-Control"] == "no-store"


def test_a_used_sign_in_link_gets_a_page_that_offers_a_new_one(tandem, web, programme):
    coordinator, _ = programme
    email = invite(tandem, coordinator)
    link = signed_in(tandem, web.test_client(), email)
    again = web.test_client().post(link + "?lang=en")
    assert again.status_code == 404 and h1(again) == "This sign-in link does not work"
    assert 'href="/sign-in"' in text(again)
    assert web.test_client().post("/sign-in/not-a-code?lang=en").status_code == 404


def test_a_coordinator_lands_on_the_console_and_their_staff_page_leads_there(tandem, web, programme):
    coordinator, _ = programme
    client = web.test_client()
    link = new_link(tandem, email := invite(tandem, coordinator, role="coordinator"), 0)
    answer = client.post(link)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/console"), email
    page = expect_status(client.get("/staff?lang=en"), 200)
    assert '<a class="button" href="/console">Open the console</a>' in text(page)
    assert f"<dd>{tandem.tenants[coordinator].title()}</dd>" in text(page)


def test_every_public_page_leads_staff_to_sign_in(web):
    for path in ("/", "/links", "/sign-in"):
        page = expect_status(web.test_client().get(f"{path}?lang=en"), 200)
        footer = text(page)[text(page).index('<footer class="footer">'):]
        assert '<a href="/sign-in">Sign in for staff</a>' in footer, path


def test_sign_out_ends_the_session(tandem, web, programme):
    coordinator, _ = programme
    client = web.test_client()
    signed_in(tandem, client, invite(tandem, coordinator, role="coordinator"))
    expect_status(client.get("/staff"), 200)
    expect_status(client.post("/sign-out"), 200)
    gone = client.get("/staff")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/sign-in")


def test_a_session_left_idle_ends_and_one_in_use_stays(tandem, programme):
    coordinator, _ = programme
    app = create_app(web_settings(**{f"{name}_url": tandem.url for name in ("intake", "matching", "scheduling", "notify")},
                                  secret="test-secret", idle_minutes=5))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    signed_in(tandem, client, invite(tandem, coordinator))
    try:
        for _ in range(3):  # a request every four minutes keeps it
            clock.advance(timedelta(minutes=4))
            expect_status(client.get("/staff"), 200)
        clock.advance(timedelta(minutes=6))
        idle = client.get("/staff")
    finally:
        clock.advance(-timedelta(minutes=18))
    assert idle.status_code == 302 and idle.headers["Location"].endswith("/sign-in")


def test_a_representative_nominates_two_mentors_and_one_completes_the_mentor_form(tandem, web, programme):
    coordinator, cohort = programme
    elsewhere = tandem.open_cohort(coordinator, tandem.programme(coordinator), name="Hösten 2027")
    client = web.test_client()
    signed_in(tandem, client, invite(tandem, coordinator))
    assert 'href="/nominations"' in text(expect_status(client.get("/staff"), 200))
    overview = text(expect_status(client.get("/nominations?lang=en"), 200))
    page = f"/nominations/{cohort['id']}"
    assert f'href="{page}"' in overview and "Mentoring for foreign-born graduates: Våren 2027" in overview
    assert f"/nominations/{elsewhere['id']}" not in overview  # a programme without the organisation
    page += "?lang=en"
    assert "You have not nominated anyone" in text(expect_status(client.get(page), 200))
    mentors = [f"mentor-{uuid.uuid4().hex[:6]}@example.se" for _ in range(2)]
    for rank, email in enumerate(mentors, start=1):
        sent = client.post(page, data={"name": f"Mentor {rank}", "email": email, "rank": str(rank), "locale": "en",
                                       "note": "Leads our economists' network."})
        assert sent.status_code == 302, text(sent)[:2000]
    twice = client.post(page, data={"name": "Mentor 3", "email": f"m-{uuid.uuid4().hex[:6]}@example.se", "rank": "1", "locale": "en"})
    assert twice.status_code == 409 and 'href="#rank"' in text(twice) and 'value="Mentor 3"' in text(twice)
    listed = text(expect_status(client.get(page), 200))
    assert listed.index("Rank 1: Mentor 1") < listed.index("Rank 2: Mentor 2")
    assert listed.count("Waiting for the coordinator") == 2

    nominations = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, coordinator), 200)
    first = next(n for n in nominations if n["email"] == mentors[0])
    expect(tandem.send("POST", f"/intake/nominations/{first['id']}/decision", {"decision": "accept"}, coordinator), 200)
    assert "Accepted" in text(client.get(page))

    link = tandem.link_in_mail(mentors[0], "/mentor-form?token=").removeprefix(tandem.url)
    form = text(expect_status(client.get(link), 200))
    assert "Mentor 1" in form and mentors[0] in form  # prefilled from the nomination
    data = filled("ignored@example.se", locale="en", profession="Nationalekonomer (2631)", employer="Akavia", capacity="2")
    sent = client.post(link, data=data)
    assert sent.status_code == 302 and "/applications/mine?token=" in sent.headers["Location"], text(sent)[:3000]


def test_under_tandem_web_the_session_cookie_goes_only_over_https(tandem, programme, monkeypatch):
    coordinator, _ = programme
    monkeypatch.setenv("TANDEM_WEB_SECURE_COOKIES", "1")
    app = create_app(web_settings(**{f"{name}_url": tandem.url for name in ("intake", "matching", "scheduling", "notify")},
                                  secret="test-secret"))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    signed_in(tandem, client, invite(tandem, coordinator), base_url="https://tandem.example.se")
    cookie = client.get_cookie("tandem_session", domain="tandem.example.se")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_a_signed_in_staff_member_reads_the_pages_in_their_own_language(tandem, web, programme):
    coordinator, _ = programme
    client = web.test_client()
    signed_in(tandem, client, invite(tandem, coordinator, locale="fi"))
    page = expect_status(client.get("/staff"), 200)
    assert '<html lang="fi">' in text(page) and h1(page) == SIGNED_IN["fi"]
    assert h1(client.get("/staff?lang=nb")) == SIGNED_IN["nb"]  # until they choose another
