"""The console's staff page through the Flask client: a coordinator invites a representative and a
coordinator, changes a role, removes someone after being told what it does; the API's PATCH keeps
a representative's organisation rule; another tenant's coordinator reaches none of it."""

from __future__ import annotations

import uuid

import pytest

from tests.skeleton import expect

from .console import coordinator, sign_in


@pytest.fixture(scope="module")
def team(tandem):
    person = coordinator(tandem)
    tandem.programme(person.token, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    return person


@pytest.fixture(scope="module")
def client(tandem, web, team):
    signed = web.test_client()
    sign_in(tandem, signed, team)
    return signed


def staff(tandem, team) -> dict:
    return {s["email"]: s for s in expect(tandem.send("GET", "/intake/staff", None, team.token), 200)}


def test_a_coordinator_invites_changes_a_role_and_removes_after_confirming(tandem, team, client):
    run = uuid.uuid4().hex[:6]
    page = client.get("/console/staff?lang=en")
    assert page.status_code == 200 and "Maria Virtanen" in page.get_data(as_text=True)

    missing = client.post("/console/staff?lang=en", data={"name": "Eva Ek", "email": f"eva-{run}@example.se",
                                                          "role": "representative", "locale": "sv"})
    assert missing.status_code == 422 and 'id="organisation-error"' in missing.get_data(as_text=True)
    assert f'value="eva-{run}@example.se"' in missing.get_data(as_text=True)
    sent = client.post("/console/staff?lang=en", data={"name": "Eva Ek", "email": f"eva-{run}@example.se",
                                                       "role": "representative", "organisation": "akavia", "locale": "sv"})
    assert sent.status_code == 200 and "We have sent Eva Ek an e-mail" in sent.get_data(as_text=True)
    again = client.post("/console/staff?lang=en", data={"name": "Eva Ek", "email": f"eva-{run}@example.se",
                                                        "role": "representative", "organisation": "akavia", "locale": "sv"})
    assert again.status_code == 422 and "staff of your organisation already" in again.get_data(as_text=True)
    eva = staff(tandem, team)[f"eva-{run}@example.se"]
    assert eva["role"] == "representative" and eva["organisation"] == "akavia"

    client.post(f"/console/staff/{eva['id']}/role", data={"role": "coordinator", "organisation": "akavia"})
    eva = staff(tandem, team)[f"eva-{run}@example.se"]
    assert eva["role"] == "coordinator" and eva["organisation"] is None

    asked = client.post(f"/console/staff/{eva['id']}/remove?lang=en")
    assert "They can no longer sign in." in asked.get_data(as_text=True)
    assert staff(tandem, team)[f"eva-{run}@example.se"]["active"]
    client.post(f"/console/staff/{eva['id']}/remove", data={"confirmed": "yes"})
    assert not staff(tandem, team)[f"eva-{run}@example.se"]["active"]


def test_the_api_keeps_a_representative_to_an_organisation(tandem, team):
    member = expect(tandem.send("POST", "/intake/staff", {"email": f"k-{uuid.uuid4().hex[:6]}@example.se", "name": "K",
                                                          "role": "coordinator", "locale": "sv"}, team.token), 201)
    expect(tandem.send("PATCH", f"/intake/staff/{member['id']}", {"role": "representative"}, team.token), 422)
    changed = expect(tandem.send("PATCH", f"/intake/staff/{member['id']}",
                                 {"role": "representative", "organisation": "akavia"}, team.token), 200)
    assert changed["role"] == "representative" and changed["organisation"] == "akavia"
    other = tandem.coordinator()
    expect(tandem.send("PATCH", f"/intake/staff/{member['id']}", {"role": "coordinator"}, other), 404)


def test_another_tenants_coordinator_gets_404(tandem, web, team):
    someone = expect(tandem.send("POST", "/intake/staff", {"email": f"s-{uuid.uuid4().hex[:6]}@example.se", "name": "S",
                                                           "role": "coordinator", "locale": "sv"}, team.token), 201)
    other = web.test_client()
    sign_in(tandem, other, coordinator(tandem))
    assert other.post(f"/console/staff/{someone['id']}/remove", data={"confirmed": "yes"}).status_code == 404
    assert other.post(f"/console/staff/{someone['id']}/role", data={"role": "coordinator"}).status_code == 404
    assert someone["email"] not in other.get("/console/staff").get_data(as_text=True)
    assert staff(tandem, team)[someone["email"]]["active"]
