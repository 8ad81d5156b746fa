"""Every access on record: each staff or operator read or change of a person's data in intake
writes an audit row (who, role, action, object, the person's hash); a person's own link writes
none; a tenant's coordinators read their own tenant's log only, the operator all of it; the rows
outlive the person's erasure and their own audit period, no longer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.intake import store
from services.shared import audit, clock
from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect

LEYLA = "leyla.haddad@example.se"
COORDINATOR = "coordinator@saco.example.se"


def _rows(intake) -> list[dict]:
    with intake.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(store.audit_log).order_by(store.audit_log.c.at)).mappings()]


def _new_rows(intake, before: list[dict]) -> list[dict]:
    seen = {r["id"] for r in before}
    return [r for r in _rows(intake) if r["id"] not in seen]


def _setup(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator, member_organisations=[{"id": "skatteverket", "name": "Skatteverket"}])
    cohort = intake.cohort(coordinator, programme["id"])
    leyla = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                               mentee(1, name="Leyla Haddad", email=LEYLA), None), 201)
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor(1), None), 201)
    return coordinator, cohort, leyla


def _one(intake, before, action, object_type, object_id=None, email=LEYLA, actor=COORDINATOR, role="coordinator"):
    """The call wrote exactly one row, about ``email``'s person, saying so."""
    [row] = _new_rows(intake, before)
    assert (row["tenant"], row["actor"], row["role"], row["action"], row["object_type"]) == (
        "saco", actor, role, action, object_type)  # an operator's act under the person's tenant
    assert row["person_sha256"] == audit.person_hash(email)
    if object_id is not None:
        assert row["object_id"] == object_id
    return row


def test_each_coordinator_read_and_change_of_an_application_is_on_record(intake):
    coordinator, cohort, leyla = _setup(intake)
    assert _rows(intake) == []  # the public form is the person's own act

    before = _rows(intake)
    expect(intake.send("GET", f"/intake/applications/{leyla['id']}", None, coordinator), 200)
    _one(intake, before, "read", "application", leyla["id"])

    before = _rows(intake)
    expect(intake.send("POST", f"/intake/applications/{leyla['id']}/decision", {"status": "rejected"}, coordinator), 200)
    _one(intake, before, "change", "application", leyla["id"])

    before = _rows(intake)
    listed = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/applications", None, coordinator), 200)
    written = _new_rows(intake, before)
    assert sorted(r["object_id"] for r in written) == sorted(a["id"] for a in listed)  # one row per person shown
    assert {r["person_sha256"] for r in written} == {audit.person_hash(LEYLA), audit.person_hash("mentor1@example.se")}
    assert {(r["action"], r["route"]) for r in written} == {("read", "/cohorts/<cohort_id>/applications")}

    before = _rows(intake)
    entered = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/applications",
                                 mentee(2, email="paper@example.se"), coordinator), 201)
    _one(intake, before, "change", "application", entered["id"], email="paper@example.se")


def test_the_retention_list_the_export_and_the_erasure_are_on_record(intake):
    coordinator, _, leyla = _setup(intake)
    clock.set(clock.now() + timedelta(days=365 * 3))  # past both people's retention dates
    before = _rows(intake)
    people = expect(intake.send("GET", "/intake/retention", None, coordinator), 200)
    assert {p["email"] for p in people} == {LEYLA, "mentor1@example.se"}
    assert {r["person_sha256"] for r in _new_rows(intake, before)} == {audit.person_hash(p["email"]) for p in people}

    before = _rows(intake)
    expect(intake.send("GET", f"/intake/export/person?email={LEYLA}", None, coordinator), 200)
    _one(intake, before, "read", "export")

    before = _rows(intake)
    erased = expect(intake.send("POST", "/intake/erasures", {"email": LEYLA}, coordinator), 201)
    _one(intake, before, "change", "person", erased["id"])


def test_reading_and_changing_staff_is_on_record(intake):
    coordinator = intake.tenant("saco")
    before = _rows(intake)
    karin = expect(intake.send("POST", "/intake/staff", {"email": "karin@skatteverket.se", "name": "Karin Berg",
                                                         "role": "coordinator", "locale": "sv"}, coordinator), 201)
    _one(intake, before, "change", "staff", karin["id"], email="karin@skatteverket.se")
    before = _rows(intake)
    expect(intake.send("PATCH", f"/intake/staff/{karin['id']}", {"name": "Karin Berg-Ek"}, coordinator), 200)
    _one(intake, before, "change", "staff", karin["id"], email="karin@skatteverket.se")
    before = _rows(intake)
    expect(intake.send("GET", "/intake/staff", None, coordinator), 200)
    _one(intake, before, "read", "staff", karin["id"], email="karin@skatteverket.se")
    before = _rows(intake)
    expect(intake.send("DELETE", f"/intake/staff/{karin['id']}", None, coordinator), 200)
    _one(intake, before, "change", "staff", karin["id"], email="karin@skatteverket.se")
    before = _rows(intake)
    expect(intake.send("POST", "/intake/tenants/saco/staff", {"email": "anna@saco.se", "name": "Anna", "role": "coordinator",
                                                              "locale": "sv"}, intake.operator), 201)
    _one(intake, before, "change", "staff", email="anna@saco.se", actor="ops", role="operator")


