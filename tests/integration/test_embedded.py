"""The walking skeleton in the embedded default: one process, in-memory transport, SQLite."""

import email
import email.policy
import mailbox
from pathlib import Path

import pytest
from click.testing import CliRunner
from kombu.transport import memory
from werkzeug.test import Client

from services import cli, embedded
from services.shared.config import settings_for
from services.shared.tenancy import issue_token
from tests.skeleton import (
    Mail,
    applicant,
    apply_to_a_new_cohort,
    eventually,
    expect,
    finished_run,
    over_test_client,
    recorded_everywhere,
    walk,
)


@pytest.fixture
def platform(tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("AMQP_URL", "memory://")
    built = embedded.build()
    built.start_workers()
    yield built
    built.shutdown()
    # the in-memory broker lives as long as the process: leave nothing for the next test
    memory.Channel.queues.clear()
    memory.Transport.global_state.clear()


@pytest.fixture
def send(platform):
    return over_test_client(Client(platform.wsgi))


@pytest.fixture
def operator(platform):
    return issue_token(platform.apps["intake"].config["TANDEM_SETTINGS"].signing_key, tenant="*", role="operator", sub="ops")


def in_the_mailbox(data: Path) -> Mail:
    """The e-mails notify has put in the embedded mode's mailbox (``mail/outbox.mbox``) for an address."""
    def to(address: str) -> list[email.message.EmailMessage]:
        path = data / "mail" / "outbox.mbox"
        if not path.exists():
            return []
        box = mailbox.mbox(path)  # each message as stored (``as_bytes`` would fold its headers again)
        parsed = [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.keys()]
        return [m for m in parsed if address in (m["To"] or "")]

    return to


def test_an_application_walks_from_the_public_form_to_a_confirmed_pair_with_its_plan_and_its_emails(platform, send, operator, tmp_path):
    walked = walk(send, operator, in_the_mailbox(tmp_path))
    # notify logs what it sent, each in the reader's language
    code, sent = send("GET", f"/notify/deliveries?cohort_id={walked['cohort']['id']}&status=sent", None, walked["coordinator"])
    assert code == 200
    assert {(d["recipient"], d["locale"]) for d in sent} == {("amira.haddad@example.se", "sv"), ("daniel.berg@example.se", "en")}
    # the links lead to the web front beside the APIs (its pages themselves: tests/web)
    web = platform.apps["scheduling"].config["TANDEM_SETTINGS"].web_url
    assert all(link.startswith(f"{web}/pairs/{walked['pair']['id']}/agreement?token=") for link in walked["links"].values())


def test_another_tenant_sees_nothing_of_it(platform, send, operator):
    walked = apply_to_a_new_cohort(send, operator)
    recorded_everywhere(send, walked)
    expect(send("POST", "/intake/tenants", {"slug": "oske", "name": "OSKE LAB"}, operator), 201)
    other = expect(send("POST", "/intake/tenants/oske/tokens", {"role": "coordinator", "sub": "k@example.fi"}, operator), 201)["token"]
    cohort, programme = walked["cohort"]["id"], walked["programme"]["id"]
    expect(send("GET", f"/intake/programmes/{programme}", None, other), 404)
    expect(send("GET", f"/intake/cohorts/{cohort}", None, other), 404)
    expect(send("POST", f"/intake/cohorts/{cohort}/open", None, other), 404)
    expect(send("GET", f"/intake/cohorts/{cohort}/applications", None, other), 404)
    expect(send("POST", f"/intake/programmes/{programme}/cohorts", {"name": "x", "starts_on": "2027-01-01", "ends_on": "2027-06-01"}, other), 404)
    assert expect(send("GET", "/intake/programmes", None, other), 200) == []
    expect(send("GET", f"/matching/cohorts/{cohort}/candidates", None, other), 404)
    expect(send("GET", f"/scheduling/cohorts/{cohort}/participants", None, other), 404)
    expect(send("GET", f"/notify/deliveries?cohort_id={cohort}", None, other), 404)
    assert expect(send("GET", "/notify/deliveries", None, other), 200) == []


def test_a_matching_run_is_answered_at_once_and_executed_by_the_in_process_worker(platform, send, operator):
    walked = apply_to_a_new_cohort(send, operator)
    recorded_everywhere(send, walked)
    coordinator, cohort = walked["coordinator"], walked["cohort"]["id"]
    queued = expect(send("POST", f"/matching/cohorts/{cohort}/runs", {}, coordinator), 202)
    assert queued["status"] == "queued"
    run = finished_run(send, queued["id"], coordinator)
    # one mentee and no mentor yet: the run says so rather than crash
    assert (run["status"], run["failure_reason"]) == ("failed", "no mentors have applied to this cohort yet")


def test_every_endpoint_wants_a_valid_token(send, operator):
    body = expect(send("GET", "/intake/programmes", None, None), 401)
    assert body["errors"]["Authorization"]
    expect(send("GET", "/intake/programmes", None, "forged.token.value"), 401)
    expect(send("POST", "/intake/tenants", {"slug": "x1", "name": "x"}, None), 401)
    walked = apply_to_a_new_cohort(send, operator)
    # a coordinator is not an operator
    expect(send("POST", "/intake/tenants", {"slug": "x2", "name": "x"}, walked["coordinator"]), 403)


def test_bad_input_gets_field_level_errors_in_one_shape(send, operator):
    walked = apply_to_a_new_cohort(send, operator)
    body = expect(send("POST", f"/intake/public/cohorts/{walked['cohort']['id']}/applications",
                       {"role": "adept", "name": "", "email": "nope", "locale": "de"}, None), 422)
    assert {"role", "name", "email", "locale"} <= set(body["errors"]["json"])
    assert body["code"] == 422 and body["status"]
    again = expect(send("POST", f"/intake/public/cohorts/{walked['cohort']['id']}/applications", applicant(), None), 409)
    assert again["errors"]["existing_id"] == walked["application"]["id"]


def test_health_readiness_and_metrics(send, operator):
    apply_to_a_new_cohort(send, operator)
    for prefix in ("", "/intake", "/matching", "/scheduling", "/notify"):
        assert send("GET", f"{prefix}/healthz", None, None)[0] == 200
        assert send("GET", f"{prefix}/readyz", None, None)[0] == 200


def test_metrics_count_requests_and_events(platform, send, operator):
    walked = apply_to_a_new_cohort(send, operator)
    recorded_everywhere(send, walked)
    text = Client(platform.wsgi).get("/metrics").get_data(as_text=True)
    assert 'tandem_http_requests_total{method="POST",route="/public/cohorts/<cohort_id>/applications",service="intake",status="201"}' in text
    assert 'tandem_events_published_total{service="intake",tenant="saco",type="application.submitted.v1"}' in text
    assert 'tandem_events_consumed_total{service="notify",tenant="saco",type="application.submitted.v1"}' in text
    assert 'tandem_outbox_backlog{service="matching"} 0.0' in text
    assert Client(platform.wsgi).get("/intake/metrics").status_code == 200


def test_tandem_run_on_another_port_links_to_that_port_in_its_mail(tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    for name in ("SMTP_HOST", "DATABASE_URL", "TANDEM_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMQP_URL", "memory://")
    mailed = []

    def serve(host, port, wsgi, **_options):
        """Instead of listening: walk the skeleton over what `tandem run` would serve."""
        operator = issue_token(settings_for("intake").signing_key, tenant="*", role="operator", sub="ops")
        apply_to_a_new_cohort(over_test_client(Client(wsgi)), operator)

        def in_the_mailbox():
            box = mailbox.mbox(tmp_path / "mail" / "outbox.mbox")
            return [m.get_payload(decode=True).decode() for m in box if m["To"] == "amira.haddad@example.se"]

        mailed.extend(eventually(in_the_mailbox, what="the acknowledgement in the mailbox"))

    monkeypatch.setattr("werkzeug.serving.run_simple", serve)
    try:
        result = CliRunner().invoke(cli.main, ["run", "--port", "8300"], catch_exceptions=False)
    finally:
        memory.Channel.queues.clear()
        memory.Transport.global_state.clear()
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8300/applications/mine?token=" in mailed[0]  # the web front beside the APIs
    assert "127.0.0.1:8000" not in mailed[0]
