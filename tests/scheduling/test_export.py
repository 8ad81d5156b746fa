"""A person's own data from scheduling, as one JSON document: every table that speaks of them, for
every application of theirs in the tenant, and nothing of anyone else but the partner's name in
the agreement they shared — through their own link, or produced by a coordinator."""

import json
from datetime import UTC, date, datetime

from services.scheduling import store
from services.scheduling.usecases import export
from services.shared import audit, clock
from services.shared.tenancy import issue_token
from tests.scheduling.conftest import CHECKLIST_FILLED, KEY, Pair, person, sign_both
from tests.skeleton import expect

AMAL = "amal.haddad@example.se"


def test_every_table_is_exported_or_says_why_not():
    tables = set(store.metadata.tables)
    assert set(export.SECTIONS) | set(export.WITHHELD) == tables
    assert not set(export.SECTIONS) & set(export.WITHHELD)
    assert all(reason.strip() for reason in export.WITHHELD.values())


def _amal_twice(scheduling) -> tuple[Pair, Pair]:
    """Amal, a mentee in the spring cohort and, under the same address, a mentor in the autumn's."""
    amal = person("Amal Haddad")
    spring = scheduling.confirm("agency", scheduling.cohort(), mentee=amal)
    autumn_cohort = scheduling.cohort(starts_on=date(2019, 9, 1), ends_on=date(2020, 2, 28))
    autumn = scheduling.confirm("agency", autumn_cohort, mentee=person("Omar Said"), mentor={**person("Amal Haddad"), "email": AMAL.upper()},
                                starts_on=date(2019, 9, 1), ends_on=date(2020, 2, 28))
    return spring, autumn


def test_the_persons_document_holds_every_row_about_them_and_nothing_of_others(scheduling):
    spring, autumn = _amal_twice(scheduling)
    others = scheduling.confirm("agency", scheduling.cohort(), person("Sara Ahmadi"), person("Johan Lind"))
    coordinator = scheduling.coordinator("agency")
    sign_both(scheduling, spring)
    expect(scheduling.send("PATCH", f"/scheduling/pairs/{spring.id}/agreement", {"based_on_version": 1, "keep_in_touch": "Telefon"},
                           scheduling.token(spring, "mentor")), 200)
    scheduling.calendar(scheduling.token(spring, "mentee"))
    event = expect(scheduling.send("GET", f"/scheduling/cohorts/{spring.cohort_id}/events", None, coordinator), 200)[0]
    expect(scheduling.send("PUT", f"/scheduling/cohorts/{spring.cohort_id}/events/{event['id']}/attendance", {"records": [
        {"application_id": spring.mentee_id, "status": "excused", "note": "hos Migrationsverket"},
        {"application_id": spring.mentor_id, "status": "present", "note": "Karins egen anteckning"}]}, coordinator), 200)
    clock.set(datetime(2019, 2, 1, 9, tzinfo=UTC))
    first = scheduling.meetings(spring)[0]
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(spring, "mentee")), 200)
    scheduling.end(spring, reason="Karin bytte jobb")

    mine = expect(scheduling.send("GET", "/scheduling/export/mine", None, scheduling.token(spring, "mentee")), 200)
    assert (mine["service"], mine["tenant"], mine["person_sha256"]) == ("scheduling", "agency", audit.person_hash(AMAL))
    sections = mine["sections"]
    assert set(sections) == set(export.SECTIONS.values())
    assert {p["application_id"] for p in sections["participants"]} == {spring.mentee_id, autumn.mentor_id}
    assert {p["id"] for p in sections["pairs"]} == {spring.id, autumn.id}
    assert [p["end_reason"] for p in sections["pairs"] if p["id"] == spring.id] == ["Karin bytte jobb"]
    assert [(a["pair_id"], a["version"]) for a in sections["agreements"] if a["pair_id"] == spring.id] == [(spring.id, 1), (spring.id, 2)]
    assert {(a["pair_id"], a["partner"]["name"]) for a in sections["agreements"]} == {(spring.id, "Karin Berg"), (autumn.id, "Omar Said")}
    held = [m for m in sections["meetings"] if m["id"] == first["id"]]
    assert held[0]["notes"]["next_steps"] == CHECKLIST_FILLED["next_steps"] and held[0]["checklist"]
    assert {m["pair_id"] for m in sections["meetings"]} == {spring.id, autumn.id}
    assert [(a["application_id"], a["note"], a["recorded_by"]) for a in sections["attendance"]] == [
        (spring.mentee_id, "hos Migrationsverket", "staff")]
    assert [(f["owner_id"], "secret_sha256" in f) for f in sections["calendar_feeds"]] == [(spring.mentee_id, False)]
    kinds = {w["kind"] for w in sections["due_work"]}
    assert {"survey", "phase", "nudge"} <= kinds
    subjects = {w["subject_id"] for w in sections["due_work"]}
    assert {spring.mentee_id, autumn.mentor_id, spring.id, autumn.id} <= subjects
    assert all(isinstance(p["recorded_at"], str) for p in sections["participants"])  # dates as ISO text

    text = json.dumps(mine, ensure_ascii=False)
    for stranger in ("Sara Ahmadi", "sara.ahmadi@", "Johan Lind", others.id, others.mentee_id,
                     "karin.berg@example.se", "omar.said@", "Karins egen anteckning", "coordinator@agency"):
        assert stranger not in text, stranger
    assert text.count("Karin Berg") == 2  # the partner's name in the two versions of the agreement, and nowhere else


