"""The web front's readiness: in rotation while it can serve its pages.

Every public page needs intake, so without intake the front is not ready (503). Another API that
does not answer leaves it ready but "degraded" (200, naming that API): its pages say "unavailable"
meanwhile, and every other page still works. The APIs are the ``tandem`` platform's; one of them is
pointed at a port nobody listens on, or at one that takes the connection and never answers.
"""

from __future__ import annotations

import socket
import time

import pytest

from services.web.app import create_app
from services.web.settings import web_settings

APIS = ("intake", "matching", "scheduling", "notify")


def closed_port() -> str:
    """A local address nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def silent():
    """A local address that takes connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def front(tandem, **elsewhere):
    urls = {f"{name}_url": elsewhere.get(name, tandem.url) for name in APIS}
    return create_app(web_settings(**urls, secret="test-secret", timeout=10, ready_timeout=0.5)).test_client()


def test_with_all_four_apis_the_front_is_ready(tandem):
    answer = front(tandem).get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ready", "service": "web", "apis": dict.fromkeys(APIS, "ready")}


@pytest.mark.parametrize("down", ["matching", "scheduling", "notify"])
def test_without_another_api_the_front_stays_ready_and_says_which_is_missing(tandem, down):
    client = front(tandem, **{down: closed_port()})
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "degraded", "service": "web", "degraded": [down],
                                 "apis": {name: "unavailable" if name == down else "ready" for name in APIS}}
    # and the public pages are served: the front is worth keeping in rotation
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator))
    assert client.get(f"/cohorts/{cohort['id']}?lang=en").status_code == 200
    assert client.get(f"/cohorts/{cohort['id']}/apply/mentee?lang=en").status_code == 200


def test_without_intake_the_front_is_not_ready(tandem):
    answer = front(tandem, intake=closed_port(), notify=closed_port()).get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "unavailable" and body["failing"] == ["intake", "notify"]
    assert body["apis"] == {"intake": "unavailable", "matching": "ready", "scheduling": "ready", "notify": "unavailable"}


def test_an_api_that_never_answers_holds_readiness_no_longer_than_its_timeout(tandem, silent):
    # the page timeout is 10 s; the probe asks every API at once and waits 0.5 s for each
    client = front(tandem, scheduling=silent, matching=silent)
    started = time.monotonic()
    answer = client.get("/readyz")
    assert time.monotonic() - started < 3
    assert answer.status_code == 200 and answer.get_json()["degraded"] == ["matching", "scheduling"]
