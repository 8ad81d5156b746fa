"""The console's messages: the delivery log filtered and cut into pages, an announcement
previewed in four languages and sent after a confirmation, a template previewed, saved and
refused, a webhook added with its secret shown once and rotated — and 404 for another tenant."""

from __future__ import annotations

import uuid

from tests.skeleton import eventually, expect

from .console import coordinator, sign_in


def cohort_with_people(tandem, token: str, people: int = 2) -> tuple[dict, list[str]]:
    cohort = tandem.open_cohort(token, tandem.programme(token), mentee_places=people + 1)
    tag = uuid.uuid4().hex[:8]
    emails = [f"adept{n}-{tag}@example.se" for n in range(people)]
    for email in emails:
        tandem.apply(cohort, email)
    for email in emails:
        tandem.mail_to(email)  # the acceptance has gone: notify knows them
    return cohort, emails


def test_the_delivery_log_filters_by_cohort_person_status_and_kind(tandem, web):
    person = coordinator(tandem)
    cohort, emails = cohort_with_people(tandem, person.token)
    client = web.test_client()
    sign_in(tandem, client, person)
    page = client.get(f"/console/messages?lang=en&cohort={cohort['id']}").get_data(as_text=True)
    assert all(email in page for email in emails) and "application_accepted" in page
    one = client.get(f"/console/messages?lang=en&person={emails[0]}").get_data(as_text=True)
    assert emails[0] in one and emails[1] not in one
    assert "No messages match." in client.get(f"/console/messages?lang=en&cohort={cohort['id']}&status=failed").get_data(as_text=True)
    assert "No messages match." in client.get("/console/messages?lang=en&message=match_confirmed").get_data(as_text=True)
    unknown = client.get("/console/messages?lang=en&person=no-such-person")
    assert unknown.status_code == 422 and "No messages have gone to this person." in unknown.get_data(as_text=True)


def test_an_announcement_is_previewed_confirmed_and_sent(tandem, web):
    person = coordinator(tandem)
    cohort, emails = cohort_with_people(tandem, person.token)
    client = web.test_client()
    sign_in(tandem, client, person)
    address = f"/console/cohorts/{cohort['id']}/announcements?lang=en"
    assert client.get(address).status_code == 200
    refused = client.post(address, data={"subject-sv": "Ny lokal", "action": "preview"})
    assert refused.status_code == 422 and 'id="body-sv-error"' in refused.get_data(as_text=True)
    typed = {"subject-sv": "Ny lokal", "body-sv": "Vi ses i sal B.", "subject-en": "A new room",
             "body-en": "See you in room B.", "roles": ["mentee", "mentor"]}
    preview = client.post(address, data={**typed, "action": "preview"}).get_data(as_text=True)
    assert "This sends an e-mail to 2 people" in preview and "See you in room B." in preview
    assert 'id="preview-fi"' in preview and 'id="preview-nb"' in preview
    sent = client.post(address, data={**typed, "action": "send"})
    assert sent.status_code == 302
    assert "on its way to 2 people" in client.get(sent.headers["Location"] + "&lang=en").get_data(as_text=True)
    eventually(lambda: [m for m in tandem.mail_to(emails[0]) if "Ny lokal" in (m["Subject"] or "")], 20, "the announcement")


def test_a_template_is_previewed_saved_refused_and_reset(tandem, web):
    person = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, person)
    assert "application_accepted" in client.get("/console/messages/templates?lang=en").get_data(as_text=True)
    address = "/console/messages/templates/application_accepted/en?lang=en"
    assert client.get(address).status_code == 200
    preview = client.post(address, data={"subject": "Welcome aboard, {{ name }}", "text": "", "html": "", "action": "preview"})
    assert preview.status_code == 200 and "Welcome aboard, Leyla Rahimi" in preview.get_data(as_text=True)
    bad = client.post(address, data={"subject": "Welcome {{ name", "action": "save"})
    assert bad.status_code == 422 and 'id="subject-error"' in bad.get_data(as_text=True)
    assert client.post(address, data={"subject": "Welcome aboard, {{ name }}", "action": "save"}).status_code == 302
    assert "Your own wording is in use." in client.get(address).get_data(as_text=True)
    assert client.post(address, data={"action": "reset"}).status_code == 302
    assert "Your own wording is in use." not in client.get(address).get_data(as_text=True)


def test_a_webhook_is_added_its_secret_shown_once_and_rotated(tandem, web):
    person = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, person)
    bad = client.post("/console/messages/webhooks?lang=en", data={"url": "http://localhost/hook"})
    assert bad.status_code == 422 and 'id="url-error"' in bad.get_data(as_text=True)
    made = client.post("/console/messages/webhooks?lang=en", data={"url": "https://93.184.216.34/tandem", "description": "HR"})
    page = made.get_data(as_text=True)
    assert made.status_code == 200 and 'id="secret"' in page and "https://93.184.216.34/tandem" in page
    again = client.get("/console/messages/webhooks?lang=en").get_data(as_text=True)
    assert 'id="secret"' not in again  # shown once
    rotated = client.post("/console/messages/webhooks/secret?lang=en").get_data(as_text=True)
    assert 'id="secret"' in rotated and "The old secret also signs until" in rotated
    hooks = expect(tandem.send("GET", "/notify/webhooks", None, person.token), 200)
    assert client.post(f"/console/messages/webhooks/{hooks[0]['id']}", data={"action": "pause"}).status_code == 302
    assert not expect(tandem.send("GET", "/notify/webhooks", None, person.token), 200)[0]["active"]


def test_another_tenants_coordinator_gets_404(tandem, web):
    owner = coordinator(tandem)
    cohort, _ = cohort_with_people(tandem, owner.token, people=1)
    delivery = expect(tandem.send("GET", "/notify/deliveries", None, owner.token), 200)[0]
    expect(tandem.send("POST", "/notify/webhooks", {"url": "https://93.184.216.34/x"}, owner.token), 201)
    hook = expect(tandem.send("GET", "/notify/webhooks", None, owner.token), 200)[0]
    stranger = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, stranger)
    for path in (f"/console/cohorts/{cohort['id']}/announcements", f"/console/messages/deliveries/{delivery['id']}/retry",
                 f"/console/messages?cohort={cohort['id']}"):
        answer = client.get(path)
        assert answer.status_code in (404, 422) and cohort["name"] not in answer.get_data(as_text=True) or answer.status_code == 404, path
    assert client.get(f"/console/cohorts/{cohort['id']}/announcements").status_code == 404
    assert client.get(f"/console/messages/deliveries/{delivery['id']}/retry").status_code == 404
    assert client.post(f"/console/messages/webhooks/{hook['id']}", data={"action": "remove"}).status_code == 404
    assert delivery["recipient"] not in client.get("/console/messages").get_data(as_text=True)
