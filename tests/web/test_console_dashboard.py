"""The console's overview through the Flask client: the open cohort with its places taken and
waiting list, the coming group events, and the empty lists said in words; another tenant's
coordinator sees none of it."""

from __future__ import annotations

import pytest

from .console import coordinator, sign_in
from .test_console_applications import spring_cohort


@pytest.fixture(scope="module")
def spring(tandem):
    person = coordinator(tandem)
    return {"person": person, **spring_cohort(tandem, person)}


def test_the_overview_shows_places_taken_and_the_waiting_list(tandem, web, spring):
    client = web.test_client()
    sign_in(tandem, client, spring["person"])
    assert client.get("/console").headers["Location"].endswith("/console/overview")
    page = client.get("/console/overview?lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    card = body[body.index(f'id="cohort-{spring["cohort"]["id"]}"'):]
    assert '<span class="figure places">20 / 20</span>' in card and '<span class="figure waiting">2</span>' in card
    assert f"/console/cohorts/{spring['cohort']['id']}/applications" in card
    assert "Mentoring for foreign-born graduates" in card
    events = body[body.index('id="events"'):]
    assert "Training days" in events and "mandatory" in events
    assert "No run is waiting for review." in body and "No delivery has failed." in body


def test_another_tenants_coordinator_sees_none_of_it(tandem, web, spring):
    other = web.test_client()
    sign_in(tandem, other, coordinator(tandem))
    body = other.get("/console/overview?lang=en").get_data(as_text=True)
    assert spring["cohort"]["id"] not in body and "No cohort is open for applications." in body
