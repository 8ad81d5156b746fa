"""Every coordinator's read or change of a person's data in scheduling is on record: who, as what,
did what to which object and whose data it was (by the hash of their address). A person's own
link leaves no row; a tenant's coordinators read their own tenant's log, the operator all of it;
the rows outlive the person's erasure with nothing of them but the hash, and leave after the
audit period."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from services.scheduling import store
from services.scheduling.worker import create_worker
from services.shared import audit, clock
from services.shared.tenancy import issue_token
from tests.scheduling.conftest import CHECKLIST_FILLED, KEY, person
from tests.skeleton import expect

AMAL, KARIN = "amal.haddad@example.se", "karin.berg@example.se"
BOTH = {audit.person_hash(AMAL), audit.person_hash(KARIN)}


def _rows(scheduling) -> dict[str, dict]:
    with scheduling.engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(sa.select(store.audit_log)).mappings()}


def audited(scheduling, method: str, path: str, body, token: str, status: int = 200) -> list[dict]:
    """The request's answer checked, and the audit rows it wrote."""
    before = _rows(scheduling)
    expect(scheduling.send(method, path, body, token), status)
    return [row for key, row in _rows(scheduling).items() if key not in before]


def test_each_coordinator_read_or_change_of_a_person_is_on_record(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    coordinator = scheduling.coordinator("agency")
    meetings = scheduling.meetings(pair)
    event = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/events", None, coordinator), 200)[0]
    clock.set(datetime(2019, 4, 1, 9, tzinfo=UTC))
    agreement_id = scheduling.pair(pair)["agreement"]["id"]
    records = {"records": [{"application_id": pair.mentee_id, "status": "absent", "note": "sjuk"}]}

    for method, path, body, action, object_type, object_id, people in (
        ("GET", f"/scheduling/pairs/{pair.id}", None, "read", "pair", pair.id, BOTH),
        ("GET", f"/scheduling/pairs/{pair.id}/meetings", None, "read", "meeting_plan", pair.id, BOTH),
        ("GET", f"/scheduling/pairs/{pair.id}/agreement", None, "read", "agreement", agreement_id, BOTH),
        ("GET", f"/scheduling/pairs/{pair.id}/agreement/versions/1", None, "read", "agreement", agreement_id, BOTH),
        ("PATCH", f"/scheduling/pairs/{pair.id}/agreement", {"based_on_version": 1, "keep_in_touch": "Telefon"},
         "change", "agreement", agreement_id, BOTH),
        ("GET", f"/scheduling/meetings/{meetings[0]['id']}", None, "read", "meeting", meetings[0]["id"], BOTH),
        ("POST", f"/scheduling/meetings/{meetings[0]['id']}/held", CHECKLIST_FILLED, "change", "meeting", meetings[0]["id"], BOTH),
        ("POST", f"/scheduling/meetings/{meetings[1]['id']}/missed", {"reason": "sjuk"}, "change", "meeting",
         meetings[1]["id"], BOTH),
        ("PUT", f"/scheduling/meetings/{meetings[2]['id']}/schedule", {"starts_at": "2019-04-10T17:00:00", "place": "Café"},
         "change", "meeting", meetings[2]["id"], BOTH),
        ("POST", f"/scheduling/meetings/{meetings[2]['id']}/cancel", {}, "change", "meeting", meetings[2]["id"], BOTH),
        ("GET", f"/scheduling/cohorts/{cohort}/overview", None, "read", "pair", pair.id, BOTH),
        ("GET", f"/scheduling/cohorts/{cohort}/pairs", None, "read", "pair", pair.id, BOTH),
        ("GET", f"/scheduling/cohorts/{cohort}/pair-list", None, "read", "pair", pair.id, BOTH),
        ("GET", f"/scheduling/cohorts/{cohort}/participants", None, "read", "participant", None, BOTH),
        ("GET", f"/scheduling/cohorts/{cohort}/events/{event['id']}/attendance", None, "read", "attendance", event["id"], BOTH),
        ("PUT", f"/scheduling/cohorts/{cohort}/events/{event['id']}/attendance", records, None, "attendance", event["id"], BOTH),
        ("GET", f"/scheduling/cohorts/{cohort}/attendance/missed", None, "read", "attendance", cohort, BOTH),
        ("GET", f"/scheduling/export/person?email={AMAL}", None, "read", "export", None, {audit.person_hash(AMAL)}),
    ):
        rows = audited(scheduling, method, path, body, coordinator)
        assert {r["person_sha256"] for r in rows} == people, path
        for row in rows:
            assert (row["tenant"], row["actor"], row["role"]) == ("agency", "coordinator@agency.example.org", "coordinator")
            assert row["object_type"] == object_type, path
            assert object_id is None or row["object_id"] == object_id, path
        if action is not None:
            assert {r["action"] for r in rows} == {action}, path
    # recording the mentee's attendance changed hers; the mentor was only shown
    put = [r for r in _rows(scheduling).values() if r["action"] == "change" and r["object_type"] == "attendance"]
    assert [r["person_sha256"] for r in put] == [audit.person_hash(AMAL)]


def test_a_persons_own_link_leaves_no_row(scheduling):
    pair = scheduling.confirm("agency", scheduling.cohort())
    mine = scheduling.token(pair, "mentee")
    meeting = scheduling.meetings(pair)[0]
    for path in (f"/scheduling/pairs/{pair.id}", f"/scheduling/pairs/{pair.id}/agreement", f"/scheduling/meetings/{meeting['id']}",
                 "/scheduling/mine", "/scheduling/export/mine"):
        assert audited(scheduling, "GET", path, None, mine) == [], path
    assert audited(scheduling, "PATCH", f"/scheduling/pairs/{pair.id}/agreement", {"based_on_version": 1, "keep_in_touch": "SMS"},
                   mine) == []


def test_a_tenant_reads_its_own_log_and_the_operator_all(scheduling):
    agency_pair = scheduling.confirm("agency", scheduling.cohort("agency"))
    union_pair = scheduling.confirm("union", scheduling.cohort("union"), person("Sara Ahmadi"), person("Johan Lind"))
    agency, union = scheduling.coordinator("agency"), scheduling.coordinator("union")
    operator = issue_token(KEY, tenant="*", role="operator", sub="operator")
    expect(scheduling.send("GET", f"/scheduling/pairs/{agency_pair.id}", None, agency), 200)
    expect(scheduling.send("GET", f"/scheduling/pairs/{union_pair.id}", None, union), 200)

    theirs = expect(scheduling.send("GET", "/scheduling/audit", None, agency), 200)
    assert theirs["total"] == 2 and {r["tenant"] for r in theirs["items"]} == {"agency"}
    ours = expect(scheduling.send("GET", "/scheduling/audit", None, union), 200)
    assert {r["tenant"] for r in ours["items"]} == {"union"}
    expect(scheduling.send("GET", f"/scheduling/audit/{theirs['items'][0]['id']}", None, union), 404)
    expect(scheduling.send("GET", "/scheduling/audit?tenant=agency", None, union), 404)
    expect(scheduling.send("GET", f"/scheduling/audit/{theirs['items'][0]['id']}", None, agency), 200)

    everything = expect(scheduling.send("GET", "/scheduling/audit", None, operator), 200)
    assert everything["total"] == 4 and {r["tenant"] for r in everything["items"]} == {"agency", "union"}
    assert expect(scheduling.send("GET", "/scheduling/audit?tenant=union", None, operator), 200)["total"] == 2
    amal = expect(scheduling.send("GET", f"/scheduling/audit?email={AMAL.upper()}", None, agency), 200)
    assert [r["person_sha256"] for r in amal["items"]] == [audit.person_hash(AMAL)]


def test_the_rows_outlive_an_erasure_with_nothing_of_the_person_but_the_hash(scheduling):
    pair = scheduling.confirm("agency", scheduling.cohort())
    coordinator = scheduling.coordinator("agency")
    expect(scheduling.send("GET", f"/scheduling/pairs/{pair.id}", None, coordinator), 200)
    scheduling.feed("person.erasure_requested.v1", "agency", {"erasure_id": "e1", "email_sha256": audit.person_hash(AMAL),
                                                              "application_ids": [pair.mentee_id], "nomination_ids": []})
    rows = list(_rows(scheduling).values())
    assert audit.person_hash(AMAL) in {r["person_sha256"] for r in rows}
    assert not any("Amal" in str(v) or AMAL in str(v) for r in rows for v in r.values())
    found = expect(scheduling.send("GET", f"/scheduling/audit?email={AMAL}", None, coordinator), 200)
    assert found["total"] == 1


def test_the_worker_prunes_rows_older_than_the_audit_period(scheduling):
    pair = scheduling.confirm("agency", scheduling.cohort())
    coordinator = scheduling.coordinator("agency")
    expect(scheduling.send("GET", f"/scheduling/pairs/{pair.id}", None, coordinator), 200)
    clock.set(datetime(2021, 1, 10, 9, tzinfo=UTC))  # under two years later
    expect(scheduling.send("GET", f"/scheduling/pairs/{pair.id}/agreement", None, coordinator), 200)
    (timer,) = [t for t in create_worker(scheduling.settings, scheduling.engine).timers if t.name == "audit-retention"]
    timer.tick()
    assert len(_rows(scheduling)) == 4
    clock.set(datetime(2021, 1, 25, 9, tzinfo=UTC))  # the first two are over two years old now
    timer.tick()
    assert {r["object_type"] for r in _rows(scheduling).values()} == {"agreement"}


@pytest.mark.services
def test_on_postgresql_the_log_is_not_rewritten(scheduling_pg):
    pair = scheduling_pg.confirm("agency", scheduling_pg.cohort())
    expect(scheduling_pg.send("GET", f"/scheduling/pairs/{pair.id}", None, scheduling_pg.coordinator("agency")), 200)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with scheduling_pg.engine.begin() as conn:
            conn.execute(store.audit_log.update().values(actor="someone else"))
    assert {r["actor"] for r in _rows(scheduling_pg).values()} == {"coordinator@agency.example.org"}
