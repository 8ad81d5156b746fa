"""A programme may require every mentor to speak certain languages: the state agency's asks
for Swedish and English, so a mentor who speaks Swedish only is told what is missing."""

from urllib.parse import parse_qs, urlparse

from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect

SWEDISH_ONLY = [{"language": "sv", "level": "native"}]


def _state_agency(intake):
    coordinator = intake.tenant("arbetsgivarverket")
    programme = intake.programme(coordinator, required_mentor_languages=["sv", "en"],
                                 member_organisations=[{"id": "skatteverket", "name": "Skatteverket"}])
    return coordinator, programme, intake.cohort(coordinator, programme["id"])


def test_the_programme_says_which_languages_every_mentor_speaks_and_the_cohort_events_carry_it(intake):
    coordinator, programme, _cohort = _state_agency(intake)
    assert programme["required_mentor_languages"] == ["sv", "en"]
    assert intake.events("cohort.opened")[0]["data"]["programme"]["required_mentor_languages"] == ["sv", "en"]
    changed = expect(intake.send("PATCH", f"/intake/programmes/{programme['id']}", {"required_mentor_languages": ["sv"]},
                                 coordinator), 200)
    assert changed["required_mentor_languages"] == ["sv"]
    assert intake.events("cohort.updated")[-1]["data"]["programme"]["required_mentor_languages"] == ["sv"]
    bad = expect(intake.send("PATCH", f"/intake/programmes/{programme['id']}", {"required_mentor_languages": ["svenska"]},
                             coordinator), 422)
    assert "required_mentor_languages" in bad["errors"]["json"]
    plain = intake.programme(coordinator)
    assert plain["required_mentor_languages"] == []


def test_a_mentor_who_speaks_swedish_only_is_told_english_is_missing(intake):
    _coordinator, _programme, cohort = _state_agency(intake)
    url = f"/intake/public/cohorts/{cohort['id']}/applications"
    refused = expect(intake.send("POST", url, mentor(1, languages=SWEDISH_ONLY), None), 422)
    assert refused["errors"]["json"]["languages"] == [
        "Every mentor in this programme speaks English (en); add it to the languages you speak."]
    assert intake.events("application.") == []
    expect(intake.send("POST", url, mentor(1), None), 201)  # Swedish and English
    expect(intake.send("POST", url, mentee(1, languages=[{"language": "ar", "level": "native"}]), None), 201)


def test_the_nominated_mentors_form_requires_the_languages_too(intake):
    coordinator, _programme, cohort = _state_agency(intake)
    skatt = intake.representative("arbetsgivarverket", "skatteverket")
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": "Karin Berg", "email": "karin.berg@example.se", "rank": 1}, skatt), 201)
    expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
    token = parse_qs(urlparse(intake.events("nomination.accepted")[0]["data"]["form_link"]).query)["token"][0]
    body = {k: v for k, v in mentor(1, languages=SWEDISH_ONLY).items() if k not in ("role", "name", "email")}
    refused = expect(intake.send("POST", f"/intake/public/mentor-form?token={token}", body, None), 422)
    assert "English (en)" in refused["errors"]["json"]["languages"][0]
    body["languages"] = [{"language": "sv", "level": "native"}, {"language": "en", "level": "B2"}]
    expect(intake.send("POST", f"/intake/public/mentor-form?token={token}", body, None), 201)
