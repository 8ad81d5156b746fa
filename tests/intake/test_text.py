"""Free text is bounded and clean: a huge name, a CR/LF in a name, a bidi override or an ANSI
escape is refused with the field named, and nothing is stored or published."""

import pytest

from tests.intake.conftest import mentee
from tests.skeleton import expect

HUGE = "x" * 200_000  # under the request size limit (256 KiB), far over any text's


def test_a_programme_with_a_huge_name_or_description_is_refused(intake):
    coordinator = intake.tenant("saco")
    for body, field in (({"name": {"sv": HUGE}}, "name"),
                        ({"name": {"sv": "Mentorprogrammet"}, "description": {"sv": HUGE}}, "description")):
        answer = expect(intake.send("POST", "/intake/programmes", body, coordinator), 422)
        assert field in answer["errors"]["json"], answer["errors"]
    assert expect(intake.send("GET", "/intake/programmes", None, coordinator), 200) == []


def test_a_huge_meeting_plan_title_is_refused(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    plan = [{"title": {"sv": HUGE}, "checklist": [{"sv": "Vad har hänt sedan sist?"}]}]
    answer = expect(intake.send("PATCH", f"/intake/programmes/{programme['id']}", {"meeting_plan": plan}, coordinator), 422)
    assert "meeting_plan" in answer["errors"]["json"]


NAUGHTY = {
    "a line break": "Karin\r\nBcc: all@example.se",
    "a bidi override": "Karin \u202eevil\u202c Berg",
    "an ANSI escape": "Karin \x1b[31mBerg",
    "a NUL": "Karin\x00Berg",
}


@pytest.mark.parametrize("what", list(NAUGHTY))
def test_a_name_with_control_characters_is_refused_naming_the_field(intake, what):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    cohort = intake.cohort(coordinator, programme["id"])
    naughty = NAUGHTY[what]

    answer = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1, name=naughty), None), 422)
    assert "control character" in answer["errors"]["json"]["name"][0]
    assert intake.events("application.") == []

    answer = expect(intake.send("POST", "/intake/programmes", {"name": {"sv": naughty}}, coordinator), 422)
    assert "name" in answer["errors"]["json"]
    answer = expect(intake.send("POST", f"/intake/programmes/{programme['id']}/cohorts",
                                {"name": naughty, "starts_on": "2027-02-01", "ends_on": "2027-06-30"}, coordinator), 422)
    assert "name" in answer["errors"]["json"]


def test_a_description_keeps_its_line_breaks(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator, description={"sv": "Första stycket.\r\n\r\nAndra stycket."})
    assert programme["description"]["sv"] == "Första stycket.\n\nAndra stycket."
