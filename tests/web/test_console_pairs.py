"""The console's pairs through the web front's test client: the list a page at a time with phase,
meetings held against due, the agreement's state and the last activity; a pair's page without the
pair's own notes; ending a pair early with a reason (and the reason asked for when missing); and
another tenant's coordinator gets 404 on every address."""

from __future__ import annotations

import pytest

from tests.skeleton import eventually, expect, finished_run

from .console import coordinator, sign_in
from .test_console_matching import closed_cohort, text


@pytest.fixture(scope="module")
def setting(tandem, web):
    person = coordinator(tandem, locale="en")
    cohort = closed_cohort(tandem, person, mentees=2, mentors=2)
    run = expect(tandem.send("POST", f"/matching/cohorts/{cohort['id']}/runs", {}, person.token), 202)
    assert finished_run(tandem.send, run["id"], person.token)["status"] == "succeeded"
    expect(tandem.send("POST", f"/matching/runs/{run['id']}/approve", None, person.token), 200)
    eventually(lambda: expect(tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/pair-list", None, person.token), 200)["total"] == 2
               or None, what="both pairs in scheduling")
    client = web.test_client()
    sign_in(tandem, client, person)
    return {"person": person, "cohort": cohort, "client": client}


def test_the_list_shows_phase_meetings_agreement_and_last_activity(setting):
    client, cohort = setting["client"], setting["cohort"]
    landing = client.get("/console/pairs?lang=en")
    assert landing.status_code == 200 and f"/console/cohorts/{cohort['id']}/pairs" in text(landing)
    page = client.get(f"/console/cohorts/{cohort['id']}/pairs?lang=en")
    body = text(page)
    assert page.status_code == 200 and "Pairs: 2" in body
    for heading in ("Phase", "Meetings held of due", "Agreement", "Last activity"):
        assert f">{heading}</th>" in body
    assert "Amira Haddad 1" in body and "Getting started" in body and "0 of 0" in body and "Draft, not signed" in body
    assert "Pairs: 0" in text(client.get(f"/console/cohorts/{cohort['id']}/pairs?status=ended&lang=en")) or \
        "There are no pairs yet" in text(client.get(f"/console/cohorts/{cohort['id']}/pairs?status=ended&lang=en"))


def test_a_pair_is_ended_early_with_a_reason_after_saying_what_it_sends(tandem, setting):
    client, cohort, person = setting["client"], setting["cohort"], setting["person"]
    pair = expect(tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/pair-list", None, person.token), 200)["items"][0]
    path = f"/console/cohorts/{cohort['id']}/pairs/{pair['pair_id']}"
    shown = client.get(f"{path}?lang=en")
    assert shown.status_code == 200 and "The meeting plan" in text(shown)
    assert "get an e-mail that the pair has ended" in text(shown)
    missing = client.post(f"{path}/end?lang=en", data={"reason": "  "})
    assert missing.status_code == 422 and 'id="reason-error"' in text(missing) and "Write why the pair ends." in text(missing)
    ended = client.post(f"{path}/end", data={"reason": "Mentorn har flyttat"})
    assert ended.status_code == 302 and ended.headers["Location"].endswith("ended=1")
    assert "The pair has ended" in text(client.get(ended.headers["Location"] + "&lang=en"))
    pairs = expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/pairs", None, person.token), 200)
    assert next(p for p in pairs if p["id"] == pair["pair_id"])["end_reason"] == "Mentorn har flyttat"
    again = client.post(f"{path}/end?lang=en", data={"reason": "igen"})
    assert again.status_code == 409


def test_another_tenants_coordinator_gets_404_on_every_pairs_address(tandem, web, setting):
    cohort, person = setting["cohort"], setting["person"]
    pair = expect(tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/pair-list", None, person.token), 200)["items"][0]
    client = web.test_client()
    sign_in(tandem, client, coordinator(tandem))
    base = f"/console/cohorts/{cohort['id']}/pairs"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/{pair['pair_id']}").status_code == 404
    assert client.post(f"{base}/{pair['pair_id']}/end", data={"reason": "x"}).status_code == 404
