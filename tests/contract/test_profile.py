"""The application's profile is declared once, in the contract (``Profile``): the event carries
it, intake's form asks for each of its fields, and matching keeps each in its projection."""

from __future__ import annotations

from services.intake.domain import applications as intake_applications
from services.intake.schemas import ApplicationIn
from services.matching import store as matching_store
from services.matching.domain import projection
from services.shared.contract import EVENT_TYPES
from services.shared.contract.events import PROFILE_FIELDS, Profile, profile_of
from tests.unit.test_contract import SAMPLES


def test_the_application_submitted_event_carries_the_whole_profile():
    schema = EVENT_TYPES["application.submitted.v1"].schema
    assert issubclass(schema, Profile)
    assert set(PROFILE_FIELDS) <= set(schema._declared_fields)


def test_intakes_form_asks_for_every_field_of_the_profile_and_takes_the_same_ones_as_they_are():
    form = ApplicationIn._declared_fields
    assert set(PROFILE_FIELDS) <= set(form)
    for name in ("education_field", "employer", "city", "remote_ok", "interests"):
        assert type(form[name]) is type(Profile._declared_fields[name])
        assert form[name].metadata == Profile._declared_fields[name].metadata


def test_intake_puts_every_field_of_the_profile_in_the_event():
    row = {key: f"<{key}>" for key in ("submitted_at", *PROFILE_FIELDS, "nomination_id", "arrival")}
    assert set(PROFILE_FIELDS) <= set(intake_applications.profile(row))


def test_matching_keeps_every_field_of_the_profile_in_a_column_of_its_own():
    columns = set(matching_store.applications.c.keys())
    assert set(PROFILE_FIELDS) <= columns
    values = projection.application_values(SAMPLES["application.submitted.v1"])
    assert {name: values[name] for name in PROFILE_FIELDS} == profile_of(SAMPLES["application.submitted.v1"])


def test_a_decision_that_overtakes_its_submission_lands_with_the_profiles_defaults():
    values = projection.overtaken_submission(SAMPLES["application.accepted.v1"])
    assert values["languages"] == [] and values["excluded_employers"] == [] and values["capacity"] == 1
    assert values["interests"] == "" and values["remote_ok"] is False and values["phone"] is None


def test_zero_years_of_experience_is_kept_as_zero_not_replaced_by_a_default():
    assert profile_of({"experience_years": 0})["experience_years"] == 0
