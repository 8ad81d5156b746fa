"""The console's programmes and cohorts through the web front's test client: a coordinator creates a
programme with its professions and required mentor languages, changes its meeting plan (moving a
meeting up without saving first), its matching, messages, contacts and surveys, pauses, resumes and
closes it; creates a cohort with group events in its own time zone, sees the API's refusals beside
the fields, and opens, closes, starts and finishes it after a page that says what each sends.
Another tenant's coordinator gets 404 on every address."""

from __future__ import annotations

import re

import pytest

from tests.skeleton import expect

from .console import coordinator, sign_in

PROFESSIONS = ["Nationalekonomer (2631)", "Jurister (2611)", "Revisorer (2411)", "Systemanalytiker (2511)",
               "Statistiker (2120)"]


def text(answer) -> str:
    return answer.get_data(as_text=True)


def basics(**extra) -> dict:
    form = {"name-sv": "Mentorprogram våren", "name-en": "Spring mentoring", "description-sv": "För akademiker.",
            "locale": "sv", "languages": ["sv", "en"], "required_mentor_languages": ["sv", "en"],
            "duration_months": "6", "meeting_every_months": "1", "meeting_minutes": "120"}
    form.update({f"professions-{i}": p for i, p in enumerate(PROFESSIONS)})
    form.update(extra)
    return form


@pytest.fixture(scope="module")
def signed_in(tandem, web):
    person = coordinator(tandem, "en")
    client = web.test_client()
    sign_in(tandem, client, person)
    return person, client


@pytest.fixture(scope="module")
def programme(tandem, signed_in):
    person, client = signed_in
    answer = client.post("/console/programmes/new?lang=en", data=basics())
    assert answer.status_code == 302, text(answer)[:2000]
    programme_id = re.search(r"/console/programmes/([0-9a-f-]{36})", answer.headers["Location"]).group(1)
    return expect(tandem.send("GET", f"/intake/programmes/{programme_id}", None, person.token), 200)


def test_a_new_programme_has_its_professions_languages_and_the_six_step_plan(tandem, signed_in, programme):
    person, client = signed_in
    assert [p["code"] for p in programme["professions"]] == ["2631", "2611", "2411", "2511", "2120"]
    assert programme["required_mentor_languages"] == ["sv", "en"]
    assert programme["name"] == {"sv": "Mentorprogram våren", "en": "Spring mentoring"}
    assert len(programme["meeting_plan"]) == 6
    page = text(client.get(f"/console/programmes/{programme['id']}?lang=en"))
    assert "Spring mentoring" in page and page.count('<ol class="plan-summary">') == 1
    assert "Swedish" in page and "Jurister" in page
    listed = text(client.get("/console/programmes?lang=en"))
    assert "Spring mentoring" in listed


def test_a_refused_programme_comes_back_with_what_was_typed_and_errors_beside_the_fields(signed_in):
    _, client = signed_in
    answer = client.post("/console/programmes/new?lang=en", data=basics(**{
        "name-sv": "", "name-en": "", "duration_months": "99", "professions-0": "Nothing like this"}))
    assert answer.status_code == 422
    page = text(answer)
    assert 'id="name-error"' in page and "Write the text in at least one language." in page
    assert 'id="duration_months-error"' in page and "Enter a number from 1 to 36." in page
    assert 'id="professions-0-error"' in page
    assert 'value="Jurister (2611)"' in page and 'value="99"' in page


def test_the_meeting_plan_moves_a_meeting_up_without_saving_then_saves(tandem, signed_in, programme):
    person, client = signed_in
    page = text(client.get(f"/console/programmes/{programme['id']}/plan?lang=en"))
    assert "Applies at once to every cohort that has opened" in page
    form = {}
    for i, topic in enumerate(programme["meeting_plan"]):
        for code in ("sv", "fi", "nb", "en"):
            form[f"plan-{i}-title-{code}"] = topic["title"][code]
            form[f"plan-{i}-checklist-{code}"] = "\n".join(item[code] for item in topic["checklist"])
    moved = client.post(f"/console/programmes/{programme['id']}/plan?lang=en", data={**form, "action": "up-plan-1"})
    assert moved.status_code == 200
    page = text(moved)
    assert page.index(programme["meeting_plan"][1]["title"]["en"]) < page.index(programme["meeting_plan"][0]["title"]["en"])
    unchanged = expect(tandem.send("GET", f"/intake/programmes/{programme['id']}", None, person.token), 200)
    assert unchanged["meeting_plan"] == programme["meeting_plan"]
    form["plan-1-title-en"], form["plan-0-title-en"] = form["plan-0-title-en"], form["plan-1-title-en"]
    form["plan-0-checklist-en"] += "\nBring your CV"
    assert client.post(f"/console/programmes/{programme['id']}/plan", data={**form, "action": "save"}).status_code == 302
    saved = expect(tandem.send("GET", f"/intake/programmes/{programme['id']}", None, person.token), 200)
    assert saved["meeting_plan"][0]["title"]["en"] == programme["meeting_plan"][1]["title"]["en"]
    assert saved["meeting_plan"][0]["checklist"][-1] == {"en": "Bring your CV"}


