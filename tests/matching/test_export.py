"""A person's own data in matching, as one JSON document: from their personal link or for a
coordinator; complete against every table that names them, and nothing of anyone else."""

from __future__ import annotations

import json

import sqlalchemy as sa

from services.matching import store
from services.matching.usecases.export import COVERAGE, IN, NOT_IN
from services.shared import audit
from services.shared.tenancy import issue_token, participant_token
from tests.matching.conftest import KEY
from tests.skeleton import expect

LAW = {"code": "2611", "title": "Jurist"}
ENGINEERING = {"code": "2144", "title": "Maskiningenjör"}
SARA = "sara.lind@example.se"


def _own(application_id: str, tenant: str = "saco", scope: str = "application") -> str:
    return participant_token(KEY, tenant=tenant, sub=application_id, scope=scope, ttl=600)


def _sara_in_two_cohorts(matching) -> dict:
    """Sara mentors Amira in the autumn (paired; Omar is kept from her, in words about her) and
    applies as a mentee in the spring, where nobody mentors in Finnish (unmatched)."""
    coordinator = matching.coordinator("saco")
    autumn = matching.cohort("saco")
    p = {
        "amira": matching.person("saco", autumn, "mentee", "Amira Haddad", wished_profession=LAW),
        "omar": matching.person("saco", autumn, "mentee", "Omar Yusuf", wished_profession=ENGINEERING),
        "sara_mentor": matching.person("saco", autumn, "mentor", "Sara Lind", profession=LAW),
        "lars": matching.person("saco", autumn, "mentor", "Lars Holm", profession=ENGINEERING),
    }
    run = matching.run(coordinator, autumn)
    by_mentee = {x["mentee_id"]: x for x in run["proposals"]}
    expect(matching.send("POST", f"/matching/proposals/{by_mentee[p['omar']]['id']}/reject",
                         {"reason": "Omar and Lars are neighbours"}, coordinator), 200)
    expect(matching.send("POST", f"/matching/proposals/{by_mentee[p['amira']]['id']}/approve", None, coordinator), 200)
    expect(matching.send("POST", f"/matching/cohorts/{autumn}/overrides", {
        "kind": "forbid", "mentee_id": p["omar"], "mentor_id": p["sara_mentor"],
        "reason": "Sara asked to mentor one person only"}, coordinator), 201)
    spring = matching.cohort("saco")
    p["sara_mentee"] = matching.person("saco", spring, "mentee", "Sara Lind", mentoring_languages=["fi"])
    p["karin"] = matching.person("saco", spring, "mentor", "Karin Berg")
    assert matching.run(coordinator, spring)["unmatched_mentees"][0]["mentee_id"] == p["sara_mentee"]
    return p


def _naming(matching, table: sa.Table, ids: list[str]) -> int:
    """How many of the tenant's rows of ``table`` name one of ``ids``."""
    columns = [c for c in ("id", "mentee_id", "mentor_id") if c in table.c and (c != "id" or table.name == "applications")]
    with matching.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(
            table.c.tenant == "saco", sa.or_(*[table.c[c].in_(ids) for c in columns]))).scalar_one()


def test_every_table_of_matching_is_exported_or_says_why_not():
    assert set(COVERAGE) == set(store.metadata.tables), "add the table to usecases/export.py's COVERAGE"
    for table, (where, what) in COVERAGE.items():
        assert where in (IN, NOT_IN) and what.strip(), table


def test_a_persons_link_exports_every_row_that_names_them_in_every_cohort_and_nothing_of_others(matching):
    p = _sara_in_two_cohorts(matching)
    document = expect(matching.send("GET", f"/matching/export/mine?token={_own(p['sara_mentee'])}"), 200)
    assert document["service"] == "matching" and document["tenant"] == "saco"
    assert document["person_sha256"] == audit.person_hash(SARA) and document["generated_at"]
    sections = document["sections"]
    sara = [p["sara_mentor"], p["sara_mentee"]]

    # complete: each table that names her, whole, in its section
    exported = {table: section for table, (where, section) in COVERAGE.items() if where == IN}
    assert set(sections) == set(exported.values())
    for table, section in exported.items():
        assert sections[section], f"{table}: nothing exported"
        assert len(sections[section]) == _naming(matching, store.metadata.tables[table], sara), table

    assert {a["id"]: a["role"] for a in sections["applications"]} == {p["sara_mentor"]: "mentor", p["sara_mentee"]: "mentee"}
    assert {a["email"] for a in sections["applications"]} == {SARA}
    [pair] = sections["pairs"]
    assert (pair["role"], pair["partner_id"], pair["status"]) == ("mentor", p["amira"], "confirmed")
    [proposal] = sections["proposals"]
    assert proposal["role"] == "mentor" and proposal["breakdown"]["profession"] == 5.0
    [forbid] = sections["overrides"]
    assert (forbid["kind"], forbid["reason"]) == ("forbid", "Sara asked to mentor one person only")
    [left] = sections["unmatched"]
    assert left["reason_code"] == "no_shared_language" and left["reason"]

    text = json.dumps(document)
    for someone_else in ("Amira", "amira.haddad", "Omar", "omar.yusuf", "Lars", "Karin", "neighbours", "coordinator@"):
        assert someone_else not in text
    assert p["lars"] not in text and p["karin"] not in text  # rows about others only are not hers


