"""A programme that requires every mentor to speak certain languages (the state agency's: Swedish
and English) never proposes a mentor who lacks one, and says which language is missing."""

from __future__ import annotations

from services.matching import store
from tests.skeleton import expect

LAW = {"code": "2611", "title": "Jurist"}
ENGINEERING = {"code": "2144", "title": "Maskiningenjör"}
SWEDISH = [{"language": "sv", "level": "native"}]
SWEDISH_AND_ENGLISH = [{"language": "sv", "level": "native"}, {"language": "en", "level": "C1"}]


def _agency_cohort(matching, tenant="agency") -> str:
    """A cohort whose programme requires Swedish and English of every mentor, written straight
    into matching's projection (as a cohort event carrying the programme would leave it)."""
    cohort = matching.cohort(tenant)
    with matching.engine.begin() as conn:
        programme = store.one(conn, store.cohorts, tenant, cohort)["programme"]
        store.update(conn, store.cohorts, tenant, cohort, programme={**programme, "required_mentor_languages": ["sv", "en"]})
    return cohort


def test_the_best_fitting_mentor_who_lacks_english_is_never_proposed(matching):
    coordinator = matching.coordinator("agency")
    cohort = _agency_cohort(matching)
    amira = matching.person("agency", cohort, "mentee", "Amira Haddad", wished_profession=LAW, mentoring_languages=["sv", "en"])
    karin = matching.person("agency", cohort, "mentor", "Karin Berg", profession=LAW, languages=SWEDISH)
    lars = matching.person("agency", cohort, "mentor", "Lars Holm", profession=ENGINEERING, languages=SWEDISH_AND_ENGLISH)
    run = matching.run(coordinator, cohort)
    assert [(p["mentee_id"], p["mentor_id"]) for p in run["proposals"]] == [(amira, lars)]
    assert run["parameters"]["required_mentor_languages"] == ["en", "sv"]

    answer = expect(matching.send("GET", f"/matching/runs/{run['id']}/why-not?mentee_id={amira}&mentor_id={karin}",
                                  None, coordinator), 200)
    assert (answer["allowed"], answer["rule"], answer["missing_languages"]) == (False, "missing_required_language", ["en"])
    assert "does not speak English (en)" in answer["text"]


def test_a_mentee_whose_mentors_all_lack_a_required_language_is_told_which_one(matching):
    coordinator = matching.coordinator("agency")
    cohort = _agency_cohort(matching)
    amira = matching.person("agency", cohort, "mentee", "Amira Haddad", wished_profession=LAW)
    matching.person("agency", cohort, "mentor", "Karin Berg", profession=LAW, languages=SWEDISH)
    run = matching.run(coordinator, cohort)
    assert run["proposals"] == []
    (left,) = run["unmatched_mentees"]
    assert (left["mentee_id"], left["reason_code"]) == (amira, "mentors_lack_required_language")
    assert "lacks English (en), which the programme requires of every mentor" in left["reason"]
    assert left["details"]["missing_languages"] == ["en"]


def test_a_pin_to_a_mentor_who_lacks_a_required_language_fails_the_run_saying_so(matching):
    coordinator = matching.coordinator("agency")
    cohort = _agency_cohort(matching)
    amira = matching.person("agency", cohort, "mentee", "Amira Haddad", wished_profession=LAW)
    karin = matching.person("agency", cohort, "mentor", "Karin Berg", profession=LAW, languages=SWEDISH)
    expect(matching.send("POST", f"/matching/cohorts/{cohort}/overrides",
                         {"kind": "pin", "mentee_id": amira, "mentor_id": karin}, coordinator), 201)
    run = matching.run(coordinator, cohort)
    assert (run["status"], run["failure_code"]) == ("failed", "pin_breaks_rule")
    assert "Amira Haddad with Karin Berg" in run["failure_reason"] and "remove the pin" in run["failure_reason"]
