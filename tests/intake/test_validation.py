"""Every invalid field of an application gets its own message, in the platform's one error shape."""

import pytest

from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect

INVALID = [
    ("role", "adept", mentee),
    ("name", "", mentee),
    ("email", "not-an-address", mentee),
    ("phone", "call me", mentee),
    ("locale", "de", mentee),
    ("languages", [{"language": "sv", "level": "fluent"}], mentee),
    ("languages", [], mentee),
    ("mentoring_languages", ["klingon"], mentee),
    ("mentoring_languages", [], mentee),
    ("profession", {"code": "9999", "title": "x"}, mentee),
    ("wished_profession", None, mentee),
    ("wished_profession", {"code": "26x1"}, mentee),
    ("education_field", None, mentee),
    ("education_level", "kindergarten", mentee),
    ("education_country", "XX", mentee),
    ("experience_years", -1, mentee),
    ("sector", "mafia", mentee),
    ("remote_ok", "maybe", mentee),
    ("capacity", 2, mentee),
    ("interests", "x" * 4001, mentee),
    ("referral", "friend", mentee),
    ("consent", {"given": False, "text_version": "2026-01"}, mentee),
    ("consent", None, mentee),
    ("profession", None, mentor),
    ("employer", None, mentor),
    ("capacity", 4, mentor),
    ("capacity", 0, mentor),
]


@pytest.mark.parametrize(("field", "value", "person"), INVALID, ids=[f"{p.__name__}-{f}-{i}" for i, (f, _v, p) in enumerate(INVALID)])
def test_an_invalid_field_is_named_with_its_reason(intake, field, value, person):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    body = person(1, **{field: value})
    if value is None and field == "consent":
        body.pop("consent")
    answer = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", body, None), 422)
    assert answer["code"] == 422 and answer["status"] == "Unprocessable Entity"
    errors = answer["errors"]["json"]
    assert field in errors, errors
    assert errors[field], "the field carries its reason"
    assert intake.events("application.") == [], "nothing is taken in"


def test_a_missing_body_says_which_fields_are_required(intake):
    coordinator = intake.tenant("saco")
    cohort = intake.cohort(coordinator, intake.programme(coordinator)["id"])
    answer = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", {}, None), 422)
    assert {"role", "name", "email", "locale", "languages", "mentoring_languages", "consent"} <= set(answer["errors"]["json"])


def test_cohort_and_programme_fields_are_checked_too(intake):
    coordinator = intake.tenant("saco")
    bad = expect(intake.send("POST", "/intake/programmes", {"name": {"sv": ""}, "languages": ["xx"], "meeting_minutes": 5,
                                                            "professions": [{"code": "12345"}]}, coordinator), 422)
    assert {"name", "languages", "meeting_minutes", "professions"} <= set(bad["errors"]["json"])
    programme = intake.programme(coordinator)
    bad = expect(intake.send("POST", f"/intake/programmes/{programme['id']}/cohorts", {
        "name": "x", "time_zone": "Mars/Olympus", "starts_on": "2027-06-01", "ends_on": "2027-01-01", "mentee_places": 0,
        "group_events": [{"kind": "party", "starts_at": "2027-01-01T10:00:00", "ends_at": "2027-01-01T09:00:00"}],
    }, coordinator), 422)
    assert {"time_zone", "mentee_places", "group_events"} <= set(bad["errors"]["json"])
    bad = expect(intake.send("POST", f"/intake/programmes/{programme['id']}/cohorts",
                             {"name": "x", "starts_on": "2027-06-01", "ends_on": "2027-01-01"}, coordinator), 422)
    assert bad["errors"]["json"]["ends_on"] == ["must be after starts_on"]
