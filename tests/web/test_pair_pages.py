"""The pair's workspace — its page, the agreement and the meeting plan — through the web front's
own test client, against the embedded platform served on a local port (the ``tandem`` fixture):
a mentor and a mentee apply, matching pairs them, the coordinator approves, and each opens the
pages from the link scheduling e-mails them."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import icalendar
import pytest

from services.shared.contract.events import LOCALES
from tests.skeleton import applicant, eventually, expect, finished_run

HEADING = {"sv": "Ditt mentorskap med", "fi": "Mentorointisi:", "nb": "Mentorskapet ditt med", "en": "Your mentoring with"}


def text(answer) -> str:
    return answer.get_data(as_text=True)


def mentor(email: str, name: str) -> dict:
    return {**applicant(email), "role": "mentor", "name": name, "employer": "Riksbanken", "wished_profession": None,
            "profession": {"code": "2631", "title": "Nationalekonom"}, "capacity": 1,
            "languages": [{"language": "sv", "level": "native"}, {"language": "nb", "level": "C1"}]}


@pytest.fixture(scope="module")
def pairs(tandem):
    return confirmed_pairs(tandem)


def confirmed_pairs(tandem) -> list[dict]:
    """Two confirmed pairs of one cohort; for each, its id, names, and the mentee's and the
    mentor's links to the agreement as scheduling e-mailed them."""
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator)
    cohort = tandem.open_cohort(coordinator, programme, group_events=[
        {"kind": "training", "title": {"sv": "Utbildningsdag", "en": "Training day"}, "mandatory": True,
         "starts_at": "2027-02-10T09:00:00", "ends_at": "2027-02-10T16:00:00"}])
    run = uuid.uuid4().hex[:6]
    people = []
    for n in (1, 2):
        mentee = tandem.apply(cohort, f"mentee{n}-{run}@example.se", name=f"Amira Haddad {n}")
        mentor_ = expect(tandem.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                                     mentor(f"mentor{n}-{run}@example.se", f"Kari Nordmann {n}"), None), 201)
        people += [mentee, mentor_]
    eventually(lambda: _count(tandem.send("GET", f"/matching/cohorts/{cohort['id']}/candidates", None, coordinator)) == 4,
               what="the four candidates in matching")
    started = expect(tandem.send("POST", f"/matching/cohorts/{cohort['id']}/runs", {}, coordinator), 202)
    assert finished_run(tandem.send, started["id"], coordinator)["status"] == "succeeded"
    expect(tandem.send("POST", f"/matching/runs/{started['id']}/approve", None, coordinator), 200)
    found = []
    for application in people[::2]:
        mine = eventually(lambda a=application: (expect(tandem.send("GET", "/scheduling/mine", None, a["manage_token"]), 200)["pairs"]
                                                 or None), what="the pair in scheduling")
        pair = mine[0]
        mentee_email, mentor_email = _email(people, pair["mentee"]["application_id"]), _email(people, pair["mentor"]["application_id"])
        found.append({
            "id": pair["pair_id"], "mentee_name": pair["mentee"]["name"], "mentor_name": pair["mentor"]["name"],
            "mentee_manage_token": application["manage_token"],
            "mentee_email": mentee_email, "mentor_email": mentor_email,
            "mentee": _path(tandem, tandem.link_in_mail(mentee_email, f"/pairs/{pair['pair_id']}/agreement?token=")),
            "mentor": _path(tandem, tandem.link_in_mail(mentor_email, f"/pairs/{pair['pair_id']}/agreement?token="))})
    return found


def _count(answer) -> int:
    code, body = answer
    return len(body) if code == 200 else 0


def _email(people, application_id):
    return next(p["email"] for p in people if p["id"] == application_id)


def _path(tandem, link: str) -> str:
    assert link.startswith(tandem.url)
    return link.removeprefix(tandem.url)


def token_of(link: str) -> str:
    return urlsplit(link).query.split("token=")[1].split("&")[0]


def test_scheduling_mails_each_of_the_pair_a_link_to_the_agreement_on_the_web_front(web, pairs):
    first = pairs[0]
    for role in ("mentee", "mentor"):
        page = web.test_client().get(first[role] + "&lang=en")
        assert page.status_code == 200, text(page)
        assert "<h1>Your agreement</h1>" in text(page)


