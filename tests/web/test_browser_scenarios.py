"""The issue's scenarios for the people around a pair, walked through the pages in a real browser
(Debian's Chromium): a representative signs in from the mailbox and nominates two mentors with
ranks, and the nominee the coordinator accepts completes the prefilled mentor form; a pair writes
an agreement in Norwegian, both sign, and a later change leaves the signed version as it was; the
mentee logs meeting 3 with its checklist and finds it in the pair's calendar; and one pair's
mentee cannot open the other pair's pages with her own link.

The coordinator's part (accepting a nomination, approving a match) goes through the API, as the
issue allows; everything the people themselves do is clicks and typing on the pages."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path

import icalendar
import pytest

from tests.skeleton import expect

from .browser import DESKTOP, check_page, heading, language
from .test_browser import said
from .test_pair_pages import confirmed_pairs, token_of
from .test_sign_in_pages import invite, new_link, sign_in_links


@contextmanager
def someone_else(browser):
    """Another person's own browser: no cookie or language of the first person's carries over. What
    goes wrong on the way is recorded, as the ``page`` fixture does."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    try:
        opened = context.new_page()
        opened.problems = []
        opened.on("pageerror", lambda e: opened.problems.append(str(e)))
        opened.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
                  and not r.url.endswith("/favicon.ico") and opened.problems.append(f"{r.status} {r.url}"))
        yield opened
    finally:
        context.close()


def click(page, role: str, name: str) -> None:
    """Press a button or follow a link by what it says, and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


# --- 1. a representative nominates; a nominee completes the prefilled form ------------------------


def sign_in(tandem, page, email: str) -> None:
    """Ask for a link on the sign-in page, open the newest one in the mailbox, press the button."""
    known = len(sign_in_links(tandem, email))
    page.goto(f"{tandem.url}/sign-in?lang=en")
    page.fill("#email", email)
    click(page, "button", said("en", "Send me a sign-in link"))
    assert heading(page) == said("en", "Check your e-mail")
    page.goto(tandem.url + new_link(tandem, email, known))
    click(page, "button", said("en", "Sign in"))
    assert heading(page) == said("en", "You are signed in")


def nominate(page, name: str, email: str, rank: int, locale: str) -> None:
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#rank", str(rank))
    page.select_option("#locale", locale)
    page.fill("#note", "Leder vårt nätverk för ekonomer.")
    click(page, "button", said("en", "Nominate"))


def fill_mentor_form(page) -> None:
    """The nominee's own answers; name and e-mail come from the nomination."""
    page.fill("#city", "Uppsala")
    page.select_option("#languages-0-language", "sv")
    page.select_option("#languages-0-level", "native")
    page.select_option("#languages-1-language", "en")
    page.select_option("#languages-1-level", "C1")
    page.check("#mentoring_languages")  # the cohort's first language, Swedish
    page.fill("#profession", "Nationalekonomer (2631)")
    page.fill("#employer", "Riksbanken")
    page.select_option("#capacity", "2")
    page.fill("#education_field", "Nationalekonomi")
    page.select_option("#education_level", "doctoral")
    page.select_option("#education_country", "SE")
    page.fill("#experience_years", "15")
    page.check("#remote_ok")
    page.check("#consent")