def test_a_coordinator_produces_the_same_document_for_a_request_by_post(scheduling):
    spring, _autumn = _amal_twice(scheduling)
    coordinator = scheduling.coordinator("agency")
    mine = expect(scheduling.send("GET", "/scheduling/export/mine", None, scheduling.token(spring, "mentee")), 200)
    theirs = expect(scheduling.send("GET", f"/scheduling/export/person?email={AMAL}", None, coordinator), 200)
    assert {**theirs, "generated_at": None} == {**mine, "generated_at": None}
    unknown = expect(scheduling.send("GET", "/scheduling/export/person?email=nobody@example.se", None, coordinator), 200)
    assert unknown["sections"] == {section: [] for section in export.SECTIONS.values()}
    operator = issue_token(KEY, tenant="*", role="operator", sub="operator")
    expect(scheduling.send("GET", f"/scheduling/export/person?email={AMAL}", None, operator), 422)
    by_operator = expect(scheduling.send("GET", f"/scheduling/export/person?email={AMAL}&tenant=agency", None, operator), 200)
    assert by_operator["sections"] == mine["sections"]
    # both reads are on the agency's record, the operator's too
    on_record = expect(scheduling.send("GET", f"/scheduling/audit?email={AMAL}", None, coordinator), 200)["items"]
    assert sorted((r["role"], r["object_type"]) for r in on_record) == [("coordinator", "export"), ("operator", "export")]


def test_a_person_exports_only_themselves_and_a_tenant_only_its_own(scheduling):
    spring, _autumn = _amal_twice(scheduling)
    union_pair = scheduling.confirm("union", scheduling.cohort("union"), person("Sara Ahmadi"), person("Johan Lind"))
    # the token decides who: nothing in the request names anyone else
    karins = expect(scheduling.send("GET", f"/scheduling/export/mine?email={AMAL}", None, scheduling.token(spring, "mentor")), 200)
    assert {p["application_id"] for p in karins["sections"]["participants"]} == {spring.mentor_id}
    saras = expect(scheduling.send("GET", f"/scheduling/export/mine?token={scheduling.token(union_pair, 'mentee')}", None, None), 200)
    assert saras["tenant"] == "union" and "Amal" not in json.dumps(saras)  # (the personal link's ?token=)
    # another tenant's coordinator finds nothing of the agency's Amal, and cannot ask the agency
    union = scheduling.coordinator("union")
    nothing = expect(scheduling.send("GET", f"/scheduling/export/person?email={AMAL}", None, union), 200)
    assert nothing["tenant"] == "union" and all(rows == [] for rows in nothing["sections"].values())
    expect(scheduling.send("GET", f"/scheduling/export/person?email={AMAL}&tenant=agency", None, union), 404)
    # a link that is not an application's exports nothing
    survey = issue_token(KEY, tenant="agency", role="participant", sub=spring.mentee_id, scope="survey")
    expect(scheduling.send("GET", "/scheduling/export/mine", None, survey), 403)
