"""The console lets coordinators in and nobody else: no sign-in goes to the sign-in page, a
representative gets a page saying it is for coordinators."""

from __future__ import annotations

from .console import coordinator, sign_in
from .test_sign_in_pages import invite, signed_in


def test_without_sign_in_the_console_sends_to_sign_in(web):
    answer = web.test_client().get("/console")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sign-in")


def test_a_representative_cannot_open_the_console(tandem, web):
    person = coordinator(tandem)
    client = web.test_client()
    signed_in(tandem, client, invite(tandem, person.token))
    answer = client.get("/console?lang=en")
    assert answer.status_code == 403
    assert "This page is for coordinators" in answer.get_data(as_text=True)


def test_a_coordinator_signs_in_and_reaches_the_console(tandem, web):
    person = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, person)
    assert client.get("/console").status_code == 302