def test_matching_messages_contacts_and_surveys_are_saved(tandem, signed_in, programme):
    person, client = signed_in
    pid = programme["id"]
    weights = {f"weights-{k}": "3" for k in ("profession", "education_field", "sector", "location", "mother_tongue",
                                             "experience", "interests")}
    assert client.post(f"/console/programmes/{pid}/matching", data={**weights, "weights-profession": "10",
                                                                     "matching_mode": "stable", "match_when_closed": "yes"}).status_code == 302
    assert client.post(f"/console/programmes/{pid}/messages", data={
        "reminder_days": "5, 1", "share_contact_details": ["email", "phone"], "messages-meeting_reminder": "yes"}).status_code == 302
    assert client.post(f"/console/programmes/{pid}/contacts", data={
        "contacts-0-name": "Eva Berg", "contacts-0-email": "eva@example.se", "contacts-0-phone": "", "contacts-0-role": "",
        "orgs-0-id": "skatteverket", "orgs-0-name": "Skatteverket"}).status_code == 302
    refused = client.post(f"/console/programmes/{pid}/contacts?lang=en", data={
        "contacts-0-name": "Eva Berg", "contacts-0-email": "not-an-address", "orgs-0-id": "Bad Id", "orgs-0-name": "X"})
    assert refused.status_code == 422
    assert 'id="contacts-0-email-error"' in text(refused) and 'id="orgs-0-id-error"' in text(refused)
    form = {"min_report_group": "3", "midpoint-0-id": "helped", "midpoint-0-kind": "yes_no", "midpoint-0-roles": ["mentee"],
            "midpoint-0-text-en": "Did your mentor help?", "closing-0-id": "job", "closing-0-kind": "choice",
            "closing-0-roles": ["mentee", "mentor"], "closing-0-choices": "Yes\nNo\nNot yet", "closing-0-text-sv": "Jobb?"}
    assert client.post(f"/console/programmes/{pid}/surveys", data=form).status_code == 302
    saved = expect(tandem.send("GET", f"/intake/programmes/{pid}", None, person.token), 200)
    assert saved["matching_mode"] == "stable" and saved["match_when_closed"] and saved["matching_weights"]["profession"] == 10
    assert saved["reminder_days"] == [5, 1] and saved["share_contact_details"] == ["email", "phone"]
    assert saved["messages"]["meeting_nudge"] is False and saved["messages"]["meeting_reminder"] is True
    assert saved["contacts"][0]["email"] == "eva@example.se"
    assert saved["member_organisations"] == [{"id": "skatteverket", "name": "Skatteverket"}]
    assert saved["surveys"]["closing"][0]["choices"] == ["Yes", "No", "Not yet"] and saved["min_report_group"] == 3


def test_pause_with_a_notice_resume_and_close(tandem, signed_in):
    person, client = signed_in
    made = tandem.programme(person.token)
    pid = made["id"]
    assert client.post(f"/console/programmes/{pid}/pause", data={"notice-sv": "Vi gör en paus.", "notice-en": "A break."}).status_code == 302
    paused = expect(tandem.send("GET", f"/intake/programmes/{pid}", None, person.token), 200)
    assert paused["status"] == "paused" and paused["notice"]["sv"] == "Vi gör en paus."
    confirm = text(client.get(f"/console/programmes/{pid}/status/resume?lang=en"))
    assert "Nobody gets a message." in confirm
    assert client.post(f"/console/programmes/{pid}/status/resume").status_code == 302
    assert expect(tandem.send("GET", f"/intake/programmes/{pid}", None, person.token), 200)["status"] == "open"
    assert client.post(f"/console/programmes/{pid}/status/close").status_code == 302
    assert expect(tandem.send("GET", f"/intake/programmes/{pid}", None, person.token), 200)["status"] == "closed"