def test_a_person_exports_themselves_only_whatever_they_ask(matching):
    p = _sara_in_two_cohorts(matching)
    document = expect(matching.send("GET", f"/matching/export/mine?email={SARA}", None, _own(p["amira"])), 200)
    assert document["person_sha256"] == audit.person_hash("amira.haddad@example.se")
    assert [a["id"] for a in document["sections"]["applications"]] == [p["amira"]]
    assert "Sara" not in json.dumps(document)
    expect(matching.send("GET", f"/matching/export/person?email={SARA}", None, _own(p["amira"])), 403)
    expect(matching.send("GET", "/matching/export/mine", None, _own(p["amira"], scope="nomination")), 403)
    other_tenant = expect(matching.send("GET", "/matching/export/mine", None, _own(p["amira"], tenant="tco")), 200)
    assert all(rows == [] for rows in other_tenant["sections"].values())
    expect(matching.send("GET", "/matching/export/mine", None, matching.coordinator("saco")), 403)


def test_a_coordinator_produces_the_same_file_and_the_read_is_on_record(matching):
    p = _sara_in_two_cohorts(matching)
    coordinator = matching.coordinator("saco")
    own = expect(matching.send("GET", "/matching/export/mine", None, _own(p["sara_mentor"])), 200)
    asked = expect(matching.send("GET", "/matching/export/person?email=Sara.Lind@example.se", None, coordinator), 200)
    assert asked["sections"] == own["sections"] and asked["person_sha256"] == own["person_sha256"]
    log = expect(matching.send("GET", f"/matching/audit?email={SARA}&per_page=500", None, coordinator), 200)
    assert [(r["action"], r["object_type"], r["role"]) for r in log["items"] if r["object_type"] == "export"] == [
        ("read", "export", "coordinator")]

    unknown = expect(matching.send("GET", "/matching/export/person?email=nobody@example.se", None, coordinator), 200)
    assert unknown["sections"] == {section: [] for section in own["sections"]}


def test_another_tenants_coordinator_gets_nothing_and_the_operator_names_the_tenant(matching):
    p = _sara_in_two_cohorts(matching)
    elsewhere = matching.coordinator("tco")
    nothing = expect(matching.send("GET", f"/matching/export/person?email={SARA}", None, elsewhere), 200)
    assert nothing["tenant"] == "tco" and all(rows == [] for rows in nothing["sections"].values())
    expect(matching.send("GET", f"/matching/export/person?email={SARA}&tenant=saco", None, elsewhere), 404)

    operator = issue_token(KEY, tenant="*", role="operator", sub="operator")
    expect(matching.send("GET", f"/matching/export/person?email={SARA}", None, operator), 422)
    document = expect(matching.send("GET", f"/matching/export/person?email={SARA}&tenant=saco", None, operator), 200)
    assert len(document["sections"]["applications"]) == 2 and p["sara_mentee"] in json.dumps(document)
    log = expect(matching.send("GET", f"/matching/audit?email={SARA}", None, matching.coordinator("saco")), 200)
    assert [(r["role"], r["tenant"]) for r in log["items"] if r["object_type"] == "export"] == [("operator", "saco")]


def test_an_erased_persons_link_exports_what_is_left_of_that_application_only(matching):
    p = _sara_in_two_cohorts(matching)
    for name in ("amira", "sara_mentor", "sara_mentee"):  # two erased people share the placeholder address
        matching.feed("person.erasure_requested.v1", "saco", {"erasure_id": name, "email_sha256": "0" * 64,
                                                              "application_ids": [p[name]], "nomination_ids": []})
    document = expect(matching.send("GET", "/matching/export/mine", None, _own(p["amira"])), 200)
    assert document["person_sha256"] is None
    assert [a["id"] for a in document["sections"]["applications"]] == [p["amira"]]
    assert p["sara_mentee"] not in json.dumps(document)