def test_a_paired_mentees_own_page_names_her_mentor_and_leads_to_the_pairs_page(web, pairs):
    client, first = web.test_client(), pairs[0]
    page = client.get(f"/applications/mine?token={first['mentee_manage_token']}&lang=en")
    assert page.status_code == 200, text(page)
    assert f"You have a pair: {first['mentor_name']}." in text(page)
    assert "We e-mail you when you have a match." not in text(page)
    link = re.search(r'href="(/pairs/[^"]+)"', text(page)).group(1).replace("&amp;", "&")
    assert link.startswith(f"/pairs/{first['id']}?token=")
    assert client.get(link + "&lang=en").status_code == 200


@pytest.mark.parametrize("lang", LOCALES)
def test_every_page_of_the_pair_speaks_each_language(web, pairs, lang):
    client, first = web.test_client(), pairs[0]
    token = token_of(first["mentee"])
    home = client.get(f"/pairs/{first['id']}?token={token}&lang={lang}")
    assert home.status_code == 200 and f'<html lang="{lang}">' in text(home)
    assert HEADING[lang] in text(home) and first["mentor_name"] in text(home)
    meeting_id = re.search(r'/meetings/([0-9a-f-]{36})\?token=', text(client.get(f"/pairs/{first['id']}/meetings?token={token}"))).group(1)
    for path in (f"/pairs/{first['id']}/agreement", f"/pairs/{first['id']}/agreement/sign", f"/pairs/{first['id']}/meetings",
                 f"/pairs/{first['id']}/agreement/versions/1", f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/held",
                 f"/meetings/{meeting_id}/missed"):
        page = client.get(f"{path}?token={token}&lang={lang}")
        assert page.status_code == 200, (path, text(page))
        assert f'<html lang="{lang}">' in text(page) and text(page).count("<h1") == 1


def test_without_a_choice_the_pairs_pages_speak_the_persons_own_language(web, pairs):
    first = pairs[0]
    page = web.test_client().get(first["mentor"], headers={"Accept-Language": "en"})  # the mentor applied in Swedish
    assert page.status_code == 200 and '<html lang="sv">' in text(page)
    assert "<h1>Er överenskommelse</h1>" in text(page)


def test_an_agreement_in_norwegian_signed_by_both_then_changed_becomes_a_new_version(web, tandem, pairs):
    pair = pairs[0]
    mentee, mentor_ = token_of(pair["mentee"]), token_of(pair["mentor"])
    client = web.test_client()
    form = {"version": "1", "goal_rows": "2", "language": "nb", "meeting_every_months": "1", "meeting_minutes": "90",
            "keep_in_touch": "Vi skriver på e-post annenhver uke.", "expectations-mentee": "Å forstå arbeidsmarkedet i Norden.",
            "goals-0-title": "Få en jobb som økonom", "goals-0-sub_goal_rows": "2",
            "goals-0-sub_goals-0-title": "Skrive en ny CV", "goals-0-sub_goals-0-due_on": "2027-03-01",
            "goals-0-sub_goals-1-title": "Søke fem stillinger", "goals-0-sub_goals-1-due_on": "2027-05-01",
            "goals-1-title": "Bygge et nettverk", "goals-1-sub_goal_rows": "2",
            "goals-1-sub_goals-0-title": "Gå på to bransjetreff", "goals-1-sub_goals-0-due_on": "2027-04-15",
            "goals-1-sub_goals-1-title": "Møte tre økonomer", "goals-1-sub_goals-1-due_on": "",
            "action": "save"}
    saved = client.post(f"/pairs/{pair['id']}/agreement?token={mentee}&lang=nb", data=form)
    assert saved.status_code == 302, text(saved)
    for token in (mentee, mentor_):
        page = client.get(f"/pairs/{pair['id']}/agreement/sign?token={token}&lang=nb")
        assert "Søke fem stillinger" in text(page) and "Møte tre økonomer" in text(page)
        signed = client.post(f"/pairs/{pair['id']}/agreement/sign?token={token}&lang=nb", data={"version": "1"})
        assert signed.status_code == 302, text(signed)
    in_force = expect(tandem.send("GET", f"/scheduling/pairs/{pair['id']}/agreement", None, mentee), 200)
    assert (in_force["version"], in_force["status"], in_force["language"]) == (1, "signed", "nb")
    assert [[s["title"] for s in g["sub_goals"]] for g in in_force["goals"]] == [
        ["Skrive en ny CV", "Søke fem stillinger"], ["Gå på to bransjetreff", "Møte tre økonomer"]]

    # the mentor changes a sub-goal after both signed: version 2, to sign again; version 1 stays as signed
    changed = client.post(f"/pairs/{pair['id']}/agreement?token={mentor_}&lang=nb", data={
        **form, "goals-1-sub_goals-1-title": "Møte fire økonomer", "expectations-mentor": "Å lære om nye perspektiver.",
        "expectations-mentee": ""})
    assert changed.status_code == 302, text(changed)
    latest = expect(tandem.send("GET", f"/scheduling/pairs/{pair['id']}/agreement", None, mentee), 200)
    assert (latest["version"], latest["status"], latest["in_force"]) == (2, "draft", 1)
    assert latest["expectations"] == {"mentee": "Å forstå arbeidsmarkedet i Norden.", "mentor": "Å lære om nye perspektiver."}
    first = client.get(f"/pairs/{pair['id']}/agreement/versions/1?token={mentee}&lang=nb")
    assert "Møte tre økonomer" in text(first) and "Møte fire økonomer" not in text(first)
    listed = text(client.get(f"/pairs/{pair['id']}/agreement?token={mentee}&lang=nb"))
    assert f"/pairs/{pair['id']}/agreement/versions/1?token=" in listed and "Signer versjon 2" in listed