def test_a_representative_nominates_two_mentors_with_ranks_and_the_accepted_one_completes_the_prefilled_form(
        tandem, page, browser):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    cohort = tandem.open_cohort(coordinator, programme, nomination_deadline="2027-01-15T16:00:00+00:00")
    sign_in(tandem, page, invite(tandem, coordinator))

    page.goto(f"{tandem.url}/nominations/{cohort['id']}?lang=en")
    assert heading(page) == f"{said('en', 'Nominate mentors')}: {cohort['name']}"
    run = uuid.uuid4().hex[:6]
    nominees = [("Karin Berg", f"karin-{run}@example.se", "sv"), ("Juha Virtanen", f"juha-{run}@example.fi", "fi")]
    for rank, (name, email, locale) in enumerate(nominees, start=1):
        nominate(page, name, email, rank, locale)
        assert said("en", "We have saved your nomination. The coordinator decides on it.") in page.inner_text("main")
    listed = page.locator("ol.nominations li").all_inner_texts()
    assert [line.splitlines()[0] for line in listed] == [
        f"{said('en', 'Rank %(rank)s') % {'rank': 1}}: Karin Berg ({nominees[0][1]})",
        f"{said('en', 'Rank %(rank)s') % {'rank': 2}}: Juha Virtanen ({nominees[1][1]})"]
    assert all(said("en", "Waiting for the coordinator") in line for line in listed)

    # the coordinator accepts the first-ranked nominee (through the API); the page says so
    nominations = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/nominations", None, coordinator), 200)
    karin = next(n for n in nominations if n["email"] == nominees[0][1])
    expect(tandem.send("POST", f"/intake/nominations/{karin['id']}/decision", {"decision": "accept"}, coordinator), 200)
    page.reload()
    listed = page.locator("ol.nominations li").all_inner_texts()
    assert said("en", "Accepted: we have sent them the mentor form") in listed[0]
    assert said("en", "Waiting for the coordinator") in listed[1]
    check_page(page, "nominations-accepted")
    assert not page.problems, page.problems

    # Karin opens the mentor form from her own e-mail, in her own browser and language
    link = tandem.link_in_mail(nominees[0][1], "/mentor-form?token=")
    with someone_else(browser) as karins:
        karins.goto(link)
        assert language(karins) == "sv" and heading(karins) == said("sv", "Your mentor form")
        prefilled = karins.inner_text("main dl.summary")
        assert "Karin Berg" in prefilled and nominees[0][1] in prefilled
        assert karins.input_value("#locale") == "sv"
        lead = karins.inner_text("main .lead")
        assert "Mentorprogram för utrikes födda akademiker" in lead and cohort["name"] in lead
        fill_mentor_form(karins)
        check_page(karins, "mentor-form-filled")
        click(karins, "button", said("sv", "Send my mentor form"))
        assert heading(karins) == said("sv", "Application sent")
        assert "/applications/mine?token=" in karins.url
        assert said("sv", "Mentor") in karins.inner_text("main dl.summary")
        check_page(karins, "mentor-form-sent")

        karins.goto(link)  # the same link later: the form is sent, not a second application
        assert heading(karins) == said("sv", "You have sent your mentor form")
        assert not karins.problems, karins.problems

    mentors = expect(tandem.send("GET", f"/intake/cohorts/{cohort['id']}/applications?role=mentor", None, coordinator), 200)
    assert [(m["name"], m["email"]) for m in mentors] == [("Karin Berg", nominees[0][1])]
    application = mentors[0]
    assert application["employer"] == "Riksbanken" and application["capacity"] == 2
    assert application["profession"]["code"] == "2631"


def test_the_mentor_form_names_the_organisation_that_nominated_them(tandem, page):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    cohort = tandem.open_cohort(coordinator, programme, nomination_deadline="2027-01-15T16:00:00+00:00")
    page.goto(tandem.nominee_link(coordinator, cohort, "akavia", "Karin Berg", f"karin-{uuid.uuid4().hex[:6]}@example.se"))
    assert page.inner_text("main .lead").startswith("Akavia ")


# --- 2.–4. the pair's workspace ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pairs(tandem):
    """Two confirmed pairs of one cohort (the coordinator approved the match through the API)."""
    return confirmed_pairs(tandem)


GOALS = [("Få en jobb som økonom", [("Skrive en ny CV", "2027-03-01"), ("Søke fem stillinger", "2027-05-01")]),
         ("Bygge et nettverk", [("Gå på to bransjetreff", "2027-04-15"), ("Møte tre økonomer", "")])]


