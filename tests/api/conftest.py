"""The whole platform in one process, with two tenants that each run a programme: a cohort with
group events, mentees and mentors who applied, a nomination, a matching run approved into pairs
with their agreements and meeting plans, deliveries and a webhook. Built once for the package;
the workers carry the events between the services while it is seeded and are stopped before the
tests, so what the tests do stays in each service's outbox and every run sees the same data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from kombu.transport import memory
from werkzeug.test import Client

from services import embedded
from services.shared import clock
from services.shared.tenancy import issue_token
from tests.skeleton import applicant, eventually, expect, over_test_client

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class Tenant:
    """One tenant's tokens and the ids of everything seeded for it, by the name of the path
    parameter that carries such an id (``cohort_id``, ``pair_id``, ...)."""

    slug: str
    coordinator: str
    representative: str = ""
    mentee: str = ""  # the personal token of a mentee who is in a pair
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Seeded:
    platform: embedded.Platform
    operator: str
    ours: Tenant
    theirs: Tenant


def _seed_tenant(send, operator: str, slug: str) -> Tenant:
    expect(send("POST", "/intake/tenants", {"slug": slug, "name": slug.title()}, operator), 201)

    def token(**claims):
        return expect(send("POST", f"/intake/tenants/{slug}/tokens", claims, operator), 201)["token"]

    t = Tenant(slug, token(role="coordinator", sub=f"coordinator@{slug}.example.se"))
    t.representative = token(role="representative", sub=f"rep@{slug}.example.se", org="akavia")
    co = t.coordinator
    programme = expect(send("POST", "/intake/programmes", {
        "name": {"sv": "Mentorprogrammet", "en": "The mentor programme"}, "locale": "sv", "languages": ["sv", "en"],
        "member_organisations": [{"id": "akavia", "name": "Akavia"}]}, co), 201)
    cohort = expect(send("POST", f"/intake/programmes/{programme['id']}/cohorts", {
        "name": "Våren 2027", "open": True, "time_zone": "Europe/Stockholm", "starts_on": "2027-02-01",
        "ends_on": "2027-08-31", "mentee_places": 20, "nomination_deadline": "2026-12-01T12:00:00+01:00",
        "group_events": [{"kind": "training", "title": {"sv": "Utbildningsdag"}, "mandatory": True,
                          "starts_at": "2027-02-10T09:00:00", "ends_at": "2027-02-10T16:00:00"}]}, co), 201)
    c = cohort["id"]
    t.ids.update(programme_id=programme["id"], cohort_id=c, event_id=cohort["group_events"][0]["id"])
    mentees = [expect(send("POST", f"/intake/public/cohorts/{c}/applications",
                           applicant(f"mentee{n}@{slug}.example.se"), None), 201) for n in (1, 2)]
    for n in (1, 2):
        expect(send("POST", f"/intake/cohorts/{c}/applications", {
            **applicant(f"mentor{n}@{slug}.example.se"), "role": "mentor", "name": f"Mentor Nummer{n}", "employer": "Riksbanken",
            "wished_profession": None, "profession": {"code": "2631", "title": "Nationalekonom"}, "capacity": 1,
            "languages": [{"language": "sv", "level": "native"}, {"language": "en", "level": "C1"}]}, co), 201)
    personal = {m["id"]: m["manage_token"] for m in mentees}
    nomination = expect(send("POST", f"/intake/cohorts/{c}/nominations", {
        "name": "Nominerad Mentor", "email": f"nominee@{slug}.example.se", "rank": 1}, t.representative), 201)
    t.ids["nomination_id"] = nomination["id"]
    staff = expect(send("POST", "/intake/staff", {
        "email": f"rep2@{slug}.example.se", "name": "Representant Två", "role": "representative",
        "organisation": "akavia", "locale": "sv"}, co), 201)
    t.ids["staff_id"] = staff["id"]

    eventually(lambda: len(_ok(send("GET", f"/matching/cohorts/{c}/candidates", None, co)) or []) == 4,
               what=f"{slug}'s candidates in matching")
    candidates = expect(send("GET", f"/matching/cohorts/{c}/candidates", None, co), 200)
    mentor_ids = [x["id"] for x in candidates if x["role"] == "mentor"]
    override = expect(send("POST", f"/matching/cohorts/{c}/overrides", {
        "kind": "forbid", "mentee_id": mentees[1]["id"], "mentor_id": mentor_ids[1], "reason": "Same employer"}, co), 201)
    t.ids["override_id"] = override["id"]
    code, run = send("POST", f"/matching/cohorts/{c}/runs", {}, co)
    assert code in (201, 202), (code, run)
    run = eventually(lambda: _finished(send("GET", f"/matching/runs/{run['id']}", None, co)), what=f"{slug}'s run")
    t.ids.update(run_id=run["id"], proposal_id=run["proposals"][0]["id"],
                 mentee_id=run["proposals"][0]["mentee_id"], mentor_id=run["proposals"][0]["mentor_id"])
    expect(send("POST", f"/matching/runs/{run['id']}/approve", None, co), 200)
    pairs = expect(send("GET", f"/matching/cohorts/{c}/pairs", None, co), 200)
    t.ids["pair_id"] = pairs[0]["id"]

    pair = eventually(lambda: _ok(send("GET", f"/scheduling/pairs/{pairs[0]['id']}", None, co)),
                      what=f"{slug}'s pair in scheduling")
    t.ids["meeting_id"] = pair["meetings"][0]["id"]
    t.ids["application_id"] = pair["mentee"]["application_id"]
    t.mentee = personal[t.ids["application_id"]]
    deliveries = eventually(lambda: expect(send("GET", f"/notify/deliveries?cohort_id={c}", None, co), 200),
                            what=f"{slug}'s deliveries")
    t.ids["delivery_id"] = deliveries[0]["id"]
    eventually(lambda: _ok(send("GET", f"/notify/cohorts/{c}/announcements", None, co)) is not None,
               what=f"{slug}'s cohort in notify")
    webhook = expect(send("POST", "/notify/webhooks", {"url": f"http://127.0.0.1:9/{slug}", "event_types": []}, co), 201)
    t.ids["endpoint_id"] = webhook["id"]
    # each service's audit log has rows of the coordinator's reads above (intake's: one read here)
    expect(send("GET", f"/intake/applications/{t.ids['application_id']}", None, co), 200)
    for service in ("intake", "matching", "scheduling", "notify"):
        rows = expect(send("GET", f"/{service}/audit?per_page=1", None, co), 200)["items"]
        assert rows, f"{slug}'s coordinator left no row on {service}'s audit log"
        t.ids[f"{service}.row_id"] = rows[0]["id"]
    return t


def _ok(answer):
    code, body = answer
    return body if code == 200 else None


def _finished(answer):
    code, body = answer
    return body if code == 200 and body.get("status", "succeeded") in ("succeeded", "done") and body.get("proposals") else None


@pytest.fixture(scope="package")
def seeded(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        data = tmp_path_factory.mktemp("platform")
        mp.setenv("TANDEM_DATA_DIR", str(data))
        mp.delenv("SMTP_HOST", raising=False)
        mp.delenv("DATABASE_URL", raising=False)
        mp.setenv("AMQP_URL", "memory://")
        mp.setenv("TANDEM_PUBLIC_RATE_LIMIT", "100000 per minute")
        mp.setenv("NOTIFY_WEBHOOK_ALLOW_HTTP_LOOPBACK", "1")
        clock.set(NOW)
        platform = embedded.build()
        platform.start_workers()
        try:
            key = platform.apps["intake"].config["TANDEM_SETTINGS"].signing_key
            operator = issue_token(key, tenant="*", role="operator", sub="ops")
            send = over_test_client(Client(platform.wsgi))
            ours, theirs = _seed_tenant(send, operator, "saco"), _seed_tenant(send, operator, "oske")
        finally:
            platform.shutdown()
        yield Seeded(platform, operator, ours, theirs)
        clock.set(None)
        memory.Channel.queues.clear()
        memory.Transport.global_state.clear()