def test_a_goal_row_is_added_without_javascript_and_a_date_outside_the_cohort_is_refused_beside_its_field(web, pairs):
    pair = pairs[1]
    token, client = token_of(pair["mentee"]), web.test_client()
    page = client.post(f"/pairs/{pair['id']}/agreement?token={token}&lang=en", data={
        "version": "1", "goal_rows": "2", "goals-0-title": "Find work", "action": "add_goal"})
    assert page.status_code == 200 and 'id="goals-2-title"' in text(page) and 'value="Find work"' in text(page)
    refused = client.post(f"/pairs/{pair['id']}/agreement?token={token}&lang=en", data={
        "version": "1", "goal_rows": "1", "goals-0-title": "Find work", "goals-0-sub_goal_rows": "1",
        "goals-0-sub_goals-0-title": "A new CV", "goals-0-sub_goals-0-due_on": "2028-01-01", "meeting_every_months": "1",
        "action": "save"})
    assert refused.status_code == 422
    assert '<a href="#goals-0-sub_goals-0-due_on">Choose a date within the cohort' in text(refused)
    assert 'id="goals-0-sub_goals-0-due_on-error"' in text(refused) and 'value="A new CV"' in text(refused)


def test_the_mentee_logs_meeting_3_as_held_and_the_pairs_calendar_holds_it(web, tandem, pairs):
    pair = pairs[1]
    token, client = token_of(pair["mentee"]), web.test_client()
    plan = text(client.get(f"/pairs/{pair['id']}/meetings?token={token}&lang=sv"))
    meeting_id = re.findall(r'/meetings/([0-9a-f-]{36})\?token=', plan)[2]
    missing = client.post(f"/meetings/{meeting_id}/held?token={token}&lang=en", data={"action_rows": "2", "action": "held"})
    assert missing.status_code == 422 and '<a href="#since_last_time">Write what has happened since last time.</a>' in text(missing), text(missing)[text(missing).find("<main"):]
    logged = client.post(f"/meetings/{meeting_id}/held?token={token}&lang=sv", data={
        "since_last_time": "Jag har skrivit om mitt CV.", "topic": "Arbetsmarknaden", "discussion": "Vi gick igenom annonser.",
        "next_steps": "Söka två tjänster.", "action_rows": "2",
        "actions-0-who": "mentee", "actions-0-what": "Söka två tjänster", "actions-0-by": "2027-04-30",
        "actions-1-who": "mentor", "actions-1-what": "Fråga en kollega om kontakter", "actions-1-by": "",
        "held_at": "2026-11-29", "held_at-time": "17:00", "action": "held"})
    assert logged.status_code == 302, text(logged)
    shown = text(client.get(logged.headers["Location"] + "&lang=sv"))
    assert "Jag har skrivit om mitt CV." in shown and "Fråga en kollega om kontakter" in shown
    assert '<dd id="status">Hållet</dd>' in shown

    issued = client.post(f"/pairs/{pair['id']}/calendar?token={token}&lang=sv")
    assert issued.status_code == 200
    feed = re.search(r'href="(http://[^"]+\.ics)" download', text(issued)).group(1)
    assert f'href="webcal://{feed.split("://")[1]}"' in text(issued)
    calendar = icalendar.Calendar.from_ical(_ics(feed))
    meetings = [e for e in calendar.walk("VEVENT") if "MENTORING" in str(e.get("CATEGORIES").to_ical())]
    assert [str(e["SUMMARY"]) for e in meetings] == [f"Mentorträff 3 med {pair['mentor_name']}"]
    assert meetings[0].decoded("DTSTART").isoformat() == "2026-11-29T17:00:00+01:00"


