"""A person's own data from intake, as one JSON document: everything of every table that
references them (as a mentee in one cohort and a mentor in another, nominated, on a waiting
list, answering a survey, staff too), nothing of anyone else; the token decides who, and a
coordinator produces the same file for their own tenant's people only."""

import json

import sqlalchemy as sa
from werkzeug.test import Client

from services.intake import store
from services.intake.usecases.export import NOT_EXPORTED, SECTIONS
from services.shared import audit
from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect

LEYLA = "leyla.haddad@example.se"
OTHERS = ("Adept Nummer2", "adept2@example.se", "Mentor Nummer2", "mentor2@example.se",
          "coordinator@saco.example.se", "rep@skatteverket.example.se")


def _apply(intake, cohort, person) -> dict:
    return expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", person, None), 201)


def _ask_public(intake, path, body) -> None:
    response = Client(intake.app).post(path, json=body)
    response.close()  # what the answer defers runs now
    assert response.status_code == 202


def _leyla_everywhere(intake) -> tuple[str, dict]:
    """Leyla with a row in every table of intake that can reference a person; and others beside her."""
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator, member_organisations=[{"id": "skatteverket", "name": "Skatteverket"}])
    spring = intake.cohort(coordinator, programme["id"])
    autumn = intake.cohort(coordinator, programme["id"], name="Hösten 2027", starts_on="2027-08-23",
                           ends_on="2028-01-31", mentee_places=1)
    # an earlier application of hers was erased at her request: the erasure's record names her by hash
    earlier = intake.cohort(coordinator, programme["id"], name="Vintern 2027", starts_on="2027-11-01", ends_on="2028-04-30")
    _apply(intake, earlier, mentee(1, name="Leyla Haddad", email=LEYLA))
    expect(intake.send("POST", "/intake/erasures", {"email": LEYLA}, coordinator), 201)

    as_mentee = _apply(intake, spring, mentee(1, name="Leyla Haddad", email=LEYLA))
    _apply(intake, spring, mentor(1, name="Leyla Haddad", email=LEYLA))
    _apply(intake, autumn, mentee(2))  # takes the one place
    _apply(intake, autumn, mentee(1, name="Leyla Haddad", email=LEYLA))  # waits
    _apply(intake, spring, mentor(2))
    expect(intake.send("POST", f"/intake/surveys/midpoint?token={as_mentee['manage_token']}",
                       {"answers": {"meaningful": True, "comments": "Tack!"}}, None), 201)
    rep = intake.representative("saco", "skatteverket")
    expect(intake.send("POST", f"/intake/cohorts/{autumn['id']}/nominations",
                       {"name": "Leyla Haddad", "email": LEYLA, "rank": 1, "note": "Leyla är bra"}, rep), 201)
    expect(intake.send("POST", f"/intake/cohorts/{autumn['id']}/nominations",
                       {"name": "Mentor Nummer2", "email": "mentor2@example.se", "rank": 2, "note": "Också bra"}, rep), 201)
    expect(intake.send("POST", "/intake/staff", {"email": LEYLA, "name": "Leyla Haddad", "role": "representative",
                                                 "organisation": "skatteverket", "locale": "sv"}, coordinator), 201)
    _ask_public(intake, "/intake/public/links", {"email": LEYLA})
    _ask_public(intake, "/intake/public/links", {"email": "adept2@example.se"})
    return coordinator, as_mentee


def test_every_table_is_exported_or_says_why_not():
    tables = set(store.metadata.tables)
    assert set(SECTIONS) | set(NOT_EXPORTED) == tables, "a table of intake is neither exported nor explained"
    assert not set(SECTIONS) & set(NOT_EXPORTED)
    assert all(reason.strip() for reason in NOT_EXPORTED.values())


