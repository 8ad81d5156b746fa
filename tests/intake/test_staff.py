"""Staff sign in without passwords: a coordinator invites their colleagues and the member
organisations' representatives, and each signs in with a single-use link e-mailed to them."""

import threading
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from werkzeug.test import Client

from services.shared import clock
from services.shared.tenancy import verify_token
from tests.intake.conftest import KEY
from tests.skeleton import expect

KARIN = {"email": "Karin.Berg@Skatteverket.se", "name": "Karin Berg", "role": "representative",
         "organisation": "skatteverket", "locale": "nb"}


def _post_public(intake, path, body):
    """Ask as the web front does; the server closes the answer once sent, and then the link goes."""
    response = Client(intake.app).post(path, json=body)
    answer = response.status_code, response.get_json()
    response.close()
    return answer


def _code(event) -> str:
    link = urlparse(event["data"]["link"])
    assert link.path.startswith("/sign-in/")
    return link.path.removeprefix("/sign-in/")


def _redeem(intake, code):
    return _post_public(intake, "/intake/public/sign-in/redeem", {"code": code})


def test_an_operator_invites_a_first_coordinator_who_invites_a_representative(intake):
    intake.tenant("saco")
    anna = expect(intake.send("POST", "/intake/tenants/saco/staff",
                              {"email": "anna@saco.se", "name": "Anna Lind", "role": "coordinator", "locale": "sv"},
                              intake.operator), 201)
    invited = intake.events("staff.sign_in_requested")
    assert [e["data"]["email"] for e in invited] == ["anna@saco.se"] and invited[0]["data"]["invited"] is True
    status, signed_in = _redeem(intake, _code(invited[0]))
    assert status == 200 and (signed_in["role"], signed_in["tenant"], signed_in["name"]) == ("coordinator", "saco", "Anna Lind")

    karin = expect(intake.send("POST", "/intake/staff", KARIN, signed_in["token"]), 201)
    assert (karin["email"], karin["invited_by"], karin["active"]) == ("karin.berg@skatteverket.se", "anna@saco.se", True)
    listed = expect(intake.send("GET", "/intake/staff", None, signed_in["token"]), 200)
    assert {m["id"] for m in listed} == {anna["id"], karin["id"]}
    mail = intake.events("staff.sign_in_requested")[-1]["data"]
    assert (mail["name"], mail["locale"], mail["tenant_name"], mail["role"]) == ("Karin Berg", "nb", "Saco", "representative")

    again = intake.send("POST", "/intake/staff", {**KARIN, "email": "karin.berg@skatteverket.se"}, signed_in["token"])
    assert again[0] == 409


def test_a_representative_needs_an_organisation_and_a_coordinator_has_none(intake):
    coordinator = intake.tenant("saco")
    no_org = intake.send("POST", "/intake/staff", {**KARIN, "organisation": None}, coordinator)
    with_org = intake.send("POST", "/intake/staff", {**KARIN, "role": "coordinator"}, coordinator)
    assert no_org[0] == 422 and with_org[0] == 422


def test_a_coordinator_of_another_tenant_cannot_list_invite_or_deactivate_here(intake):
    saco = intake.tenant("saco")
    jusek = intake.tenant("jusek")
    karin = expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)

    assert expect(intake.send("GET", "/intake/staff", None, jusek), 200) == []
    assert intake.send("DELETE", f"/intake/staff/{karin['id']}", None, jusek)[0] == 404
    assert intake.send("POST", "/intake/tenants/saco/staff", KARIN, jusek)[0] == 403
    representative = intake.representative("saco", "skatteverket")
    assert intake.send("GET", "/intake/staff", None, representative)[0] == 403
    assert intake.send("POST", "/intake/staff", {**KARIN, "email": "x@example.se"}, representative)[0] == 403


def test_asking_to_sign_in_answers_the_same_for_any_address_and_mails_only_active_staff(intake):
    saco = intake.tenant("saco")
    expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)
    jusek = intake.tenant("jusek")
    expect(intake.send("POST", "/intake/staff", {**KARIN, "role": "coordinator", "organisation": None}, jusek), 201)
    invitations = len(intake.events("staff.sign_in_requested"))

    known = _post_public(intake, "/intake/public/sign-in", {"email": "KARIN.berg@skatteverket.se", "locale": "fi"})
    unknown = _post_public(intake, "/intake/public/sign-in", {"email": "nobody@example.se"})

    assert known == unknown and known[0] == 202
    asked = intake.events("staff.sign_in_requested")[invitations:]
    assert sorted(e["tenant"] for e in asked) == ["jusek", "saco"]  # one per tenant where Karin is staff
    assert {e["data"]["locale"] for e in asked} == {"fi"} and not any(e["data"]["invited"] for e in asked)

    expect(intake.send("DELETE", f"/intake/staff/{asked[1]['data']['staff_id']}", None, saco), 200)
    _post_public(intake, "/intake/public/sign-in", {"email": "karin.berg@skatteverket.se"})
    assert [e["tenant"] for e in intake.events("staff.sign_in_requested")[invitations + 2:]] == ["jusek"]


