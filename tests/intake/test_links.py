"""'Send me my links again': a person who lost their e-mail asks by address and gets every
personal link once, from each organisation they applied through; nobody learns who has applied."""

import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from werkzeug.test import Client

from services.intake.domain.links import RESEND_AFTER
from services.shared import clock
from services.shared.config import settings_for
from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect

AMIRA = "amira.haddad@example.se"


def _apply(intake, cohort, person) -> dict:
    return expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", person, None), 201)


def _ask(intake, email, **extra):
    """Ask as the web front does; the server closes the answer once sent, and then the links go."""
    response = Client(intake.app).post("/intake/public/links", json={"email": email, **extra})
    answer = response.status_code, response.get_json()
    response.close()
    return answer


def _token(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def _nominate_and_accept(intake, coordinator, cohort, email, name):
    rep = intake.representative("saco", "skatteverket")
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": name, "email": email, "rank": 1}, rep), 201)
    expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
    return nomination


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_gets_links(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator, member_organisations=[{"id": "skatteverket", "name": "Skatteverket"}])
    spring = intake.cohort(coordinator, programme["id"])
    autumn = intake.cohort(coordinator, programme["id"], name="Hösten 2027", starts_on="2027-08-23", ends_on="2028-01-31")
    withdrawn_cohort = intake.cohort(coordinator, programme["id"], name="Vintern 2027", starts_on="2027-11-01", ends_on="2028-04-30")
    as_mentee = _apply(intake, spring, mentee(1, name="Amira Haddad", email=AMIRA, locale="fi"))
    as_mentor = _apply(intake, autumn, mentor(1, name="Amira Haddad", email=AMIRA.upper(), locale="fi"))
    gone = _apply(intake, withdrawn_cohort, mentee(2, name="Amira Haddad", email=AMIRA, locale="fi"))
    expect(intake.send("POST", f"/intake/applications/mine/withdraw?token={gone['manage_token']}", None, None), 200)
    nomination = _nominate_and_accept(intake, coordinator, withdrawn_cohort, AMIRA, "Amira Haddad")

    known = _ask(intake, "Amira.Haddad@example.se")
    unknown = _ask(intake, "nobody.at.all@example.se")

    assert known == unknown and known[0] == 202  # the same status and body
    events = intake.events("person.links_requested")
    assert len(events) == 1
    sent = events[0]
    assert (sent["tenant"], sent["data"]["email"], sent["data"]["name"]) == ("saco", AMIRA, "Amira Haddad")
    assert sent["data"]["locale"] == "fi" and sent["data"]["tenant_name"] == "Saco"
    links = {item["id"]: item for item in sent["data"]["links"]}
    assert set(links) == {as_mentee["id"], as_mentor["id"], nomination["id"]}  # not the withdrawn application
    assert (links[as_mentee["id"]]["role"], links[as_mentee["id"]]["status"]) == ("mentee", "accepted")
    assert links[as_mentor["id"]]["role"] == "mentor" and links[nomination["id"]]["kind"] == "mentor_form"
    assert {urlparse(item["link"]).path for item in links.values()} == {"/applications/mine", "/mentor-form"}
    # each fresh link opens what it names
    mine = expect(intake.send("GET", f"/intake/applications/mine?token={_token(links[as_mentor['id']]['link'])}", None, None), 200)
    assert mine["id"] == as_mentor["id"]
    form = expect(intake.send("GET", f"/intake/public/mentor-form?token={_token(links[nomination['id']]['link'])}", None, None), 200)
    assert form["nomination_id"] == nomination["id"]


def test_asking_again_within_minutes_sends_nothing_new_and_later_sends_again(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    _apply(intake, cohort, mentee(1, email=AMIRA))

    for _ in range(3):
        expect(_ask(intake, AMIRA), 202)
    assert len(intake.events("person.links_requested")) == 1
    clock.advance(RESEND_AFTER + timedelta(seconds=1))
    expect(_ask(intake, AMIRA, locale="en"), 202)
    again = intake.events("person.links_requested")
    assert len(again) == 2 and again[1]["data"]["locale"] == "en"  # the language asked for


@pytest.mark.services
def test_ten_requests_at_once_for_one_address_send_one_message(intake_pg):
    intake = intake_pg
    coordinator = intake.tenant("saco")
    _apply(intake, intake.cohort(coordinator, intake.programme(coordinator)["id"]), mentee(1, email=AMIRA))
    start = threading.Barrier(10)
    answers = []

    def ask():
        start.wait()
        answers.append(_ask(intake, AMIRA))

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [code for code, _ in answers] == [202] * 10
    assert len(intake.events("person.links_requested")) == 1


def test_each_organisation_sends_its_own_links_only(intake):
    saco = intake.tenant("saco")
    jusek = intake.tenant("jusek")
    at_saco = _apply(intake, intake.cohort(saco, intake.programme(saco)["id"]), mentee(1, email=AMIRA))
    at_jusek = _apply(intake, intake.cohort(jusek, intake.programme(jusek, name={"sv": "Jusek mentor"})["id"]),
                      mentor(1, email=AMIRA))

    expect(_ask(intake, AMIRA), 202)

    sent = {e["tenant"]: e["data"] for e in intake.events("person.links_requested")}
    assert set(sent) == {"saco", "jusek"}
    assert [item["id"] for item in sent["saco"]["links"]] == [at_saco["id"]]
    assert [item["id"] for item in sent["jusek"]["links"]] == [at_jusek["id"]]
    assert sent["jusek"]["links"][0]["programme_name"] == "Jusek mentor"


def test_the_answer_goes_out_before_any_link_is_looked_up(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    _apply(intake, cohort, mentee(1, email=AMIRA))

    response = Client(intake.app).post("/intake/public/links", json={"email": AMIRA})

    assert response.status_code == 202 and intake.events("person.links_requested") == []  # same work as for a stranger
    response.close()
    assert len(intake.events("person.links_requested")) == 1


def test_an_erased_person_is_not_found(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    _apply(intake, cohort, mentee(1, email=AMIRA))
    expect(intake.send("POST", "/intake/erasures", {"email": AMIRA}, coordinator), 201)

    expect(_ask(intake, AMIRA), 202)

    assert intake.events("person.links_requested") == []


def test_the_links_lead_to_the_web_url_when_one_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_PUBLIC_URL", "https://api.tandem.example.org")
    monkeypatch.setenv("TANDEM_WEB_URL", "https://tandem.example.org/")
    assert settings_for("intake", data_dir=tmp_path).web_url == "https://tandem.example.org"
    monkeypatch.delenv("TANDEM_WEB_URL")
    assert settings_for("intake", data_dir=tmp_path).web_url == "https://api.tandem.example.org"
    assert settings_for("intake", data_dir=tmp_path, public_url="http://127.0.0.1:8300").web_url == "http://127.0.0.1:8300"