def test_a_pair_writes_an_agreement_in_norwegian_both_sign_and_a_later_change_leaves_the_signed_version(
        tandem, page, browser, pairs):
    pair = pairs[0]
    page.goto(f"{tandem.url}{pair['mentee']}&lang=nb")
    assert language(page) == "nb" and heading(page) == said("nb", "Your agreement")
    for i, (goal, subs) in enumerate(GOALS):
        page.fill(f"#goals-{i}-title", goal)
        for j, (title, due) in enumerate(subs):
            page.fill(f"#goals-{i}-sub_goals-{j}-title", title)
            if due:
                page.fill(f"#goals-{i}-sub_goals-{j}-due_on", due)
    page.select_option("#language", "nb")
    page.select_option("#meeting_every_months", "1")
    page.fill("#meeting_minutes", "90")
    page.fill("#keep_in_touch", "Vi skriver på e-post annenhver uke.")
    page.fill("#expectations-mentee", "Å forstå arbeidsmarkedet i Norden.")
    click(page, "button", said("nb", "Save the agreement"))
    assert said("nb", "Your change is saved.") in page.inner_text("main")

    # the mentee signs version 1 after reading it
    click(page, "link", said("nb", "Sign version %(number)s") % {"number": 1})
    assert heading(page) == said("nb", "Sign the agreement?")
    terms = page.inner_text("main")
    for goal, subs in GOALS:
        assert goal in terms and all(title in terms for title, _ in subs)
    assert "Vi skriver på e-post annenhver uke." in terms
    click(page, "button", said("nb", "Yes, I sign version %(number)s") % {"number": 1})
    assert said("nb", "You have signed the agreement.") in page.inner_text("main")

    with someone_else(browser) as mentor:
        # the mentor, from their own link, signs the same version
        mentor.goto(f"{tandem.url}{pair['mentor']}&lang=nb")
        click(mentor, "link", said("nb", "Sign version %(number)s") % {"number": 1})
        assert "Møte tre økonomer" in mentor.inner_text("main")
        click(mentor, "button", said("nb", "Yes, I sign version %(number)s") % {"number": 1})
        assert said("nb", "signed by both of you") in mentor.inner_text("main .lead")
        click(mentor, "link", said("nb", "Version %(number)s") % {"number": 1})
        assert heading(mentor) == said("nb", "Agreement, version %(number)s") % {"number": 1}
        signed = mentor.inner_text("main")
        assert said("nb", "It applies now.") in signed
        check_page(mentor, "agreement-signed-nb")

        # later the mentor changes a sub-goal: a new version to sign; the signed one stays as it was
        mentor.goto(f"{tandem.url}{pair['mentor']}&lang=nb")
        mentor.fill("#goals-1-sub_goals-1-title", "Møte fire økonomer")
        mentor.fill("#expectations-mentor", "Å lære om nye perspektiver.")
        click(mentor, "button", said("nb", "Save the agreement"))
        lead = mentor.inner_text("main .lead")
        assert lead.startswith(said("nb", "Version %(number)s") % {"number": 2})
        assert said("nb", "waiting for signatures") in lead
        assert mentor.input_value("#goals-1-sub_goals-1-title") == "Møte fire økonomer"
        check_page(mentor, "agreement-new-version-nb")
        click(mentor, "link", said("nb", "Version %(number)s") % {"number": 1})
        assert mentor.inner_text("main") == signed
        assert "Møte tre økonomer" in signed and "Møte fire økonomer" not in signed
        assert not mentor.problems, mentor.problems

    # the mentee finds both versions: the signed one unchanged, the new one to sign
    page.goto(f"{tandem.url}/pairs/{pair['id']}/agreement/versions/2?token={token_of(pair['mentee'])}")
    assert "Møte fire økonomer" in page.inner_text("main")
    assert said("nb", "This version waits for signatures.") in page.inner_text("main .lead")
    page.goto(f"{tandem.url}/pairs/{pair['id']}/agreement/versions/1?token={token_of(pair['mentee'])}")
    shown = page.inner_text("main")
    for goal, subs in GOALS:
        assert goal in shown and all(title in shown for title, _ in subs)
    assert "Møte fire økonomer" not in shown and "Å lære om nye perspektiver." not in shown
    assert not page.problems, page.problems