def test_a_code_works_once_within_fifteen_minutes_and_gives_the_members_role_and_organisation(intake):
    saco = intake.tenant("saco")
    expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)
    _post_public(intake, "/intake/public/sign-in", {"email": KARIN["email"]})
    first, second = (_code(e) for e in intake.events("staff.sign_in_requested"))

    clock.advance(timedelta(minutes=14))
    status, signed_in = _redeem(intake, second)
    assert status == 200
    assert (signed_in["role"], signed_in["organisation"], signed_in["locale"]) == ("representative", "skatteverket", "nb")
    principal = verify_token(KEY, signed_in["token"])
    assert (principal.tenant, principal.role, principal.sub, principal.org) == (
        "saco", "representative", "karin.berg@skatteverket.se", "skatteverket")
    assert intake.send("GET", "/intake/staff", None, signed_in["token"])[0] == 403  # a representative's token

    used = _redeem(intake, second)
    clock.advance(timedelta(minutes=2))
    expired = _redeem(intake, first)
    unknown = _redeem(intake, "never-issued")
    assert used == expired == unknown and used[0] == 404
    assert set(used[1]) >= {"code", "status", "message"}


def test_a_deactivated_member_cannot_redeem_a_code_sent_before(intake):
    saco = intake.tenant("saco")
    karin = expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)
    code = _code(intake.events("staff.sign_in_requested")[0])
    expect(intake.send("DELETE", f"/intake/staff/{karin['id']}", None, saco), 200)
    assert _redeem(intake, code)[0] == 404


def test_only_a_digest_of_the_code_is_kept(intake):
    import sqlalchemy as sa

    from services.intake import store

    saco = intake.tenant("saco")
    expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)
    code = _code(intake.events("staff.sign_in_requested")[0])
    with intake.engine.connect() as conn:
        kept = conn.execute(sa.select(store.sign_in_codes)).mappings().all()
    assert len(kept) == 1 and code not in str(dict(kept[0]))


def test_asking_again_and_again_sends_at_most_three_links_a_quarter_of_an_hour(intake):
    saco = intake.tenant("saco")
    expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)  # the invitation is the first
    for _ in range(5):
        assert _post_public(intake, "/intake/public/sign-in", {"email": KARIN["email"]})[0] == 202
    assert len(intake.events("staff.sign_in_requested")) == 3

    clock.advance(timedelta(minutes=16))
    _post_public(intake, "/intake/public/sign-in", {"email": KARIN["email"]})
    assert len(intake.events("staff.sign_in_requested")) == 4


@pytest.mark.services
def test_a_code_redeemed_ten_times_at_once_signs_in_once(intake_pg):
    intake = intake_pg
    saco = intake.tenant("saco")
    expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)
    code = _code(intake.events("staff.sign_in_requested")[0])
    start = threading.Barrier(10)
    answers = []

    def redeem():
        start.wait()
        answers.append(_redeem(intake, code)[0])

    threads = [threading.Thread(target=redeem) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [200] + [404] * 9


def test_a_failure_while_sending_sign_in_links_logs_no_link(intake, caplog, monkeypatch):
    from services.intake import store

    saco = intake.tenant("saco")
    expect(intake.send("POST", "/intake/staff", KARIN, saco), 201)
    seen = []

    def outbox_down(conn, *events):
        seen.extend(e.data["link"] for e in events)
        raise RuntimeError(f"the outbox refused {events[0].to_json()}")

    monkeypatch.setattr(store, "publish", outbox_down)
    assert _post_public(intake, "/intake/public/sign-in", {"email": KARIN["email"]})[0] == 202
    assert seen and "sending sign-in links failed" in caplog.text
    assert not any(link.rpartition("/")[2] in caplog.text for link in seen)


def test_the_staff_list_comes_a_page_at_a_time_with_the_total(intake):
    coordinator = intake.tenant("saco")
    other = intake.tenant("akavia")
    for n in range(5):
        expect(intake.send("POST", "/intake/staff", {**KARIN, "email": f"rep{n}@skatteverket.se", "name": f"Rep {n}"},
                           coordinator), 201)
    expect(intake.send("POST", "/intake/staff", {**KARIN, "email": "someone@akavia.se"}, other), 201)
    answer = Client(intake.app).get("/intake/staff?page=2&page_size=2", headers={"Authorization": f"Bearer {coordinator}"})
    assert answer.status_code == 200
    assert [m["name"] for m in answer.get_json()] == ["Rep 2", "Rep 3"]
    assert '"total": 5' in answer.headers["X-Pagination"]
