"""Privacy as `make up` runs it — every service as its own processes (gunicorn API + worker) and the
web front under gunicorn, on the real RabbitMQ and PostgreSQL, notify mailing over SMTP.

A mentee walks to a confirmed pair while her coordinator reads her data through the APIs. She
downloads her file from the web front with the personal link in her e-mail; the coordinator finds
her on the console's privacy page, with the audit trail of all four services, and downloads the
same file. The mentor's link and another tenant's coordinator get nothing of it. When her
retention period has run out, intake's retention erases her: every service's database forgets
her name and address, the mentor's data stays, the audit rows stay under her hash, and the
mentor's pair page names her "a former participant".

The workers' retention timer runs hourly on the real clock; here the test moves its own clock and
runs ``erase_expired`` on intake's database itself, as one more worker replica would (the timer
is safe with several). The erasure's events travel from intake's outbox through the real worker.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import pytest
import sqlalchemy as sa

from services.intake.domain.erasure import email_hash
from services.intake.usecases.retention import erase_expired
from services.shared import clock
from services.shared.tenancy import issue_token
from tests.integration.up import SERVICES, Up, scratch_vhost, smtp_server, tandem_up
from tests.skeleton import eventually, expect, walk

pytestmark = pytest.mark.services

AMIRA, DANIEL = "amira.haddad@example.se", "daniel.berg@example.se"
HER_TRACES = (AMIRA, "Amira Haddad", "Haddad")
# the walk's cohort ends on 31 August 2027 (Stockholm); 24 months later, at midnight, it runs out
RUNS_OUT = datetime(2029, 8, 31, 22, 0, tzinfo=UTC)
# the console's names of the four services, in English
PARTS = {"Applications", "Matching", "Pairs and meetings", "Messages"}


@pytest.fixture
def up(rabbitmq, postgres, tmp_path):
    with scratch_vhost(rabbitmq) as amqp_url, smtp_server() as smtp:
        with tandem_up(amqp_url, postgres, smtp, tmp_path) as running:
            yield running


@pytest.fixture
def moved_clock():
    yield clock
    clock.set(None)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def token_of(link: str) -> str:
    return link.split("token=", 1)[1]


def strings(value, path: str = ""):
    """(path, text) for every text in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from strings(item, f"{path}[{number}]")
    elif isinstance(value, str):
        yield path, value


def contents(document: dict) -> dict:
    """A person's file without the times it was made: what it holds."""
    return {service: {k: v for k, v in part.items() if k != "generated_at"} if isinstance(part, dict) else part
            for service, part in document.items() if service != "generated_at"}


def everything(url: str) -> str:
    """Every value of every table in one service's database, as one text."""
    engine = sa.create_engine(url)
    try:
        tables = sa.MetaData()
        tables.reflect(engine)
        with engine.connect() as conn:
            return "\n".join(repr(tuple(row)) for table in tables.sorted_tables for row in conn.execute(sa.select(table)))
    finally:
        engine.dispose()