def _ics(url: str) -> bytes:
    from urllib.request import urlopen

    with urlopen(url, timeout=10) as answer:  # noqa: S310 (the local test server)
        return answer.read()


def test_the_mentee_of_one_pair_cannot_open_the_other_pairs_pages(web, pairs):
    ours, theirs = pairs
    token, client = token_of(ours["mentee"]), web.test_client()
    their_meeting = re.search(r'/meetings/([0-9a-f-]{36})\?token=', text(client.get(
        f"/pairs/{theirs['id']}/meetings?token={token_of(theirs['mentee'])}"))).group(1)
    for path in (f"/pairs/{theirs['id']}", f"/pairs/{theirs['id']}/agreement", f"/pairs/{theirs['id']}/meetings",
                 f"/pairs/{theirs['id']}/agreement/versions/1", f"/meetings/{their_meeting}", f"/meetings/{their_meeting}/held"):
        page = client.get(f"{path}?token={token}&lang=en")
        assert page.status_code == 404 and "<h1>This link is not yours</h1>" in text(page), path
    refused = client.post(f"/meetings/{their_meeting}/missed?token={token}&lang=en", data={"reason": "x"})
    assert refused.status_code == 404 and "This link is not yours" in text(refused)
    assert theirs["mentee_name"] not in text(refused)
    broken = client.get(f"/pairs/{ours['id']}?token=not-a-token&lang=en")
    assert broken.status_code == 404 and "<h1>This link does not work</h1>" in text(broken)


def _meeting_ids(client, pair: dict, token: str) -> list[str]:
    plan = text(client.get(f"/pairs/{pair['id']}/meetings?token={token}&lang=en"))
    return list(dict.fromkeys(re.findall(r'/meetings/([0-9a-f-]{36})\?token=', plan)))


def _calendar_methods(tandem, email: str) -> list[str]:
    """The METHOD of each calendar invitation e-mailed to ``email`` (the mailbox keeps each beside
    its message, named in ``X-Tandem-Calendar``)."""
    found = []
    for message in tandem.mail_to(email):
        if message["X-Tandem-Calendar"]:
            ics = (tandem.mbox.parent / message["X-Tandem-Calendar"]).read_text(encoding="utf-8")
            found += re.findall(r"^METHOD:(\w+)", ics, re.M)
    return found


