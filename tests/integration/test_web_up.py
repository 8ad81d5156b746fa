"""The web front as `make up` runs it: its own gunicorn process over the four services' APIs (each
its own gunicorn API and worker) on the real RabbitMQ and PostgreSQL, with notify mailing over
SMTP — walked in Debian's Chromium the way tests/web walks the embedded platform.

A mentee applies in Swedish from the public cohort page to a full cohort and waits first in line;
she opens her personal link from the acknowledgement e-mail, sees the same, and withdraws. When
the mentee holding the place withdraws through her own link, the one now first on the waiting list
finds the place on their own page.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.shared.tenancy import issue_token
from tests.integration.up import scratch_vhost, smtp_server, tandem_up
from tests.skeleton import eventually
from tests.web.browser import check_page, heading, language
from tests.web.conftest import Tandem
from tests.web.test_browser import fill_mentee_form, said, send_form

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def up(rabbitmq, postgres, tmp_path_factory):
    """`tandem up` on a vhost and databases of its own, mailing to an SMTP server on loopback."""
    with scratch_vhost(rabbitmq) as amqp_url, smtp_server() as smtp:
        with tandem_up(amqp_url, postgres, smtp, tmp_path_factory.mktemp("up")) as running:
            yield running


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def withdraw(page) -> None:
    """From "Your application": the withdraw link, then the confirmation step's button."""
    with page.expect_navigation():
        page.click("a[href*='/applications/mine/withdraw']")
    assert heading(page) == said("sv", "Withdraw your application?")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert heading(page) == said("sv", "Your application is withdrawn")
    assert page.inner_text("#status") == said("sv", "Withdrawn")


def test_a_mentee_applies_in_swedish_waits_withdraws_from_the_link_in_her_email_and_a_freed_place_reaches_the_next_in_line(up, page):
    # the coordinator's part, through the APIs: a tenant, a programme, a cohort with one mentee place, taken
    tandem = Tandem(url=up.web, mbox=None, operator=issue_token(up.key, tenant="*", role="operator", sub="ops"),
                    send=up.send)  # (mbox: the e-mail goes over SMTP to up.inbox here)
    coordinator = tandem.coordinator()
    today = datetime.now(UTC).date()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=1,
                                starts_on=str(today + timedelta(days=60)), ends_on=str(today + timedelta(days=270)))
    tag = uuid.uuid4().hex[:8]
    first = tandem.apply(cohort, f"fatima-{tag}@example.se", name="Fatima Ali")
    assert first["status"] == "accepted"
    amira = f"amira-{tag}@example.se"

    # Amira applies in Swedish from the public cohort page
    page.goto(f"{up.web}/cohorts/{cohort['id']}?lang=sv")
    assert language(page) == "sv"
    assert heading(page).startswith("Mentorprogram för utrikes födda akademiker")
    with page.expect_navigation():
        page.click(f"a[href*='/cohorts/{cohort['id']}/apply/mentee']")
    assert heading(page) == said("sv", "Apply as a mentee")
    fill_mentee_form(page, "Amira Haddad", amira)
    send_form(page)
    assert heading(page) == said("sv", "Application sent")
    assert page.inner_text("#status") == said("sv", "On the waiting list")
    assert page.inner_text("#waitlist_position").strip() == "1"
    check_page(page, "up-confirmation")
    next_in_line = tandem.apply(cohort, f"bashir-{tag}@example.se", name="Bashir Rahimi")
    assert next_in_line["status"] == "waitlisted"

    # the link in the acknowledgement e-mail (notify, over RabbitMQ and SMTP) opens her application
    mine = f"{up.web}/applications/mine?token="
    page.goto(up.inbox.link(amira, mine))
    assert language(page) == "sv"
    assert heading(page) == said("sv", "Your application")
    assert page.inner_text("#status") == said("sv", "On the waiting list")
    assert page.inner_text("#waitlist_position").strip() == "1"
    withdraw(page)
    check_page(page, "up-withdrawn")

    # Bashir is first in line now; when Fatima gives up her place through her own link, it is his
    page.goto(up.inbox.link(next_in_line["email"], mine))
    assert page.inner_text("#waitlist_position").strip() == "1"
    page.goto(up.inbox.link(first["email"], mine))
    assert page.inner_text("#status") == said("sv", "You have a place")
    withdraw(page)
    page.goto(up.inbox.link(next_in_line["email"], mine))
    assert page.inner_text("#status") == said("sv", "You have a place")
    assert not page.locator("#waitlist_position").count()
    assert not page.problems, page.problems

    # and notify heard of the promotion over the broker (to tell him by e-mail)
    promoted = re.compile(r'tandem_events_consumed_total\{[^}]*service="notify"[^}]*type="application\.promoted\.v1"[^}]*\} 1\.0')
    eventually(lambda: promoted.search(get(f"{up.urls['notify']}/metrics")[1]), timeout=30, what="notify to consume the promotion")


def test_the_web_process_answers_health_readiness_and_metrics(up):
    assert get(f"{up.web}/cohorts/{uuid.uuid4()}?lang=sv")[0] == 404
    status, body = get(f"{up.web}/healthz")
    assert status == 200 and '"service":"web"' in body.replace(" ", "")
    status, body = get(f"{up.web}/readyz")
    assert status == 200 and '"ready"' in body
    status, body = get(f"{up.web}/metrics")
    assert status == 200
    # the pages' requests are counted, across the gunicorn workers
    counted = [line for line in body.splitlines() if line.startswith("tandem_http_requests_total{")]
    assert any('service="web"' in line and 'route="/cohorts/<' in line and 'status="404"' in line
               and float(line.rsplit(" ", 1)[1]) >= 1 for line in counted), counted
