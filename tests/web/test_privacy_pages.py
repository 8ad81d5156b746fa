"""A person's own data and the console's privacy page, through the Flask client: the person
downloads everything Tandem holds about them from their own page, as one file with every service's
part; a file with a part missing is never handed over; a coordinator produces the same file from
an address and reads who read or changed the person's data, newest first, a page at a time; a bad
address is named beside the field; another tenant's coordinator finds nothing of the person."""

from __future__ import annotations

import json
import re

import pytest

from services.shared.audit import person_hash
from services.web.app import create_app
from services.web.settings import web_settings
from tests.skeleton import expect

from .console import coordinator, sign_in
from .test_pages import text

SERVICES = ("intake", "matching", "scheduling", "notify")


@pytest.fixture(scope="module")
def team(tandem):
    return coordinator(tandem, locale="en")


@pytest.fixture(scope="module")
def cohort(tandem, team):
    return tandem.open_cohort(team.token, tandem.programme(team.token))


@pytest.fixture(scope="module")
def console(tandem, web, team):
    signed = web.test_client()
    sign_in(tandem, signed, team)
    return signed


def parts_of(answer) -> dict:
    assert answer.status_code == 200, text(answer)[:500]
    assert answer.mimetype == "application/json"
    return json.loads(answer.get_data(as_text=True))


def trail(body: str) -> list[tuple[str, ...]]:
    """The audit trail's rows as the page shows them: (time, part of Tandem, who, role, action, what)."""
    table = body.split('<tbody role="rowgroup">', 1)[1].split("</tbody>", 1)[0]
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
            for row in re.findall(r'<tr role="row">(.*?)</tr>', table, re.S)]


def test_my_page_offers_the_file_and_it_holds_every_services_part_and_nobody_elses(web, tandem, cohort):
    mine = tandem.apply(cohort, "amira.haddad@example.se", name="Amira Haddad")
    tandem.apply(cohort, "someone.else@example.se", name="Someone Else")
    client = web.test_client()
    page = text(client.get(f"/applications/mine?token={mine['manage_token']}&lang=en"))
    assert "Your data" in page
    assert f'href="/applications/mine/data.json?token={mine["manage_token"]}"' in page

    answer = client.get(f"/applications/mine/data.json?token={mine['manage_token']}")
    disposition = answer.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="tandem-my-data-\d{4}-\d{2}-\d{2}\.json"', disposition)
    assert answer.headers["Cache-Control"] == "no-store"
    document = parts_of(answer)
    assert {"generated_at", "tenant", *SERVICES} <= set(document)
    assert document["person_sha256"] == person_hash("amira.haddad@example.se")
    for service in SERVICES:
        assert document[service]["service"] == service
        assert isinstance(document[service]["sections"], dict)
    whole = json.dumps(document)
    assert "Amira Haddad" in whole and "amira.haddad@example.se" in whole
    assert "Someone Else" not in whole and "someone.else@example.se" not in whole


def test_a_broken_link_downloads_nothing(web):
    answer = web.test_client().get("/applications/mine/data.json?token=not-a-token&lang=en")
    assert answer.status_code == 404 and "This link does not work" in text(answer)
    assert "Content-Disposition" not in answer.headers


def test_when_a_service_does_not_answer_no_file_pretends_to_be_whole(tandem, cohort):
    token = tandem.apply(cohort, "partial@example.se")["manage_token"]
    urls = {f"{name}_url": tandem.url for name in ("intake", "matching", "scheduling")}
    down = create_app(web_settings(**urls, notify_url="http://127.0.0.1:9", secret="test-secret", timeout=2))
    answer = down.test_client().get(f"/applications/mine/data.json?token={token}&lang=en")
    assert answer.status_code == 503 and answer.mimetype == "text/html"
    assert "Content-Disposition" not in answer.headers
    assert "We could not make your file" in text(answer)
    assert f'href="/applications/mine?token={token}"' in text(answer)


def test_the_console_links_its_privacy_page_and_names_a_bad_address_beside_the_field(console):
    landing = text(console.get("/console/staff?lang=en"))
    assert 'href="/console/privacy"' in landing
    page = console.get("/console/privacy?lang=en")
    assert page.status_code == 200 and 'id="email"' in text(page) and 'id="audit"' not in text(page)

    bad = console.get("/console/privacy?lang=en&email=amira.example.se")
    assert bad.status_code == 422
    assert 'id="email-error"' in text(bad) and "Enter an e-mail address like name@example.com." in text(bad)
    assert 'value="amira.example.se"' in text(bad)
    empty = console.get("/console/privacy?lang=en&email=")
    assert empty.status_code == 422 and "Enter the person&#39;s e-mail address." in text(empty)
    refused = console.get("/console/privacy/data.json?lang=en&email=nobody")
    assert refused.status_code == 422 and "Content-Disposition" not in refused.headers