def test_the_mentee_logs_meeting_3_as_held_with_the_checklist_and_the_pairs_calendar_holds_it(tandem, page, pairs):
    pair = pairs[1]
    token = token_of(pair["mentee"])
    page.goto(f"{tandem.url}/pairs/{pair['id']}/meetings?token={token}&lang=sv")
    with page.expect_navigation():
        page.locator("ol.meetings li.meeting").nth(2).locator("h2 a").click()
    assert heading(page).startswith(said("sv", "Meeting %(number)s: %(topic)s").split("%(number)s")[0] + "3")
    click(page, "link", said("sv", "We met: fill in the checklist"))
    assert heading(page) == said("sv", "Meeting %(number)s: what you did") % {"number": 3}

    page.fill("#since_last_time", "Jag har skrivit om mitt CV.")
    page.fill("#topic", "Arbetsmarknaden för ekonomer")
    page.fill("#discussion", "Vi gick igenom tre annonser.")
    page.fill("#next_steps", "Söka två tjänster.")
    page.select_option("#actions-0-who", "mentee")
    page.fill("#actions-0-what", "Söka två tjänster")
    page.fill("#actions-0-by", "2027-04-30")
    page.select_option("#actions-1-who", "mentor")
    page.fill("#actions-1-what", "Fråga en kollega om kontakter")
    page.fill("#held_at", "2026-11-29")
    page.fill("#held_at-time", "17:00")
    click(page, "button", said("sv", "Save: we met"))

    assert page.inner_text("#status") == said("sv", "Held")
    notes = page.inner_text("main")
    for typed in ("Jag har skrivit om mitt CV.", "Arbetsmarknaden för ekonomer", "Vi gick igenom tre annonser.",
                  "Söka två tjänster.", "Fråga en kollega om kontakter"):
        assert typed in notes, typed
    assert "17:00" in notes  # the time they met, in the cohort's time zone

    # from the meeting plan back to the pair's page, where the calendar link is offered
    click(page, "link", said("sv", "Back to the meeting plan"))
    assert said("sv", "Held") in page.locator("ol.meetings li.meeting").nth(2).inner_text()
    click(page, "link", said("sv", "Back to your mentoring"))
    click(page, "button", said("sv", "Get my calendar link"))
    subscribe = page.get_by_role("link", name=said("sv", "Subscribe in your calendar")).get_attribute("href")
    download = page.get_by_role("link", name=said("sv", "Download the calendar file (.ics)"))
    feed = download.get_attribute("href")
    assert feed.startswith(tandem.url) and feed.endswith(".ics")
    assert subscribe == "webcal://" + feed.split("://", 1)[1]
    check_page(page, "pair-calendar-link")
    with page.expect_download() as downloading:
        download.click()
    calendar = icalendar.Calendar.from_ical(Path(downloading.value.path()).read_bytes())
    meetings = [e for e in calendar.walk("VEVENT") if "MENTORING" in str(e.get("CATEGORIES").to_ical())]
    assert [str(e["SUMMARY"]) for e in meetings] == [f"Mentorträff 3 med {pair['mentor_name']}"]
    assert meetings[0].decoded("DTSTART").isoformat() == "2026-11-29T17:00:00+01:00"
    assert not page.problems, page.problems


def test_the_mentee_of_pair_1_cannot_open_pair_2s_pages_with_her_own_link(tandem, page, pairs):
    ours, theirs = pairs
    their_token = token_of(theirs["mentee"])
    secret = f"Hemligt för par 2 {uuid.uuid4().hex[:6]}"
    current = expect(tandem.send("GET", f"/scheduling/pairs/{theirs['id']}/agreement", None, their_token), 200)
    expect(tandem.send("PATCH", f"/scheduling/pairs/{theirs['id']}/agreement", {
        "based_on_version": current["version"], "keep_in_touch": secret, "goals": [{"title": secret, "sub_goals": []}]},
        their_token), 200)
    # pair 2's own mentee sees its pages, and the meeting links on them
    page.goto(f"{tandem.url}/pairs/{theirs['id']}/meetings?token={their_token}&lang=en")
    their_meeting = page.locator("ol.meetings li.meeting h2 a").first.get_attribute("href").split("?")[0]
    page.goto(f"{tandem.url}/pairs/{theirs['id']}/agreement?token={their_token}&lang=en")
    assert page.input_value("#keep_in_touch") == secret

    mine = token_of(ours["mentee"])
    page.goto(f"{tandem.url}/pairs/{ours['id']}?token={mine}&lang=en")  # her own pair opens
    assert theirs["mentor_name"] not in page.inner_text("main")
    for path in (f"/pairs/{theirs['id']}", f"/pairs/{theirs['id']}/agreement", f"/pairs/{theirs['id']}/agreement/sign",
                 f"/pairs/{theirs['id']}/agreement/versions/1", f"/pairs/{theirs['id']}/meetings", their_meeting,
                 f"{their_meeting}/held", f"{their_meeting}/missed"):
        answer = page.goto(f"{tandem.url}{path}?token={mine}&lang=en")
        assert answer.status == 404, path
        assert heading(page) == said("en", "This link is not yours"), path
        html = page.content()
        for theirs_only in (theirs["mentee_name"], theirs["mentor_name"], secret):
            assert theirs_only not in html, (path, theirs_only)
        assert ours["mentee_name"] not in html and ours["mentor_name"] not in html, path
    check_page(page, "not-yours-meeting")
    page.goto(f"{tandem.url}/pairs/{theirs['id']}?token={mine}&lang=sv")
    assert heading(page) == said("sv", "This link is not yours")
    assert not page.problems, page.problems