def test_the_mentee_calls_a_set_meeting_off_after_a_confirmation_and_both_are_told(web, tandem, pairs):
    pair = pairs[0]
    token, client = token_of(pair["mentee"]), web.test_client()
    meeting_id = _meeting_ids(client, pair, token)[1]
    window = expect(tandem.send("GET", f"/scheduling/meetings/{meeting_id}", None, token), 200)["window_start"]
    assert client.get(f"/meetings/{meeting_id}/cancel?token={token}&lang=en").status_code == 302  # nothing set yet
    set_ = client.post(f"/meetings/{meeting_id}/when?token={token}&lang=en", data={
        "starts_at": window, "starts_at-time": "17:30", "mode": "online", "place": "", "action": "schedule"})
    assert set_.status_code == 302, text(set_)
    eventually(lambda: "REQUEST" in _calendar_methods(tandem, pair["mentor_email"]), what="the invitation to the mentor")

    shown = text(client.get(f"/meetings/{meeting_id}?token={token}&lang=en"))
    assert f'href="/meetings/{meeting_id}/cancel?token={token}"' in shown
    asked = client.get(f"/meetings/{meeting_id}/cancel?token={token}&lang=en")
    assert asked.status_code == 200 and "<h1>Call off meeting 2?</h1>" in text(asked)
    assert f"We send an e-mail to you and to {pair['mentor_name']} that the meeting is off." in text(asked)
    too_long = client.post(f"/meetings/{meeting_id}/cancel?token={token}&lang=en", data={"reason": "Sjuk. " * 80})
    assert too_long.status_code == 422 and '<a href="#reason">This is too long. Shorten it.</a>' in text(too_long)
    assert 'id="reason-error"' in text(too_long) and "Sjuk. Sjuk." in text(too_long)
    assert expect(tandem.send("GET", f"/scheduling/meetings/{meeting_id}", None, token), 200)["status"] == "scheduled"

    called_off = client.post(f"/meetings/{meeting_id}/cancel?token={token}&lang=en", data={"reason": "Jag är sjuk."})
    assert called_off.status_code == 302 and "cancelled=1" in called_off.headers["Location"], text(called_off)
    after = text(client.get(called_off.headers["Location"] + "&lang=en"))
    assert "The meeting is called off. We have sent you both an e-mail." in after
    assert '<dd id="status">Called off</dd>' in after and "<dd>Jag är sjuk.</dd>" in after
    assert "We have agreed: set this time" in after  # it can be set again
    for email in (pair["mentor_email"], pair["mentee_email"]):
        eventually(lambda e=email: "CANCEL" in _calendar_methods(tandem, e), what=f"the cancellation to {email}")
    again = client.post(f"/meetings/{meeting_id}/cancel?token={token}&lang=en", data={"reason": ""})
    assert again.status_code == 409 and "can no longer be called off" in text(again)


def test_the_mentee_withdraws_her_own_proposal_and_the_mentor_cannot(web, tandem, pairs):
    pair = pairs[0]
    mentee, mentor_, client = token_of(pair["mentee"]), token_of(pair["mentor"]), web.test_client()
    meeting_id = _meeting_ids(client, pair, mentee)[3]
    window = expect(tandem.send("GET", f"/scheduling/meetings/{meeting_id}", None, mentee), 200)["window_start"]
    proposed = client.post(f"/meetings/{meeting_id}/when?token={mentee}&lang=en", data={
        "starts_at": window, "starts_at-time": "18:00", "mode": "in_person", "place": "Stadsbiblioteket", "action": "propose"})
    assert proposed.status_code == 302, text(proposed)

    theirs = client.get(f"/meetings/{meeting_id}?token={mentor_}&lang=en")
    assert "/proposal/withdraw" not in text(theirs) and "Accept this time" in text(theirs)
    assert client.get(f"/meetings/{meeting_id}/proposal/withdraw?token={mentor_}&lang=en").status_code == 302
    refused = client.post(f"/meetings/{meeting_id}/proposal/withdraw?token={mentor_}&lang=en")
    assert refused.status_code == 409 and "There is no proposal of yours to withdraw" in text(refused)

    shown = text(client.get(f"/meetings/{meeting_id}?token={mentee}&lang=en"))
    assert f'href="/meetings/{meeting_id}/proposal/withdraw?token={mentee}"' in shown
    asked = client.get(f"/meetings/{meeting_id}/proposal/withdraw?token={mentee}&lang=en")
    assert asked.status_code == 200 and "<h1>Withdraw your proposal for meeting 4?</h1>" in text(asked)
    assert f"We do not send an e-mail when you withdraw it, so tell {pair['mentor_name']} yourself." in text(asked)
    withdrawn = client.post(f"/meetings/{meeting_id}/proposal/withdraw?token={mentee}&lang=en")
    assert withdrawn.status_code == 302 and "withdrawn=1" in withdrawn.headers["Location"], text(withdrawn)
    after = text(client.get(withdrawn.headers["Location"] + "&lang=en"))
    assert "Your proposal is withdrawn." in after and '<dd id="status">Not set yet</dd>' in after
    meeting = expect(tandem.send("GET", f"/scheduling/meetings/{meeting_id}", None, mentee), 200)
    assert (meeting["status"], meeting["proposal"]) == ("planned", None)