def test_a_coordinator_downloads_a_persons_file_and_reads_who_saw_their_data(tandem, console, cohort, team):
    applied = tandem.apply(cohort, "nadia.karimi@example.se", name="Nadia Karimi")
    tandem.apply(cohort, "omar.other@example.se", name="Omar Other")
    expect(tandem.send("GET", f"/intake/applications/{applied['id']}", None, team.token), 200)

    answer = console.get("/console/privacy/data.json?email=nadia.karimi@example.se")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="tandem-data-')
    document = parts_of(answer)
    assert document["tenant"] == team.tenant
    assert "Nadia Karimi" in json.dumps(document) and "Omar Other" not in json.dumps(document)

    page = console.get("/console/privacy?lang=en&email=nadia.karimi@example.se")
    body = text(page)
    assert page.status_code == 200 and 'id="audit"' in body
    assert 'href="/console/privacy/data.json?email=nadia.karimi@example.se"' in body
    rows = trail(body)
    assert rows, body
    parts = {row[1] for row in rows}
    assert {"Applications", "Matching", "Pairs and meetings", "Messages"} <= parts  # each noted the export
    assert all(row[3] == "Coordinator" for row in rows)
    assert all(row[2] == team.email for row in rows if row[5].startswith("Data file"))  # the one signed in
    assert rows[0][5].startswith("Data file")  # newest first: the download came after the read
    assert any(row[1] == "Applications" and row[4] == "Read" and not row[5].startswith("Data file") for row in rows)


def test_the_trail_comes_a_page_at_a_time_newest_first(tandem, console, cohort, team):
    applied = tandem.apply(cohort, "paged@example.se")
    for _ in range(30):
        expect(tandem.send("GET", f"/intake/applications/{applied['id']}", None, team.token), 200)
    first = text(console.get("/console/privacy?lang=en&email=paged@example.se"))
    assert "30 records, newest first." in first
    assert first.count('<span class="email">') == 25
    assert 'rel="next"' in first
    second = text(console.get("/console/privacy?lang=en&email=paged@example.se&page=2"))
    assert second.count('<span class="email">') == 5 and 'rel="prev"' in second


def test_another_tenants_coordinator_finds_nothing_of_the_person(tandem, web, cohort, team):
    applied = tandem.apply(cohort, "kept.apart@example.se", name="Kept Apart")
    expect(tandem.send("GET", f"/intake/applications/{applied['id']}", None, team.token), 200)
    other = coordinator(tandem, locale="en")
    client = web.test_client()
    sign_in(tandem, client, other)
    document = parts_of(client.get("/console/privacy/data.json?email=kept.apart@example.se"))
    assert document["tenant"] == other.tenant
    assert "Kept Apart" not in json.dumps(document)
    assert all(rows == [] for service in SERVICES for rows in document[service]["sections"].values())
    page = text(client.get("/console/privacy?lang=en&email=kept.apart@example.se"))
    assert "Kept Apart" not in page
    assert f"@{team.tenant}.example.se" not in page  # the first tenant's reads of the person are not in the other's trail


def test_when_a_service_does_not_answer_the_coordinator_gets_neither_a_partial_file_nor_a_partial_trail(tandem, team):
    urls = {f"{name}_url": tandem.url for name in ("intake", "matching", "notify")}
    down = create_app(web_settings(**urls, scheduling_url="http://127.0.0.1:9", secret="test-secret", timeout=2))
    down.config["WTF_CSRF_ENABLED"] = False
    client = down.test_client()
    sign_in(tandem, client, team)
    answer = client.get("/console/privacy/data.json?lang=en&email=nadia.karimi@example.se")
    assert answer.status_code == 503 and "Content-Disposition" not in answer.headers
    assert "We could not make the file. These parts of Tandem did not answer: Pairs and meetings." in text(answer)
    page = client.get("/console/privacy?lang=en&email=nadia.karimi@example.se")
    assert page.status_code == 503 and 'id="audit"' not in text(page)
    assert "These parts of Tandem did not answer: Pairs and meetings." in text(page)
    assert 'value="nadia.karimi@example.se"' in text(page)
