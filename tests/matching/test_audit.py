"""Every coordinator read or change of a person's data in matching is on record, in the service's
own append-only audit log; a person's own link is not staff access; one tenant never reads
another's log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from services.matching import store
from services.shared import audit, clock
from services.shared.tenancy import issue_token, participant_token
from tests.matching.conftest import KEY, Matching
from tests.skeleton import expect

LAW = {"code": "2611", "title": "Jurist"}
ENGINEERING = {"code": "2144", "title": "Maskiningenjör"}
COORDINATOR = "coordinator@saco.example.se"


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.set(None)


def _cohort(matching, tenant="saco"):
    cohort = matching.cohort(tenant)
    people = {
        "amira": matching.person(tenant, cohort, "mentee", "Amira Haddad", wished_profession=LAW),
        "omar": matching.person(tenant, cohort, "mentee", "Omar Yusuf", wished_profession=ENGINEERING,
                                mentoring_languages=["ar"]),
        "karin": matching.person(tenant, cohort, "mentor", "Karin Berg", profession=LAW),
        "lars": matching.person(tenant, cohort, "mentor", "Lars Holm", profession=ENGINEERING),
    }
    return cohort, people


def _hash(name: str) -> str:
    return audit.person_hash(f"{name.lower().replace(' ', '.')}@example.se")


def _log(matching, tenant="saco") -> list[dict]:
    log = store.audit_log
    with matching.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(log).where(log.c.tenant == tenant).order_by(log.c.at)).mappings()]


def _after(matching, do) -> list[dict]:
    """The rows one request wrote."""
    before = {r["id"] for r in _log(matching)}
    do()
    return [r for r in _log(matching) if r["id"] not in before]


def _seen(rows) -> set[tuple[str, str, str | None, str | None]]:
    return {(r["action"], r["object_type"], r["object_id"], r["person_sha256"]) for r in rows}


def test_each_coordinator_read_of_people_writes_a_row_per_person_shown(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _cohort(matching)
    run = matching.run(coordinator, cohort)
    proposal = run["proposals"][0]

    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, coordinator), 200))
    assert _seen(rows) == {("read", "application", p[n], _hash(name)) for n, name in
                           [("amira", "Amira Haddad"), ("omar", "Omar Yusuf"), ("karin", "Karin Berg"), ("lars", "Lars Holm")]}
    assert {(r["actor"], r["role"], r["tenant"]) for r in rows} == {(COORDINATOR, "coordinator", "saco")}
    assert {r["route"] for r in rows} == {"/cohorts/<cohort_id>/candidates"}

    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/runs/{run['id']}", None, coordinator), 200))
    assert ("read", "proposal", proposal["id"], _hash(proposal["mentee"])) in _seen(rows)
    assert ("read", "proposal", proposal["id"], _hash(proposal["mentor"])) in _seen(rows)
    left = run["unmatched_mentees"][0]
    assert left["mentee_id"] == p["omar"]  # nobody mentors in Arabic
    assert any(r["object_type"] == "unmatched" and r["person_sha256"] == _hash("Omar Yusuf") for r in rows)

    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/runs/{run['id']}/proposals", None, coordinator), 200))
    assert {(r["object_type"], r["person_sha256"]) for r in rows} == {("proposal", _hash("Amira Haddad")), ("proposal", _hash("Karin Berg"))}

    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/runs/{run['id']}/unmatched", None, coordinator), 200))
    assert {(r["object_type"], r["person_sha256"]) for r in rows} == {("unmatched", _hash("Omar Yusuf"))}

    why = f"/matching/runs/{run['id']}/why-not?mentee_id={p['omar']}&mentor_id={p['lars']}"
    rows = _after(matching, lambda: expect(matching.send("GET", why, None, coordinator), 200))
    assert _seen(rows) == {("read", "why_not", run["id"], _hash("Omar Yusuf")), ("read", "why_not", run["id"], _hash("Lars Holm"))}


def test_each_coordinator_change_writes_a_row_per_person_concerned(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _cohort(matching)
    run = matching.run(coordinator, cohort)
    amira_karin = next(x for x in run["proposals"] if x["mentee_id"] == p["amira"])
    both = {_hash("Amira Haddad"), _hash("Karin Berg")}

    rows = _after(matching, lambda: expect(matching.send("POST", f"/matching/proposals/{amira_karin['id']}/reject",
                                                        {"reason": "they work together"}, coordinator), 200))
    assert {(r["action"], r["object_type"], r["person_sha256"]) for r in rows if r["object_type"] == "proposal"} == {
        ("change", "proposal", h) for h in both}
    forbid = expect(matching.send("GET", f"/matching/cohorts/{cohort}/overrides", None, coordinator), 200)[0]
    assert {r["person_sha256"] for r in rows if r["object_type"] == "override"} == both
    reads = _after(matching, lambda: expect(matching.send("GET", f"/matching/cohorts/{cohort}/overrides", None, coordinator), 200))
    assert _seen(reads) == {("read", "override", forbid["id"], h) for h in both}

    rows = _after(matching, lambda: expect(matching.send("DELETE", f"/matching/overrides/{forbid['id']}", None, coordinator), 204))
    assert _seen(rows) == {("change", "override", forbid["id"], h) for h in both}

    rows = _after(matching, lambda: expect(matching.send("POST", f"/matching/cohorts/{cohort}/overrides",
                                                        {"kind": "pin", "mentee_id": p["amira"], "mentor_id": p["karin"]}, coordinator), 201))
    assert {(r["action"], r["object_type"], r["person_sha256"]) for r in rows} == {("change", "override", h) for h in both}

    run = matching.run(coordinator, cohort)
    rows = _after(matching, lambda: expect(matching.send("POST", f"/matching/runs/{run['id']}/approve", None, coordinator), 200))
    assert {(r["object_type"], r["person_sha256"]) for r in rows} == {
        ("proposal", h) for h in both} | {("unmatched", _hash("Omar Yusuf"))}
    assert {r["action"] for r in rows} == {"change"}

    pair = expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200)[0]
    rows = _after(matching, lambda: expect(matching.send("POST", f"/matching/pairs/{pair['id']}/end",
                                                        {"reason": "they did not get on"}, coordinator), 200))
    assert _seen(rows) == {("change", "pair", pair["id"], h) for h in both}
    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/cohorts/{cohort}/pairs", None, coordinator), 200))
    assert _seen(rows) == {("read", "pair", pair["id"], h) for h in both}


def test_a_single_approval_is_on_record(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _cohort(matching)
    run = matching.run(coordinator, cohort)
    proposal = run["proposals"][0]
    rows = _after(matching, lambda: expect(matching.send("POST", f"/matching/proposals/{proposal['id']}/approve", None, coordinator), 200))
    assert _seen(rows) == {("change", "proposal", proposal["id"], _hash(proposal["mentee"])),
                           ("change", "proposal", proposal["id"], _hash(proposal["mentor"]))}


def test_a_refused_request_and_a_persons_own_read_write_nothing(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _cohort(matching)
    rows = _after(matching, lambda: expect(matching.send("GET", "/matching/cohorts/no-such-cohort/candidates", None, coordinator), 404))
    assert rows == []
    own = participant_token(KEY, tenant="saco", sub=p["amira"], scope="application", ttl=600)
    rows = _after(matching, lambda: expect(matching.send("GET", "/matching/export/mine", None, own), 200))
    assert rows == []
    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/export/mine?token={own}"), 200))
    assert rows == []


def _two_tenants(matching):
    coordinator_a, coordinator_b = matching.coordinator("saco"), matching.coordinator("tco")
    cohort_a, _ = _cohort(matching, "saco")
    cohort_b, _ = _cohort(matching, "tco")
    expect(matching.send("GET", f"/matching/cohorts/{cohort_a}/candidates", None, coordinator_a), 200)
    expect(matching.send("GET", f"/matching/cohorts/{cohort_b}/candidates", None, coordinator_b), 200)
    return coordinator_a, coordinator_b


def test_a_coordinator_reads_their_own_tenants_log_only(matching):
    coordinator_a, coordinator_b = _two_tenants(matching)
    a_row = _log(matching, "saco")[0]

    expect(matching.send("GET", f"/matching/audit/{a_row['id']}", None, coordinator_b), 404)
    assert expect(matching.send("GET", f"/matching/audit/{a_row['id']}", None, coordinator_a), 200)["id"] == a_row["id"]
    seen_by_b = expect(matching.send("GET", "/matching/audit?per_page=500", None, coordinator_b), 200)
    assert seen_by_b["total"] == 4 and {r["tenant"] for r in seen_by_b["items"]} == {"tco"}
    expect(matching.send("GET", "/matching/audit?tenant=saco", None, coordinator_b), 404)
    participant = participant_token(KEY, tenant="saco", sub="x", scope="application", ttl=600)
    expect(matching.send("GET", "/matching/audit", None, participant), 403)


def test_the_operator_reads_every_tenants_log_and_a_person_is_found_by_address(matching):
    coordinator_a, _ = _two_tenants(matching)
    operator = issue_token(KEY, tenant="*", role="operator", sub="operator")
    everything = expect(matching.send("GET", "/matching/audit?per_page=500", None, operator), 200)
    assert everything["total"] == 8 and {r["tenant"] for r in everything["items"]} == {"saco", "tco"}
    only_a = expect(matching.send("GET", "/matching/audit?tenant=saco", None, operator), 200)
    assert only_a["total"] == 4
    amira = expect(matching.send("GET", "/matching/audit?email=amira.haddad@example.se", None, coordinator_a), 200)
    assert amira["total"] == 1 and amira["items"][0]["person_sha256"] == _hash("Amira Haddad")
    everywhere = expect(matching.send("GET", "/matching/audit?email=Amira.Haddad@example.se", None, operator), 200)
    assert everywhere["total"] == 2


def test_the_log_survives_erasure_naming_the_person_by_their_hash_only(matching):
    coordinator = matching.coordinator("saco")
    cohort, p = _cohort(matching)
    expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, coordinator), 200)
    digest = _hash("Amira Haddad")
    matching.feed("person.erasure_requested.v1", "saco", {"erasure_id": "e1", "email_sha256": digest,
                                                          "application_ids": [p["amira"]], "nomination_ids": []})
    kept = [r for r in _log(matching) if r["person_sha256"] == digest]
    assert len(kept) == 1 and kept[0]["object_id"] == p["amira"]
    assert not any("amira" in str(value).lower() for value in kept[0].values())
    found = expect(matching.send("GET", "/matching/audit?email=amira.haddad@example.se", None, coordinator), 200)
    assert found["total"] == 1
    # read after the erasure, she is nobody: the row names no one rather than every erased person at once
    rows = _after(matching, lambda: expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, coordinator), 200))
    assert {r["person_sha256"] for r in rows if r["object_id"] == p["amira"]} == {None}


def test_the_retention_timer_prunes_rows_older_than_the_period(matching):
    coordinator = matching.coordinator("saco")
    cohort, _ = _cohort(matching)
    clock.set(datetime(2026, 1, 5, 9, tzinfo=UTC))
    expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, coordinator), 200)
    clock.set(datetime(2027, 6, 1, 9, tzinfo=UTC))
    expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, coordinator), 200)

    from services.matching.worker import create_worker

    timer = next(t for t in create_worker(matching.settings, matching.engine).timers if t.name == "audit-retention")
    clock.set(datetime(2028, 1, 5, 9, tzinfo=UTC) + timedelta(minutes=1))  # the oldest row is two years old
    assert timer.tick() == 4
    assert {r["at"] for r in _log(matching)} == {datetime(2027, 6, 1, 9, tzinfo=UTC)}
    shorter = dataclasses.replace(matching.settings, audit_retention_days=30)  # TANDEM_AUDIT_RETENTION_DAYS=30
    timer = next(t for t in create_worker(shorter, matching.engine).timers if t.name == "audit-retention")
    assert timer.tick() == 4 and _log(matching) == []


def test_on_postgresql_the_log_refuses_an_update(pg_url_factory, tmp_path):
    matching = Matching(pg_url_factory("matching"), tmp_path)
    try:
        coordinator = matching.coordinator("saco")
        cohort, _ = _cohort(matching)
        expect(matching.send("GET", f"/matching/cohorts/{cohort}/candidates", None, coordinator), 200)
        assert len(_log(matching)) == 4
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with matching.engine.begin() as conn:
                conn.execute(store.audit_log.update().values(actor="someone else"))
        assert {r["actor"] for r in _log(matching)} == {COORDINATOR}
    finally:
        matching.engine.dispose()
