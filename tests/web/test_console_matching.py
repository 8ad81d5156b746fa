"""The console's matching through the web front's test client: a closed cohort is run from the
page, its progress shows (a fragment that polls while the run waits, a refresh link without
JavaScript), the proposals come a page at a time with each pair's score per criterion in text,
the unmatched mentee with the reason, why-not, pin and forbid, approve all after a confirmation;
and another tenant's coordinator gets 404 on every address."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.skeleton import eventually, expect, finished_run

from .console import coordinator, sign_in
from .test_pair_pages import _count, mentor


def text(answer) -> str:
    return answer.get_data(as_text=True)


def closed_cohort(tandem, person, mentees: int = 3, mentors: int = 2) -> dict:
    """A programme and a cohort with ``mentees`` mentees and ``mentors`` mentors (one place each),
    closed, with every candidate known to matching."""
    programme = tandem.programme(person.token)
    cohort = tandem.open_cohort(person.token, programme)
    run = uuid.uuid4().hex[:6]
    for n in range(1, mentees + 1):
        tandem.apply(cohort, f"mentee{n}-{run}@example.se", name=f"Amira Haddad {n}")
    for n in range(1, mentors + 1):
        expect(tandem.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                           mentor(f"mentor{n}-{run}@example.se", f"Kari Nordmann {n}"), None), 201)
    eventually(lambda: _count(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/candidates", None, person.token))
               == mentees + mentors, what="the candidates in matching")
    expect(tandem.send("POST", f"/intake/cohorts/{cohort['id']}/close", None, person.token), 200)
    return cohort


@pytest.fixture(scope="module")
def setting(tandem, web):
    person = coordinator(tandem, locale="en")
    cohort = closed_cohort(tandem, person)
    client = web.test_client()
    sign_in(tandem, client, person)
    return {"person": person, "cohort": cohort, "client": client}


def test_a_run_started_from_the_page_shows_its_progress_then_the_proposals(tandem, setting):
    client, cohort, person = setting["client"], setting["cohort"], setting["person"]
    landing = client.get("/console/matching?lang=en")
    assert landing.status_code == 200 and f"/console/cohorts/{cohort['id']}/matching" in text(landing)
    empty = client.get(f"/console/cohorts/{cohort['id']}/matching?lang=en")
    assert empty.status_code == 200 and "No run has finished yet." in text(empty)

    started = client.post(f"/console/cohorts/{cohort['id']}/matching/runs", data={"mode": "optimal"})
    assert started.status_code == 302
    run_id = re.search(r"run=([0-9a-f-]{36})", started.headers["Location"]).group(1)
    progress = client.get(f"/console/cohorts/{cohort['id']}/matching/runs/{run_id}/progress?lang=en")
    assert progress.status_code == 200 and 'id="run-progress"' in text(progress)
    if 'hx-trigger="every 2s"' in text(progress):  # still waiting or running: polls, with a link for no JavaScript
        assert "Refresh to see how it is going" in text(progress)
    assert finished_run(tandem.send, run_id, person.token)["status"] == "succeeded"
    done = client.get(f"/console/cohorts/{cohort['id']}/matching/runs/{run_id}/progress?lang=en", headers={"HX-Request": "true"})
    assert "hx-trigger" not in text(done) and done.headers.get("HX-Refresh") == "true"

    page = client.get(f"/console/cohorts/{cohort['id']}/matching?lang=en")
    body = text(page)
    assert page.status_code == 200 and "Proposed pairs, best score first" in body
    assert body.count('<svg class="chart"') == 2 and "Score per criterion for Amira Haddad" in body
    assert re.search(r"Profession[^<]*</text>", body) and re.search(r">\d+([.,]\d+)? of 5</text>", body)
    assert "Mentees without a mentor, and why" in body and "has no free place" in body

    again = client.post(f"/console/cohorts/{cohort['id']}/matching/runs", data={"mode": "stable"})
    assert again.status_code in (302, 409)


def test_why_not_pin_forbid_and_approve_all_after_a_confirmation(tandem, setting):
    client, cohort, person = setting["client"], setting["cohort"], setting["person"]
    runs = expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/runs", None, person.token), 200)
    run = finished_run(tandem.send, runs[0]["id"], person.token)
    proposal = run["proposals"][0]
    other_mentor = next(p["mentor_id"] for p in run["proposals"] if p["mentor_id"] != proposal["mentor_id"])
    asked = client.get(f"/console/cohorts/{cohort['id']}/matching/why-not?mentee={proposal['mentee_id']}&mentor={other_mentor}&lang=en")
    assert asked.status_code == 200
    assert re.search(r'id="why-not-text">(Pairing them would lower|A pin decides|This pair is already)', text(asked))
    pinned = client.post(f"/console/cohorts/{cohort['id']}/matching/overrides",
                         data={"kind": "forbid", "mentee": proposal["mentee_id"], "mentor": other_mentor, "reason": "x"})
    assert pinned.status_code == 302
    listed = client.get(f"/console/cohorts/{cohort['id']}/matching/why-not?lang=en")
    assert "Forbidden" in text(listed) and "Allow again" in text(listed)
    override = expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/overrides", None, person.token), 200)[0]
    assert client.post(f"/console/cohorts/{cohort['id']}/matching/overrides/{override['id']}/lift").status_code == 302
    assert expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/overrides", None, person.token), 200) == []
    too_long = client.post(f"/console/cohorts/{cohort['id']}/matching/overrides?lang=en",
                           data={"kind": "pin", "mentee": proposal["mentee_id"], "mentor": other_mentor, "reason": "x" * 1001})
    assert too_long.status_code == 422 and "This is too long" in text(too_long) and "x" * 1001 in text(too_long)

    confirm = client.get(f"/console/cohorts/{cohort['id']}/matching/runs/{run['id']}/approve?lang=en")
    assert confirm.status_code == 200 and "get an e-mail" in text(confirm) and "Approve and send the e-mails" in text(confirm)
    approved = client.post(f"/console/cohorts/{cohort['id']}/matching/runs/{run['id']}/approve")
    assert approved.status_code == 302 and "approved=2" in approved.headers["Location"]
    after = client.get(approved.headers["Location"] + "&lang=en")
    assert "Confirmed: kept" in text(after) and "Confirmed pairs kept: 2" in text(after)


def test_another_tenants_coordinator_gets_404_on_every_matching_address(tandem, web, setting):
    cohort, person = setting["cohort"], setting["person"]
    run = expect(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/runs", None, person.token), 200)[0]
    stranger = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, stranger)
    base = f"/console/cohorts/{cohort['id']}/matching"
    for path in (base, f"{base}/why-not", f"{base}/runs/{run['id']}/progress", f"{base}/runs/{run['id']}/approve"):
        assert client.get(path).status_code == 404, path
    for path in (f"{base}/runs", f"{base}/runs/{run['id']}/approve", f"{base}/overrides"):
        assert client.post(path, data={"mode": "optimal"}).status_code == 404, path


def test_a_failed_run_says_why_in_the_readers_language(tandem, web):
    person = coordinator(tandem, locale="sv")
    cohort = closed_cohort(tandem, person, mentees=1, mentors=0)
    client = web.test_client()
    sign_in(tandem, client, person)
    started = client.post(f"/console/cohorts/{cohort['id']}/matching/runs", data={"mode": "optimal"})
    assert started.status_code == 302
    eventually(lambda: "Inga mentorer har ansökt" in text(client.get(f"/console/cohorts/{cohort['id']}/matching?lang=sv")),
               what="the failed run's reason in Swedish")
    page = text(client.get(f"/console/cohorts/{cohort['id']}/matching?lang=fi"))
    assert "Ryhmään ei ole vielä hakenut yhtään mentoria" in page and "no mentors" not in page
