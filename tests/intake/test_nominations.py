"""Member organisations nominate mentors before the deadline; accepted nominees get their form."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

from services.notify.domain.messages import compose
from services.notify.domain.rendering import render
from services.shared import clock
from services.shared.contract import parse_event
from tests.intake.conftest import mentor
from tests.skeleton import expect

ORGS = [{"id": "skatteverket", "name": "Skatteverket"}, {"id": "kammarkollegiet", "name": "Kammarkollegiet"}]


def _setup(intake):
    coordinator = intake.tenant("arbetsgivarverket")
    programme = intake.programme(coordinator, member_organisations=ORGS)
    cohort = intake.cohort(coordinator, programme["id"], nomination_deadline="2027-01-11T22:59:00+00:00", open=False)
    return coordinator, programme, cohort


def test_representatives_nominate_and_rank_and_coordinators_see_them_ranked_per_organisation(intake):
    coordinator, _programme, cohort = _setup(intake)
    skatt = intake.representative("arbetsgivarverket", "skatteverket")
    kammar = intake.representative("arbetsgivarverket", "kammarkollegiet")
    nominate = lambda token, name, rank: intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",  # noqa: E731
                                                     {"name": name, "email": f"{name.lower()}@example.se", "rank": rank,
                                                      "note": "Erfaren och engagerad."}, token)
    expect(nominate(skatt, "Karin", 2), 201)
    expect(nominate(skatt, "Lars", 1), 201)
    expect(nominate(kammar, "Maja", 1), 201)
    taken = expect(nominate(skatt, "Nils", 1), 409)
    assert "rank 1" in taken["message"]
    own = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, skatt), 200)
    assert [n["name"] for n in own] == ["Lars", "Karin"]
    everyone = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, coordinator), 200)
    assert [(n["organisation"], n["rank"]) for n in everyone] == [("kammarkollegiet", 1), ("skatteverket", 1), ("skatteverket", 2)]
    outsider = intake.representative("arbetsgivarverket", "forsakringskassan")
    expect(nominate(outsider, "Olle", 1), 403)


def test_nominations_after_the_deadline_are_refused(intake):
    _coordinator, _programme, cohort = _setup(intake)
    skatt = intake.representative("arbetsgivarverket", "skatteverket")
    clock.set(datetime(2027, 1, 11, 23, 0, tzinfo=UTC))
    late = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                              {"name": "Karin", "email": "karin@example.se", "rank": 1}, skatt), 409)
    assert late["message"] == "The nomination deadline has passed."
    assert intake.events("nomination.") == []


def test_an_accepted_nominations_link_opens_the_prefilled_mentor_form(intake):
    coordinator, _programme, cohort = _setup(intake)
    skatt = intake.representative("arbetsgivarverket", "skatteverket")
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": "Karin Berg", "email": "karin.berg@example.se", "rank": 1}, skatt), 201)
    accepted = expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
    assert accepted["status"] == "accepted"
    event = intake.events("nomination.accepted")[0]["data"]
    link = urlparse(event["form_link"])
    assert link.path == "/mentor-form"  # the form on the web front
    token = parse_qs(link.query)["token"][0]

    form = expect(intake.send("GET", f"/intake/public/mentor-form?token={token}", None, None), 200)
    assert form["prefilled"] == {"role": "mentor", "name": "Karin Berg", "email": "karin.berg@example.se", "locale": "sv"}
    assert (form["organisation"], form["organisation_id"]) == ("Skatteverket", "skatteverket") and form["consent_version"]

    body = {k: v for k, v in mentor(1).items() if k not in ("role", "name", "email")}
    application = expect(intake.send("POST", f"/intake/public/mentor-form?token={token}", body, None), 201)
    assert (application["name"], application["email"], application["nomination_id"]) == ("Karin Berg", "karin.berg@example.se", nomination["id"])
    listed = expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, coordinator), 200)
    assert listed[0]["application_id"] == application["id"]
    expect(intake.send("POST", f"/intake/public/mentor-form?token={token}", body, None), 409)
    assert intake.events("application.submitted")[0]["data"]["nomination_id"] == nomination["id"]


def test_a_declined_nomination_gets_no_form(intake):
    coordinator, _programme, cohort = _setup(intake)
    skatt = intake.representative("arbetsgivarverket", "skatteverket")
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": "Karin", "email": "karin@example.se", "rank": 1}, skatt), 201)
    expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "decline"}, coordinator), 200)
    assert [e["type"] for e in intake.events("nomination.")] == ["nomination.submitted.v1", "nomination.declined.v1"]
    expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 409)


def test_the_nomination_mail_names_the_organisation_as_people_know_it(intake):
    """Not "skv har nominerat dig": the nominee reads the member organisation's own name."""
    coordinator = intake.tenant("arbetsgivarverket")
    programme = intake.programme(coordinator, member_organisations=[{"id": "skv", "name": "Skatteverket"}])
    cohort = intake.cohort(coordinator, programme["id"], nomination_deadline="2027-01-11T22:59:00+00:00", open=False)
    skv = intake.representative("arbetsgivarverket", "skv")
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": "Karin Berg", "email": "karin.berg@example.se", "rank": 1}, skv), 201)
    expect(intake.send("POST", f"/intake/nominations/{nomination['id']}/decision", {"decision": "accept"}, coordinator), 200)
    event = parse_event(intake.events("nomination.accepted")[0])
    assert (event.loaded["organisation"], event.loaded["organisation_name"]) == ("skv", "Skatteverket")

    [message] = compose(event.type, event.loaded)
    for locale in ("sv", "en"):
        mail = render(message.kind, {**message.context, "name": "Karin Berg", "time_zone": "Europe/Stockholm",
                                     "unsubscribe_url": None, "contacts": []}, [locale])
        assert "Skatteverket" in mail.text and "Skatteverket" in mail.html, mail.text
        assert "skv " not in mail.text
