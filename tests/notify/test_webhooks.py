"""A tenant's own system hears of every event through its webhook: an HTTP POST of the event,
signed over timestamp and body with the tenant's secret — to a real receiver on loopback."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from services.notify.domain.webhooks import SIGNATURE_HEADER, signature_header, url_refusal, verify
from services.shared import clock
from tests.notify.conftest import sample
from tests.skeleton import expect


def _hook(notify, url: str, tenant: str = "saco", **body) -> dict:
    return expect(notify.send("POST", "/notify/webhooks", {"url": url, **body}, notify.coordinator(tenant)), 201)


def _posted(notify, receiver, expected: int, rounds: int = 40) -> list[dict]:
    for _ in range(rounds):
        notify.dispatcher.send_webhooks()
        if len(receiver.requests) >= expected:
            break
        time.sleep(0.05)
    return receiver.requests


def test_each_event_is_posted_signed_and_the_signature_verifies_only_for_the_untouched_body(notify_mbox, receiver):
    notify = notify_mbox
    made = _hook(notify, receiver.url + "/tandem")
    secret = made["secret"]
    assert secret.startswith("whsec_")
    cohort = notify.cohort("saco")
    event = notify.feed("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort))
    posted = _posted(notify, receiver, 2)
    assert [json.loads(r["body"])["type"] for r in posted] == ["cohort.opened.v1", "match.confirmed.v1"]
    request = posted[1]
    body, header = request["body"], request["headers"][SIGNATURE_HEADER]
    assert json.loads(body) == event.to_dict()  # the event itself, envelope and all
    assert request["path"] == "/tandem" and request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Tandem-Event-Type"] == "match.confirmed.v1" and request["headers"]["Tandem-Event-Id"] == event.id
    now = int(clock.now().timestamp())
    assert verify(secret, header, body, now)
    assert not verify(secret, header, body.replace(b"Leyla", b"Layla"), now)  # tampered body
    assert not verify("whsec_someone-else", header, body, now)
    assert not verify(secret, header, body, now + 3600)  # replayed an hour later
    forged = header.split(",")[0] + ",v1=" + "0" * 64
    assert not verify(secret, forged, body, now)
    assert {d["status"] for d in notify.deliveries(channel="webhook")} == {"sent"}
    # the signature is over "<timestamp>." + body: what a receiver in any language recomputes
    t = int(header.split(",")[0][2:])
    assert signature_header([secret], t, body) == header


def test_a_rotated_secret_signs_beside_the_old_one_for_a_while(notify_mbox, receiver):
    notify = notify_mbox
    old = _hook(notify, receiver.url)["secret"]
    rotated = expect(notify.send("POST", "/notify/webhooks/secret/rotate", None, notify.coordinator("saco")), 200)
    new = rotated["secret"]
    assert new != old and rotated["previous_valid_until"]
    notify.cohort("saco")
    header, body = _posted(notify, receiver, 1)[0]["headers"][SIGNATURE_HEADER], receiver.requests[0]["body"]
    now = int(clock.now().timestamp())
    assert verify(new, header, body, now) and verify(old, header, body, now)
    # a day later only the new one signs
    clock.set(clock.now() + timedelta(hours=25))
    try:
        notify.cohort("saco")
        request = _posted(notify, receiver, 2)[1]
        later = int(clock.now().timestamp())
        assert verify(new, request["headers"][SIGNATURE_HEADER], request["body"], later)
        assert not verify(old, request["headers"][SIGNATURE_HEADER], request["body"], later)
    finally:
        clock.set(None)
    listed = expect(notify.send("GET", "/notify/webhooks", None, notify.coordinator("saco")), 200)
    assert "secret" not in listed[0]  # a secret is shown once


def test_server_errors_and_429_are_retried_and_a_4xx_fails_at_once(notify_mbox, receiver):
    notify = notify_mbox
    _hook(notify, receiver.url)
    receiver.answers = [(503, {}), (429, {"Retry-After": "0"}), (200, {})]
    notify.cohort("saco")
    _posted(notify, receiver, 3)
    delivery, = notify.deliveries(channel="webhook")
    assert delivery["status"] == "sent" and delivery["attempts"] == 3
    receiver.answers = [(410, {})]
    notify.cohort("saco")
    _posted(notify, receiver, 4)
    notify.dispatcher.send_webhooks()
    failed, = notify.deliveries(channel="webhook", status="failed")
    assert failed["attempts"] == 1 and failed["last_error"] == "HTTP 410"
    assert len(receiver.requests) == 4
    assert [e["data"]["channel"] for e in notify.outbox("notification.failed")] == ["webhook"]


def test_an_endpoint_that_does_not_answer_is_retried_later(notify_mbox, receiver):
    notify = notify_mbox
    _hook(notify, receiver.url)
    receiver.close()  # nobody listens
    for _ in range(3):
        notify.cohort("saco")
    notify.dispatcher.send_webhooks()
    waiting = notify.deliveries(channel="webhook")
    assert {d["status"] for d in waiting} == {"pending"}
    assert sorted(d["attempts"] for d in waiting) == [0, 0, 1]  # the others did not wait on it again
    assert "cannot connect" in waiting[0]["last_error"]


def test_only_the_chosen_event_types_go_to_an_endpoint(notify_mbox, receiver):
    notify = notify_mbox
    _hook(notify, receiver.url, event_types=["match.confirmed.v1"])
    cohort = notify.cohort("saco")
    notify.feed("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort))
    assert [json.loads(r["body"])["type"] for r in _posted(notify, receiver, 1)] == ["match.confirmed.v1"]


def test_webhooks_go_over_https_to_public_addresses_only(notify_mbox):
    notify = notify_mbox
    token = notify.coordinator("saco")
    refused = expect(notify.send("POST", "/notify/webhooks", {"url": "http://hooks.example.org/x"}, token), 422)
    assert "https" in refused["errors"]["json"]["url"][0]
    private = expect(notify.send("POST", "/notify/webhooks", {"url": "https://10.1.2.3/hook"}, token), 422)
    assert "public" in private["errors"]["json"]["url"][0]
    unknown = expect(notify.send("POST", "/notify/webhooks", {"url": "https://hooks.example.org/x",
                                                             "event_types": ["no.such.v1"]}, token), 422)
    assert "event_types" in unknown["errors"]["json"]
    assert url_refusal("http://127.0.0.1:8080/x", allow_http_loopback=False)
    assert url_refusal("http://127.0.0.1:8080/x", allow_http_loopback=True) is None
    assert url_refusal("https://user:pw@hooks.example.org/x", allow_http_loopback=False)


def test_another_tenants_webhook_is_not_there(notify_mbox, receiver):
    notify = notify_mbox
    made = _hook(notify, receiver.url)
    other = notify.coordinator("oske")
    expect(notify.send("PATCH", f"/notify/webhooks/{made['id']}", {"active": False}, other), 404)
    expect(notify.send("DELETE", f"/notify/webhooks/{made['id']}", None, other), 404)
    assert expect(notify.send("GET", "/notify/webhooks", None, other), 200) == []
    notify.cohort("oske")  # oske's events do not go to saco's endpoint
    notify.dispatcher.send_webhooks()
    assert receiver.requests == []