def cohort_form(**extra) -> dict:
    form = {"name": "Våren 2027", "time_zone": "Europe/Stockholm", "starts_on": "2027-02-01", "ends_on": "2027-08-31",
            "nomination_deadline": "2027-01-15T16:00", "application_deadline": "2027-01-20T23:59",
            "mentee_places": "20", "mentor_places": "", "admission": "first_come",
            "events-0-id": "", "events-0-kind": "training", "events-0-title-sv": "Internatutbildning",
            "events-0-starts_at": "2027-02-03T10:00", "events-0-ends_at": "2027-02-04T12:30", "events-0-venue": "Sigtuna",
            "events-0-mandatory": "yes",
            "events-1-id": "", "events-1-kind": "half_day", "events-1-starts_at": "2027-03-10T08:30",
            "events-1-ends_at": "2027-03-10T12:00", "events-1-venue": "Stockholm", "events-1-mandatory": "yes"}
    form.update(extra)
    return form


@pytest.fixture(scope="module")
def cohort_id(signed_in, programme):
    _, client = signed_in
    answer = client.post(f"/console/programmes/{programme['id']}/cohorts/new?lang=en", data=cohort_form())
    assert answer.status_code == 302, text(answer)[:3000]
    return re.search(r"/console/cohorts/([0-9a-f-]{36})", answer.headers["Location"]).group(1)


def test_a_cohort_keeps_its_group_events_in_its_own_time_zone(tandem, signed_in, cohort_id):
    person, client = signed_in
    found = expect(tandem.send("GET", f"/intake/cohorts/{cohort_id}", None, person.token), 200)
    assert found["status"] == "draft" and found["mentee_places"] == 20
    training, half_day = found["group_events"]
    assert training["starts_at"].startswith("2027-02-03T09:00") and training["ends_at"].startswith("2027-02-04T11:30")
    assert half_day["mandatory"] and training["title"] == {"sv": "Internatutbildning"}
    assert found["nomination_deadline"].startswith("2027-01-15T15:00")
    page = text(client.get(f"/console/cohorts/{cohort_id}?lang=en"))
    assert f"/cohorts/{cohort_id}" in page and "Copy the address" in page
    for area in ("applications", "matching", "pairs", "events", "outcomes", "announcements"):
        assert f"/console/cohorts/{cohort_id}/{area}" in page
    edit = text(client.get(f"/console/cohorts/{cohort_id}/edit?lang=en"))
    assert 'value="2027-02-03T10:00"' in edit and 'value="2027-01-15T16:00"' in edit


def test_a_refused_cohort_shows_errors_beside_the_fields(signed_in, programme):
    _, client = signed_in
    answer = client.post(f"/console/programmes/{programme['id']}/cohorts/new?lang=en", data=cohort_form(
        name="", starts_on="2026-01-01", **{"events-1-ends_at": "2027-03-10T08:00"}))
    assert answer.status_code == 422
    page = text(answer)
    assert 'id="name-error"' in page
    assert 'id="events-1-ends_at-error"' in page or 'id="starts_on-error"' in page
    assert 'value="Sigtuna"' in page


def test_open_close_start_and_finish_each_say_what_they_send_first(tandem, signed_in, cohort_id):
    person, client = signed_in
    for step, status in (("open", "open"), ("close", "closed"), ("start", "running"), ("finish", "finished")):
        confirm = text(client.get(f"/console/cohorts/{cohort_id}/status/{step}?lang=en"))
        assert "e-mail" in confirm and "webhooks" in confirm, step
        assert client.post(f"/console/cohorts/{cohort_id}/status/{step}").status_code == 302
        assert expect(tandem.send("GET", f"/intake/cohorts/{cohort_id}", None, person.token), 200)["status"] == status
    late = client.post(f"/console/cohorts/{cohort_id}/status/open?lang=en")
    assert late.status_code == 409


def test_a_cohort_edit_adds_an_event_row_without_saving(signed_in, cohort_id, programme):
    _, client = signed_in
    answer = client.post(f"/console/programmes/{programme['id']}/cohorts/new?lang=en",
                         data=cohort_form(action="add-events"))
    assert answer.status_code == 200 and 'name="events-2-starts_at"' in text(answer)


def test_another_tenants_coordinator_gets_404(tandem, web, programme, cohort_id):
    other = coordinator(tandem)
    client = web.test_client()
    sign_in(tandem, client, other)
    for path in (f"/console/programmes/{programme['id']}", f"/console/programmes/{programme['id']}/plan",
                 f"/console/programmes/{programme['id']}/cohorts/new", f"/console/programmes/{programme['id']}/status/close",
                 f"/console/cohorts/{cohort_id}", f"/console/cohorts/{cohort_id}/edit", f"/console/cohorts/{cohort_id}/status/open"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/console/programmes/{programme['id']}/status/close").status_code == 404
    assert client.post(f"/console/cohorts/{cohort_id}/status/open").status_code == 404