def test_a_persons_own_reads_are_not_staff_access(intake):
    _, _, leyla = _setup(intake)
    token = leyla["manage_token"]
    expect(intake.send("GET", f"/intake/applications/mine?token={token}", None, None), 200)
    expect(intake.send("GET", f"/intake/export/mine?token={token}", None, None), 200)
    assert _rows(intake) == []


def test_a_tenant_reads_its_own_log_and_the_operator_everyones(intake):
    coordinator, _, leyla = _setup(intake)
    other = intake.tenant("jusek")
    expect(intake.send("GET", f"/intake/applications/{leyla['id']}", None, coordinator), 200)
    expect(intake.send("GET", "/intake/staff", None, other), 200)  # jusek has no staff rows: no row
    [row] = _rows(intake)

    mine = expect(intake.send("GET", "/intake/audit", None, coordinator), 200)
    assert [r["id"] for r in mine["items"]] == [row["id"]]
    assert expect(intake.send("GET", f"/intake/audit/{row['id']}", None, coordinator), 200)["object_id"] == leyla["id"]
    # another tenant's coordinator: not there at all
    assert expect(intake.send("GET", "/intake/audit", None, other), 200)["items"] == []
    assert intake.send("GET", f"/intake/audit/{row['id']}", None, other)[0] == 404
    assert intake.send("GET", "/intake/audit?tenant=saco", None, other)[0] == 404
    assert intake.send("GET", "/intake/audit", None, leyla["manage_token"])[0] == 403
    # the operator reads every tenant's, and narrows by tenant and person
    assert [r["id"] for r in expect(intake.send("GET", "/intake/audit", None, intake.operator), 200)["items"]] == [row["id"]]
    assert expect(intake.send("GET", "/intake/audit?tenant=jusek", None, intake.operator), 200)["items"] == []
    assert expect(intake.send("GET", f"/intake/audit?email={LEYLA}", None, coordinator), 200)["total"] == 1
    assert expect(intake.send("GET", "/intake/audit?email=mentor1@example.se", None, coordinator), 200)["total"] == 0


def test_the_rows_outlive_the_persons_erasure_by_their_hash_alone(intake):
    coordinator, _, leyla = _setup(intake)
    expect(intake.send("GET", f"/intake/applications/{leyla['id']}", None, coordinator), 200)
    expect(intake.send("POST", "/intake/erasures", {"email": LEYLA}, coordinator), 201)
    rows = _rows(intake)
    assert len(rows) == 2 and {r["person_sha256"] for r in rows} == {audit.person_hash(LEYLA)}
    assert not any("Leyla" in repr(r) or "Haddad" in repr(r) or LEYLA in repr(r) for r in rows)
    found = expect(intake.send("GET", f"/intake/audit?email={LEYLA}", None, coordinator), 200)
    assert found["total"] == 2


def test_rows_older_than_the_audit_period_are_pruned(intake):
    coordinator, _, leyla = _setup(intake)
    expect(intake.send("GET", f"/intake/applications/{leyla['id']}", None, coordinator), 200)
    clock.set(clock.now() + timedelta(days=400))
    expect(intake.send("GET", f"/intake/applications/{leyla['id']}", None, coordinator), 200)
    clock.set(clock.now() + timedelta(days=400))
    assert audit.prune(intake.engine, store.audit_log, 730) == 1  # 800 days old: past the 730 of the default
    assert len(_rows(intake)) == 1


@pytest.mark.services
def test_on_postgresql_the_log_refuses_an_update(intake_pg):
    coordinator, _, leyla = _setup(intake_pg)
    expect(intake_pg.send("GET", f"/intake/applications/{leyla['id']}", None, coordinator), 200)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with intake_pg.engine.begin() as conn:
            conn.execute(store.audit_log.update().values(actor="someone else"))
    assert _rows(intake_pg)[0]["actor"] == COORDINATOR


def test_nominating_reading_and_deciding_nominations_is_on_record(intake):
    coordinator, cohort, _ = _setup(intake)
    rep = intake.representative("saco", "skatteverket")
    before = _rows(intake)
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": "Leyla Haddad", "email": LEYLA, "rank": 1, "note": "Leyla är bra"}, rep), 201)
    _one(intake, before, "change", "nomination", nomination["id"], actor="rep@skatteverket.example.se", role="representative")
    before = _rows(intake)
    expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, coordinator), 200)
    _one(intake, before, "read", "nomination", nomination["id"])
    before = _rows(intake)
    expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
    _one(intake, before, "change", "nomination", nomination["id"])


def test_a_decision_that_frees_a_place_puts_the_promoted_person_on_record_too(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    cohort = intake.cohort(coordinator, programme["id"], mentee_places=1)
    leyla = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                               mentee(1, name="Leyla Haddad", email=LEYLA), None), 201)
    waiting = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(2), None), 201)
    assert (leyla["status"], waiting["status"]) == ("accepted", "waitlisted")
    before = _rows(intake)
    expect(intake.send("POST", f"/intake/applications/{leyla['id']}/decision", {"status": "withdrawn"}, coordinator), 200)
    assert sorted((r["object_id"], r["person_sha256"]) for r in _new_rows(intake, before)) == sorted(
        [(leyla["id"], audit.person_hash(LEYLA)), (waiting["id"], audit.person_hash("adept2@example.se"))])