def test_the_agreement_takes_support_languages_and_planned_dates_and_keeps_them_when_refused(web, tandem, pairs):
    pair = pairs[1]
    token, client = token_of(pair["mentee"]), web.test_client()
    page = text(client.get(f"/pairs/{pair['id']}/agreement?token={token}&lang=en"))
    drafted = expect(tandem.send("GET", f"/scheduling/pairs/{pair['id']}/agreement", None, token), 200)
    assert drafted["planned_dates"] and f'value="{drafted["planned_dates"][0]}"' in page  # the plan's suggested dates
    assert 'id="support_languages-0"' in page and 'id="support_languages-1"' in page
    rows = len(drafted["planned_dates"]) + 1
    form = {"version": str(drafted["version"]), "goal_rows": "1", "goals-0-title": "Find work", "goals-0-sub_goal_rows": "1",
            "goals-0-sub_goals-0-title": "A new CV", "goals-0-sub_goals-0-due_on": "2027-03-01", "language": "sv",
            "meeting_every_months": "1", "meeting_minutes": "90", "support_rows": "2", "support_languages-0": "ar",
            "support_languages-1": "", "date_rows": str(rows), "action": "save",
            **{f"planned_dates-{i}": day for i, day in enumerate(drafted["planned_dates"])},
            f"planned_dates-{rows - 1}": "2027-08-20"}
    form["planned_dates-1"] = "2028-01-10"
    refused = client.post(f"/pairs/{pair['id']}/agreement?token={token}&lang=en", data=form)
    assert refused.status_code == 422, text(refused)
    assert '<a href="#planned_dates-1">Choose a date within the cohort' in text(refused)
    assert 'id="planned_dates-1-error"' in text(refused) and 'value="2028-01-10"' in text(refused)
    assert '<option value="ar" selected>' in text(refused) and 'value="2027-08-20"' in text(refused)

    added = client.post(f"/pairs/{pair['id']}/agreement?token={token}&lang=en", data={**form, "action": "add_date"})
    assert added.status_code == 200 and f'id="planned_dates-{rows}"' in text(added) and 'value="2028-01-10"' in text(added)

    form["planned_dates-1"] = ""  # left empty: taken out
    saved = client.post(f"/pairs/{pair['id']}/agreement?token={token}&lang=en", data=form)
    assert saved.status_code == 302, text(saved)
    latest = expect(tandem.send("GET", f"/scheduling/pairs/{pair['id']}/agreement", None, token), 200)
    assert latest["support_languages"] == ["ar"]
    assert latest["planned_dates"] == [drafted["planned_dates"][0], *drafted["planned_dates"][2:], "2027-08-20"]
    signing = text(client.get(f"/pairs/{pair['id']}/agreement/sign?token={token}&lang=en"))
    assert "Arabic" in signing and "Planned meeting dates" in signing


def test_a_partner_whose_data_was_erased_is_a_former_participant_on_the_pairs_pages(web, tandem):
    ours, _theirs = confirmed_pairs(tandem)
    coordinator = list(tandem.tenants)[-1]  # confirmed_pairs' coordinator, the newest
    expect(tandem.send("POST", "/intake/erasures", {"email": ours["mentee_email"]}, coordinator), 201)
    client = web.test_client()
    token = token_of(ours["mentor"])

    def shown():
        page = text(client.get(f"/pairs/{ours['id']}?token={token}&lang=sv"))
        return page if "en tidigare deltagare" in page else None

    page = eventually(shown, what="the erased mentee on the mentor's pair page")
    assert ours["mentee_name"] not in page and ">erased<" not in page
    agreement = text(client.get(f"/pairs/{ours['id']}/agreement?token={token}&lang=en"))
    assert "a former participant" in agreement and ours["mentee_name"] not in agreement