def test_a_person_downloads_every_row_that_references_them_and_nothing_of_anyone_else(intake):
    _, as_mentee = _leyla_everywhere(intake)
    document = expect(intake.send("GET", f"/intake/export/mine?token={as_mentee['manage_token']}", None, None), 200)

    assert (document["service"], document["tenant"], document["person_sha256"]) == ("intake", "saco", audit.person_hash(LEYLA))
    sections = document["sections"]
    assert set(sections) == {s for both in SECTIONS.values() for s in both}
    for table, names in SECTIONS.items():
        for name in names:
            assert sections[name], f"{table}'s rows of the person are not in section {name}"
    assert sorted((a["cohort"], a["role"], a["status"]) for a in sections["applications"]) == [
        ("Hösten 2027", "mentee", "waitlisted"), ("Våren 2027", "mentee", "accepted"), ("Våren 2027", "mentor", "accepted")]
    assert all(a["email"] == LEYLA and a["interests"] for a in sections["applications"])  # all fields
    assert [w["position"] for w in sections["waiting_list"]] == [1]
    assert {c["retention_months"] for c in sections["consent"]} == {24}
    assert all(c["consent_version"] and c["retention_until"] for c in sections["consent"])
    assert sections["survey_responses"][0]["answers"] == {"meaningful": True, "comments": "Tack!"}
    assert [(n["name"], n["note"]) for n in sections["nominations"]] == [("Leyla Haddad", "Leyla är bra")]
    assert len(sections["erasures"]) == 1 and sections["erasures"][0]["applications"] == 1
    assert [s["organisation"] for s in sections["staff"]] == ["skatteverket"]
    assert len(sections["sign_in_codes"]) == 1 and len(sections["link_requests"]) == 1
    assert sections["applications"][0]["submitted_at"].startswith("2026-11-02T")  # dates as ISO text

    text = json.dumps(document, ensure_ascii=False)
    for trace in OTHERS:
        assert trace not in text, f"{trace!r} is another person's"
    assert "code_sha256" not in text


def test_a_coordinator_produces_the_same_file_for_their_own_tenants_person_only(intake):
    coordinator, as_mentee = _leyla_everywhere(intake)
    own = expect(intake.send("GET", f"/intake/export/mine?token={as_mentee['manage_token']}", None, None), 200)
    produced = expect(intake.send("GET", f"/intake/export/person?email={LEYLA.upper()}", None, coordinator), 200)
    assert produced["sections"] == own["sections"]

    nobody = expect(intake.send("GET", "/intake/export/person?email=nobody@example.se", None, coordinator), 200)
    assert nobody["sections"] and all(rows == [] for rows in nobody["sections"].values())

    other = intake.tenant("jusek")
    theirs = expect(intake.send("GET", f"/intake/export/person?email={LEYLA}", None, other), 200)
    assert theirs["tenant"] == "jusek" and all(rows == [] for rows in theirs["sections"].values())
    assert intake.send("GET", f"/intake/export/person?email={LEYLA}&tenant=saco", None, other)[0] == 404
    assert intake.send("GET", f"/intake/export/person?email={LEYLA}", None, intake.operator)[0] == 422
    by_operator = expect(intake.send("GET", f"/intake/export/person?email={LEYLA}&tenant=saco", None, intake.operator), 200)
    assert by_operator["sections"] == own["sections"]


def test_a_persons_token_exports_them_and_no_one_else(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    cohort = intake.cohort(coordinator, programme["id"])
    leyla = _apply(intake, cohort, mentee(1, name="Leyla Haddad", email=LEYLA))
    _apply(intake, cohort, mentee(2))
    token = leyla["manage_token"]
    # the token decides who: no parameter changes it
    for path in (f"/intake/export/mine?token={token}&email=adept2@example.se",
                 f"/intake/export/mine?token={token}&tenant=saco&person=adept2@example.se"):
        document = expect(intake.send("GET", path, None, None), 200)
        assert [a["email"] for a in document["sections"]["applications"]] == [LEYLA]
        assert "adept2" not in json.dumps(document)
    # a participant cannot use the coordinator's way in, nor a coordinator the person's
    assert intake.send("GET", "/intake/export/person?email=adept2@example.se", None, token)[0] == 403
    assert intake.send("GET", "/intake/export/mine", None, coordinator)[0] == 403
    with intake.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.audit_log)).scalar_one() == 0
