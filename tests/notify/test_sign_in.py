"""A coordinator or representative who asks to sign in gets the link by e-mail in their own
language — and the link, which opens the door, is in that e-mail only: never in the delivery
log, the logs, or the tenant's webhooks."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from tests.notify.conftest import dispatched_until, html_of, text_of
from tests.skeleton import expect

CODE = "q1Jx8sW3mZr0Y2b7T4kVn9dLh6cPf5aEuGiHoKwXyQs"
LINK = f"https://tandem.example.org/sign-in/{CODE}"
KARIN = "karin.berg@skatteverket.se"


def _asked(locale: str, **extra) -> dict:
    return {"staff_id": "s-1", "name": "Karin Berg", "email": KARIN, "locale": locale, "role": "representative",
            "tenant_name": "Saco", "link": LINK, "link_expires_at": datetime(2026, 11, 2, 9, 15, tzinfo=UTC),
            "invited": False, **extra}


def test_the_sign_in_email_arrives_in_her_language_with_the_link_and_no_webhook_hears_of_it(notify, mail, receiver):
    expect(notify.send("POST", "/notify/webhooks", {"url": f"{receiver.url}/saco"}, notify.coordinator("saco")), 201)
    notify.feed("staff.sign_in_requested.v1", "saco", _asked("nb"))
    invited = notify.feed("staff.sign_in_requested.v1", "jusek", _asked("fi", invited=True))
    assert not notify.apply(invited)  # a redelivery sends nothing more

    dispatched_until(notify, mail, 2)

    by_subject = {m["Subject"]: m for m in mail.to(KARIN)}
    assert set(by_subject) == {"Logg inn på Tandem", "Kirjaudu Tandemiin"}
    norwegian, finnish = by_subject["Logg inn på Tandem"], by_subject["Kirjaudu Tandemiin"]
    assert f"Logg inn på Tandem: {LINK}" in text_of(norwegian)
    assert "Lenken virker én gang, i 15 minutter." in text_of(norwegian)
    assert f'href="{LINK}"' in html_of(norwegian)
    assert LINK in text_of(finnish) and "Jusek" not in text_of(norwegian)
    assert "Saco on lisännyt sinut Tandemiin" in text_of(finnish)  # invited, not asked
    assert norwegian["List-Unsubscribe"] is None  # asked for: essential
    assert notify.deliveries(channel="webhook") == [] and receiver.requests == []


def test_the_delivery_log_and_the_logs_hold_neither_the_link_nor_the_code(notify, mail, caplog):
    caplog.set_level(logging.DEBUG)
    notify.feed("staff.sign_in_requested.v1", "saco", _asked("sv"))
    coordinator = notify.coordinator("saco")

    waiting = expect(notify.send("GET", "/notify/deliveries", None, coordinator), 200)
    [delivery] = waiting if isinstance(waiting, list) else waiting["items"]
    detail = expect(notify.send("GET", f"/notify/deliveries/{delivery['id']}", None, coordinator), 200)
    assert detail["message"] == "sign_in" and "Logga in på Tandem: [sign-in link]" in detail["body_text"]

    dispatched_until(notify, mail, 1)
    assert LINK in text_of(mail.to(KARIN)[0])  # the e-mail itself carries it

    after = expect(notify.send("GET", f"/notify/deliveries/{delivery['id']}", None, coordinator), 200)
    assert after["status"] == "sent"
    ours = [r for r in caplog.records if r.name != "mail.log"]  # not the receiving SMTP server's own log
    kept = [json.dumps(waiting), json.dumps(detail), json.dumps(after), json.dumps(notify.outbox(""), default=str),
            json.dumps(notify.deliveries(), default=str),
            *(f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in ours)]
    assert not any(CODE in text for text in kept)


def test_a_sign_in_mail_the_server_refuses_keeps_no_link_to_send_again(notify, mail):
    mail.refuse[KARIN] = "550 5.1.1 No such mailbox"
    notify.feed("staff.sign_in_requested.v1", "saco", _asked("en"))

    notify.dispatch()

    [failed] = notify.deliveries()
    assert failed["status"] == "failed" and CODE not in json.dumps(failed, default=str)
    retry = notify.send("POST", f"/notify/deliveries/{failed['id']}/retry", None, notify.coordinator("saco"))
    assert retry[0] == 409  # the person asks for a fresh link instead
