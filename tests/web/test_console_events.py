"""The console's group events through the web front's test client: the cohorts to choose from, a
cohort's events with their attendance, the roll call (ticked present, excused, the rest absent, or
all present at once) and the list of who missed a mandatory event. Another tenant's coordinator
gets 404 on every address."""

from __future__ import annotations

import re

import pytest

from tests.skeleton import eventually, expect

from .console import coordinator, sign_in

EVENTS = [
    {"kind": "training", "title": {"sv": "Internatutbildning", "en": "Residential training"},
     "starts_at": "2027-02-03T10:00:00", "ends_at": "2027-02-04T12:30:00", "venue": "Sigtuna", "mandatory": True},
    {"kind": "half_day", "title": {"sv": "Första halvdagen", "en": "First half-day"},
     "starts_at": "2027-03-10T08:30:00", "ends_at": "2027-03-10T12:00:00", "venue": "Stockholm", "mandatory": True},
]
NAMES = ["Amira Haddad", "Bashir Noori", "Chen Li"]


def text(answer) -> str:
    return answer.get_data(as_text=True)


@pytest.fixture(scope="module")
def setup(tandem, web):
    return cohort_with_events(tandem, web)


def cohort_with_events(tandem, web) -> dict:
    """A cohort with a mandatory training and half-day, three accepted mentees expected at them, and
    its coordinator signed in to the test client."""
    person = coordinator(tandem, "en")
    programme = tandem.programme(person.token)
    cohort = tandem.open_cohort(person.token, programme, group_events=EVENTS)
    people = [tandem.apply(cohort, f"person{i}-{cohort['id'][:8]}@example.se", name=name) for i, name in enumerate(NAMES)]

    def scheduled():
        status, found = tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/events", None, person.token)
        return found if status == 200 and len(found) == len(EVENTS) else None  # 404 until scheduling hears of it

    events = eventually(scheduled, 20, "the events in scheduling")
    half_day = next(e for e in events if e["kind"] == "half_day")

    def expected():
        found = expect(tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/events/{half_day['id']}/attendance", None,
                                   person.token), 200)["attendees"]
        return found if len(found) == len(NAMES) else None

    eventually(expected, 20, "the accepted mentees expected at the event")
    client = web.test_client()
    sign_in(tandem, client, person)
    return {"person": person, "cohort": cohort, "people": people, "half_day": half_day, "client": client}


def test_the_index_lists_the_open_cohorts_and_a_cohort_lists_its_events(setup):
    client, cohort = setup["client"], setup["cohort"]
    page = text(client.get("/console/events?lang=en"))
    assert f"/console/cohorts/{cohort['id']}/events" in page
    events = text(client.get(f"/console/cohorts/{cohort['id']}/events?lang=en"))
    assert "Roll call: Residential training" in events and "Roll call: First half-day" in events
    assert events.count("Mandatory") >= 2


def test_the_roll_call_records_who_came_and_the_missed_list_shows_the_others(tandem, setup):
    client, cohort, event = setup["client"], setup["cohort"], setup["half_day"]
    path = f"/console/cohorts/{cohort['id']}/events/{event['id']}"
    page = text(client.get(f"{path}?lang=en"))
    for name in NAMES:
        assert name in page
    ids = {p["name"]: p["id"] for p in setup["people"]}
    answer = client.post(path, data={"people": list(ids.values()), "present": [ids["Amira Haddad"]],
                                     "excused": [ids["Chen Li"]], "action": "save"})
    assert answer.status_code == 302
    page = text(client.get(answer.headers["Location"] + "&lang=en"))
    assert "The roll call is saved." in page
    assert re.search(rf'id="present-{ids["Amira Haddad"]}"[^>]*checked', page)
    missed = text(client.get(f"/console/cohorts/{cohort['id']}/events/missed?lang=en"))
    table = missed.split('id="missed"', 1)[1].split("</table>", 1)[0]
    assert "Bashir Noori" in table and "Amira Haddad" not in table and "First half-day" in table
    assert "Chen Li" in missed.split("Excused from a mandatory event", 1)[1]

    assert client.post(path, data={"people": list(ids.values()), "action": "all"}).status_code == 302
    marks = expect(tandem.send("GET", f"/scheduling/cohorts/{cohort['id']}/events/{event['id']}/attendance", None,
                               setup["person"].token), 200)["attendees"]
    assert {m["status"] for m in marks} == {"present"}
    assert "Nobody has missed a mandatory event so far." in text(client.get(f"/console/cohorts/{cohort['id']}/events/missed?lang=en"))


def test_another_tenants_coordinator_gets_404(tandem, web, setup):
    other = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, other)
    cohort, event = setup["cohort"], setup["half_day"]
    for path in (f"/console/cohorts/{cohort['id']}/events", f"/console/cohorts/{cohort['id']}/events/{event['id']}",
                 f"/console/cohorts/{cohort['id']}/events/missed"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/console/cohorts/{cohort['id']}/events/{event['id']}", data={"people": ["x"], "action": "all"}).status_code == 404
    assert cohort["id"] not in text(client.get("/console/events"))
