"""A tenant's own template is bounded in time and memory: refused with the reason when it is saved
or previewed, and when it runs over while a message is sent, that message goes out in the
platform's words and says why — while the API and other tenants' mail carry on."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from prometheus_client import REGISTRY

from services.notify import store
from services.notify.domain import samples
from services.notify.domain.rendering import render
from services.shared import clock
from tests.notify.conftest import Notify, dispatched_until, sample
from tests.skeleton import expect

URL = "/notify/templates/application_received/sv"

# Recursion as deep as the reader's name is long: fine for the samples' names, not for a real one.
RECURSIVE = ("{% macro grow(n) %}{% if n > 0 %}{{ grow(n - 1) }}{{ grow(n - 1) }}{% endif %}{% endmacro %}"
             "Hej {{ name }}{{ grow(name|length) }}")
# Loops as long as the name squared, nested: quick for the samples' names, minutes for a real one.
SLOW_FOR_LONG_NAMES = ("{% set s = name * (name|length * 3) %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
                       "Hej {{ name }}")
LONG_NAME = "Maria Fernanda Gonzalez de la Cruz Abdullahi"

COSTLY = {
    "lipsum": "{{ lipsum(20000) }}",
    "nested calls 1000 cubed": ("{% macro c() %}{% for i in range(1000) %}{% endfor %}{% endmacro %}"
                                "{% macro b() %}{% for i in range(1000) %}{% set x = c() %}{% endfor %}{% endmacro %}"
                                "{% for i in range(1000) %}{% set x = b() %}{% endfor %}Hej"),
    "ljust": "{% set x = 'a'.ljust(10**8) %}{{ x|length }}",
    "center": "{% set x = 'a'|center(10**8) %}{{ x|length }}",
    "namespace doubling": ('{% set ns = namespace(s="a") %}{% for i in range(27) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
                           "{{ ns.s|length }}"),
    # the sandbox lets this through; the process's memory limit does not
    "format width": "{% set x = '%100000000s'|format('a') %}{{ x|length }}",
}


@pytest.fixture
def notify(tmp_path, mail):
    made = Notify(f"sqlite:///{tmp_path}/notify.db", tmp_path, smtp_port=mail.port, template_seconds=0.5,
                  template_memory_mb=64)
    yield made
    made.close()


def _store_override(notify: Notify, tenant: str, text: str) -> None:
    """A wording saved before the limits were checked (straight into the table)."""
    with notify.engine.begin() as conn:
        conn.execute(store.template_overrides.delete().where(store.template_overrides.c.tenant == tenant))
        conn.execute(store.template_overrides.insert().values(
            id=str(uuid.uuid4()), tenant=tenant, message="application_received", locale="sv", subject=None, text=text,
            html=None, updated_at=clock.now(), updated_by="coordinator"))


def _submitted(notify: Notify, tenant: str, name: str, email: str) -> dict:
    notify.feed("application.submitted.v1", tenant, sample("application.submitted.v1", application_id=str(uuid.uuid4()),
                                                           name=name, email=email))
    (delivery,) = notify.deliveries(recipient=email)
    return delivery


def _fallbacks(reason: str) -> float:
    return REGISTRY.get_sample_value("tandem_notify_template_fallbacks_total",
                                     {"service": "notify", "message": "application_received", "reason": reason}) or 0.0


@pytest.mark.parametrize("name", sorted(COSTLY))
def test_a_costly_template_is_refused_at_save_and_preview_with_the_reason(notify, name):
    token = notify.coordinator("saco")
    started = time.monotonic()
    saved = expect(notify.send("PUT", URL, {"text": COSTLY[name]}, token), 422)
    previewed = expect(notify.send("POST", f"{URL}/preview", {"role": "mentee", "text": COSTLY[name]}, token), 422)
    for answer in (saved, previewed):
        (reason,) = answer["errors"]["json"]["text"]
        assert reason.startswith(("not allowed", "too costly to render")), reason
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("name", sorted(COSTLY))
def test_a_costly_template_saved_earlier_falls_back_at_send_and_says_why(notify, name):
    _store_override(notify, "saco", COSTLY[name])
    started = time.monotonic()
    ours = _submitted(notify, "saco", "Amira Haddad", "amira@example.se")
    theirs = _submitted(notify, "oske", "Omar Yusuf", "omar@example.se")
    assert time.monotonic() - started < 5
    assert ours["status"] == "pending" and ours["subject"].startswith("Vi har tagit emot din ansökan")
    assert "the platform's template was used" in ours["last_error"]
    assert theirs["status"] == "pending" and theirs["last_error"] is None


def test_a_recursive_macro_that_behaves_for_the_samples_falls_back_for_a_long_name(notify):
    token = notify.coordinator("saco")
    expect(notify.send("PUT", URL, {"text": RECURSIVE}, token), 200)
    before = _fallbacks("error") + _fallbacks("time")
    short = _submitted(notify, "saco", "Amal Said", "amal@example.se")
    assert short["body_text"].startswith("Hej Amal Said") and short["last_error"] is None
    started = time.monotonic()
    long = _submitted(notify, "saco", LONG_NAME, "maria@example.se")
    assert time.monotonic() - started < 3
    # stopped by whichever bound it meets first: its calls counted, or its time
    assert "Vi har tagit emot" in long["subject"]
    assert "more than 100000 calls" in long["last_error"] or "took longer than 0.5 s" in long["last_error"]
    assert _fallbacks("error") + _fallbacks("time") == before + 1


def test_while_a_slow_template_runs_into_its_limit_the_api_and_other_tenants_go_on(notify):
    token = notify.coordinator("saco")
    expect(notify.send("PUT", URL, {"text": SLOW_FOR_LONG_NAMES}, token), 200)
    before = _fallbacks("time")
    result: dict = {}
    slow = threading.Thread(target=lambda: result.update(d=_submitted(notify, "saco", LONG_NAME, "maria@example.se")))
    started = time.monotonic()
    slow.start()
    time.sleep(0.1)
    # meanwhile: another tenant's message renders, and the API answers
    other = samples.contexts("application_received")[0]
    assert render("application_received", other, ["sv"]).subject.startswith("Vi har tagit emot")
    theirs = expect(notify.send("POST", f"{URL}/preview", {"role": "mentee", "subject": "Välkommen, {{ name }}"},
                                notify.coordinator("oske")), 200)
    assert theirs["subject"] == "Välkommen, Leyla Rahimi"
    assert slow.is_alive()  # all that while the slow template was still running
    slow.join(10)
    for path in ("/notify/readyz", "/notify/templates", "/notify/deliveries"):
        assert notify.client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert time.monotonic() - started < 3
    delivery = result["d"]
    assert "took longer than 0.5 s" in delivery["last_error"] and delivery["subject"].startswith("Vi har tagit emot")
    assert _fallbacks("time") == before + 1
    # the next message does not wait for it again: the template is paused
    started = time.monotonic()
    again = _submitted(notify, "saco", LONG_NAME, "maria2@example.se")
    assert time.monotonic() - started < 0.4 and "took longer than 0.5 s" in again["last_error"]
    theirs = _submitted(notify, "oske", "Omar Yusuf", "omar@example.se")
    assert theirs["last_error"] is None


def test_the_delivery_log_still_says_why_the_platforms_template_was_used_after_the_mail_is_sent(notify, mail):
    _store_override(notify, "saco", COSTLY[sorted(COSTLY)[0]])
    queued = _submitted(notify, "saco", "Amira Haddad", "amira@example.se")
    assert "the platform's template was used" in queued["last_error"]
    dispatched_until(notify, mail, 1)
    (sent,) = notify.deliveries(recipient="amira@example.se")
    assert sent["status"] == "sent" and sent["last_error"] == queued["last_error"]