class Browser:
    """Pages fetched with cookies kept, as a browser keeps them. The console's session cookie is
    Secure; browsers send it to loopback over plain HTTP, and so does this."""

    def __init__(self):
        jar = CookieJar(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def open(self, url: str, form: dict | None = None):
        """(status, text, headers, the URL it ended at) for a GET, or a POST of ``form``."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=30) as response:
                return response.status, response.read().decode(), response.headers, response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers, url

    def submit(self, url: str, form: dict):
        """The form on the page at ``url``, with its CSRF token, sent."""
        page = self.open(url)[1]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.open(url, {**form, "csrf_token": csrf})


def console(up: Up, operator: str, tenant: str) -> Browser:
    """A coordinator of ``tenant`` signed in to the console, as they sign in: invited, the sign-in
    form, the link in their e-mail, its button."""
    email = f"maria.virtanen@{tenant}.example.se"
    expect(up.send("POST", f"/intake/tenants/{tenant}/staff",
                   {"email": email, "name": "Maria Virtanen", "role": "coordinator", "locale": "en"}, operator), 201)
    prefix = f"{up.web}/sign-in/"
    eventually(lambda: up.inbox.to(email), 30, "the invitation")
    known = len(up.inbox.links(email, prefix))
    browser = Browser()
    assert browser.submit(f"{up.web}/sign-in?lang=en", {"email": email})[0] == 200
    link = eventually(lambda: up.inbox.links(email, prefix)[known:], 30, "a sign-in link")[0]
    status, _, _, landed = browser.submit(link, {})
    assert status == 200 and "/console" in landed, (status, landed)
    return browser


def test_a_mentees_data_is_hers_to_download_on_record_when_staff_read_it_and_forgotten_when_her_period_runs_out(up, moved_clock):
    operator = issue_token(up.key, tenant="*", role="operator", sub="ops")
    walked = walk(up.send, operator, up.inbox.to, timeout=60)
    coordinator, cohort, amira, daniel = walked["coordinator"], walked["cohort"], walked["application"], walked["mentor"]
    run, pair = walked["run"], walked["pair"]

    # the coordinator reads her application, the run's proposals, the pair and the delivery log
    assert expect(up.send("GET", f"/intake/applications/{amira['id']}", None, coordinator), 200)["email"] == AMIRA
    [proposal] = expect(up.send("GET", f"/matching/runs/{run['id']}/proposals", None, coordinator), 200)["items"]
    expect(up.send("GET", f"/scheduling/pairs/{pair['id']}", None, coordinator), 200)
    delivered = expect(up.send("GET", f"/notify/deliveries?cohort_id={cohort['id']}", None, coordinator), 200)
    assert {d["recipient"] for d in delivered} == {AMIRA, DANIEL}

    # Amira downloads her file through the web front, with the personal link in her e-mail
    mine = token_of(up.inbox.link(AMIRA, f"{up.web}/applications/mine?token="))
    status, body = get(f"{up.web}/applications/mine/data.json?token={mine}")
    assert status == 200, body[:500]
    hers = json.loads(body)
    assert hers["person_sha256"] == email_hash(AMIRA) and hers["tenant"] == "saco"
    assert [a["id"] for a in hers["intake"]["sections"]["applications"]] == [amira["id"]]
    matching = hers["matching"]["sections"]
    [proposed] = matching["proposals"]
    assert (proposed["id"], proposed["breakdown"]) == (proposal["id"], proposal["breakdown"])  # with the reasons shown
    assert [p["id"] for p in matching["pairs"]] == [pair["id"]]
    scheduling = hers["scheduling"]["sections"]
    assert [p["id"] for p in scheduling["pairs"]] == [pair["id"]]
    assert [(a["version"], a["partner"]["name"]) for a in scheduling["agreements"]] == [(1, "Daniel Berg")]
    assert len(scheduling["meetings"]) == len(walked["plan"]["meetings"])
    messages = hers["notify"]["sections"]["deliveries"]
    assert {m["to"] for m in messages} == {AMIRA}
    assert {"application_received", "match_confirmed", "agreement_drafted"} <= {m["message"] for m in messages}
    # nothing of the mentor but his name in the agreement
    of_him = [(path, text) for path, text in strings(hers) if any(t in text for t in ("Daniel", "Berg", DANIEL, "Riksbanken"))]
    assert {path for path, _ in of_him} == {".scheduling.sections.agreements[0].partner.name"}, of_him

    # the console's privacy page: her audit trail from all four services, and the same file
    coordinators = console(up, operator, "saco")
    status, page, _, _ = coordinators.open(f"{up.web}/console/privacy?" + urllib.parse.urlencode({"email": AMIRA, "lang": "en"}))
    assert status == 200, page[:500]
    rows = re.findall(r"<tr role=\"row\">\s*<td[^>]*>.*?</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*><span class=\"email\">(.*?)</span>",
                      page, re.S)
    assert {html.unescape(part) for part, _ in rows} == PARTS, rows
    assert "coordinator@saco.example.se" in {actor for _, actor in rows}
    status, file, headers, _ = coordinators.open(f"{up.web}/console/privacy/data.json?" + urllib.parse.urlencode({"email": AMIRA}))
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert contents(json.loads(file)) == contents(hers)

    # the mentor's link gives his own file and no more; another tenant's coordinator gets nothing
    his = token_of(up.inbox.link(DANIEL, f"{up.web}/applications/mine?token="))
    status, body = get(f"{up.web}/applications/mine/data.json?token={his}")
    assert status == 200 and json.loads(body)["person_sha256"] == email_hash(DANIEL)
    assert AMIRA not in body and [p for p, text in strings(json.loads(body)) if "Amira" in text] == [
        ".scheduling.sections.agreements[0].partner.name"]
    expect(up.send("POST", "/intake/tenants", {"slug": "oske", "name": "OSKE LAB"}, operator), 201)
    other = expect(up.send("POST", "/intake/tenants/oske/tokens", {"role": "coordinator", "sub": "k@oske.example.fi"}, operator), 201)["token"]
    for service in SERVICES:
        assert up.send("GET", f"/{service}/export/person?email={AMIRA}", None, his)[0] == 403, service
        expect(up.send("GET", f"/{service}/audit?tenant=saco&email={AMIRA}", None, other), 404)
        assert expect(up.send("GET", f"/{service}/audit?email={AMIRA}", None, other), 200)["items"] == []
        nothing = expect(up.send("GET", f"/{service}/export/person?email={AMIRA}", None, other), 200)
        assert not any(nothing["sections"].values()), (service, nothing["sections"])
    audited = {service: expect(up.send("GET", f"/{service}/audit?email={AMIRA}&per_page=500", None, coordinator), 200)["items"]
               for service in SERVICES}

    # retention: Daniel extends his consent, Amira does not; her period runs out and intake erases her
    extended = expect(up.send("POST", f"/intake/applications/mine/consent?token={daniel['manage_token']}",
                              {"text_version": "2026-01"}, None), 200)
    assert extended["retention_months"] == 36
    for service in SERVICES:
        assert all(trace in everything(up.databases[service]) for trace in HER_TRACES), service
    clock.set(RUNS_OUT)
    intake = sa.create_engine(up.databases["intake"])
    try:
        [erased] = erase_expired(intake)
        assert (erased["requested_by"], erased["applications"]) == ("retention", 1)
    finally:
        intake.dispose()

    def forgotten_everywhere():
        return all(trace not in everything(up.databases[service]) for service in SERVICES for trace in HER_TRACES)

    eventually(forgotten_everywhere, 45, "Amira erased in every service's database")
    for service in SERVICES:
        kept = everything(up.databases[service])
        assert "Daniel Berg" in kept and DANIEL in kept, service
        # her audit rows stay, under her hash (no name or address left anywhere, as checked above)
        still = expect(up.send("GET", f"/{service}/audit?email={AMIRA}&per_page=500", None, coordinator), 200)["items"]
        assert {row["id"] for row in audited[service]} <= {row["id"] for row in still}, service
        assert {row["person_sha256"] for row in still} == {email_hash(AMIRA)}
    # Daniel's pair page on the web front: his partner is a former participant
    status, body = get(f"{up.web}/pairs/{pair['id']}?token={token_of(walked['links']['mentor'])}")
    assert status == 200 and "a former participant" in body and "Amira" not in body
