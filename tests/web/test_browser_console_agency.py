"""The state agency's spring programme from start to end by clicks in Chromium, in Swedish, as one
story: one tenant, its coordinator signed in once in her browser, and the representatives, mentors
and mentees each at a browser with nobody else's cookies.

1. She creates the programme: five professions, Swedish and English required of mentors, the
   six-step meeting plan, and the three member organisations.
2. She creates a cohort of 20 places first come, with a two-day residential training and three
   half-day meetings, all mandatory, and a nomination deadline; she opens it.
3. She invites three representatives on the staff page; each signs in with the link in the
   invitation and nominates two mentors.
4. She accepts the nominations; the six mentors send the forms their e-mails lead to, and 22
   mentees apply on the cohort's public page.
5. The first 20 mentees have a place and 2 wait, as the application list and the overview show.
6. She closes the cohort, runs matching, reads a pair's breakdown chart, asks why not another
   mentor, and approves all.
7. She takes the roll call of the first half-day and sees who missed it.
8. On the cohort's last day the closing survey reaches the pairs (the platform's clock moves there
   and back); they answer on the survey page, and she reads the outcome charts and downloads the
   applications as CSV.

Also: another tenant's coordinator finds none of it and gets 404 on its addresses, and a
representative gets the console's "for coordinators" page (403).

The cohort's dates lie in 2027, ahead of the tests' clock (2026-11-30)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.shared import clock
from tests.skeleton import eventually, expect

from .browser import DESKTOP, check_page, heading, language
from .console import coordinator, sign_in_browser
from .test_browser import said as front
from .test_browser_console_applications import said as console_said
from .test_browser_console_people import said as people_said

PROFESSIONS = ["Nationalekonomer (2631)", "Jurister (2611)", "Revisorer (2411)", "Systemanalytiker (2511)",
               "Statistiker (2120)"]
ORGANISATIONS = [("skatteverket", "Skatteverket"), ("forsakringskassan", "Försäkringskassan"),
                 ("lansstyrelsen", "Länsstyrelsen")]
REPRESENTATIVES = ["Lena Holm", "Jonas Ek", "Sofia Nyberg"]
MENTORS = [("Karin Berg", "Riksbanken"), ("Per Lund", "Skatteverket"), ("Eva Sandberg", "Försäkringskassan"),
           ("Anders Dahl", "Kammarkollegiet"), ("Maria Falk", "Länsstyrelsen"), ("Lars Holmgren", "SCB")]
FIRST = ["Amira", "Bashir", "Chen", "Dalia", "Elif", "Farid", "Goli", "Hassan", "Ines", "Jamal", "Katya",
         "Laila", "Mohammed", "Nadia", "Omar", "Parisa", "Rami", "Samira", "Tariq", "Umut", "Vera", "Yusuf"]
LAST = ["Haddad", "Noori", "Li", "Rahimi", "Yilmaz", "Karimi", "Ahmadi", "Ali", "Costa", "Saleh", "Ivanova"]
MENTEES = [f"{first} {LAST[n % len(LAST)]}" for n, first in enumerate(FIRST)]
HALF_DAYS = ["2027-03-10", "2027-04-14", "2027-05-19"]
MISSING = [MENTEES[1], MENTEES[4]]  # absent from the first half-day
# the closing survey's morning (09:00 in Stockholm) on the cohort's last day, an hour on
CLOSING_DAY = datetime(2027, 8, 31, 8, 0, tzinfo=UTC)


def click(page, selector: str) -> None:
    """Press what ``selector`` finds and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def watched(page):
    """``page``, recording what goes wrong on the way as the ``page`` fixture does."""
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
            and not r.url.endswith("/favicon.ico") and page.problems.append(f"{r.status} {r.url}"))
    return page


def text_of(message) -> str:
    """An e-mail's text parts, decoded."""
    return "".join(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                   for part in message.walk() if part.get_content_maintype() == "text")


@contextmanager
def someone(context):
    """The next person at a shared browser: nobody's cookies carry over (a new browser for each of
    the 36 people would cost the run a quarter of a minute)."""
    context.clear_cookies()
    opened = watched(context.new_page())
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def story(tandem, browser):
    """The browsers of the story: the coordinator's signed-in tab, the representatives' (the first
    stays signed in, for the check that the console is closed to her), the mentors' and the
    mentees'; and what the story made, for the checks after it."""
    person = coordinator(tandem)
    contexts = {name: browser.new_context(viewport=DESKTOP, accept_downloads=name == "console")
                for name in ("console", "representative", "representatives", "mentors", "mentees")}
    for context in contexts.values():
        context.set_default_timeout(15_000)
    console = watched(contexts["console"].new_page())
    sign_in_browser(tandem, console, person)
    found = {"person": person, "console": console, "representative": watched(contexts["representative"].new_page()),
             "browsers": contexts, "run": uuid.uuid4().hex[:6]}
    yield found
    for context in contexts.values():
        context.close()


def test_the_agency_runs_its_spring_programme_by_clicks_in_swedish(tandem, story):
    console = story["console"]
    create_the_programme(tandem, console, story)
    create_the_cohort(tandem, console, story)
    representatives_nominate(tandem, console, story)
    mentors_and_mentees_apply(tandem, console, story)
    places_are_taken_and_two_wait(tandem, console, story)
    matching(tandem, console, story)
    roll_call(tandem, console, story)
    outcomes(tandem, console, story)
    assert not console.problems, console.problems


# --- 1. the programme ---------------------------------------------------------------------------


def create_the_programme(tandem, console, story) -> None:
    console.goto(f"{tandem.url}/console?lang=sv")
    click(console, "nav.console-nav a[href='/console/programmes']")
    click(console, "text=Nytt program")
    console.fill("#name", "Mentorprogram för utrikes födda akademiker, våren")
    console.fill("#name-en", "Mentoring for foreign-born graduates, spring")
    console.fill("#description", "Myndighetens program för akademiker som är nya i Sverige.")
    console.check("#languages")  # Swedish, the first box
    console.check("#languages-en")
    console.check("#required_mentor_languages")
    console.check("#required_mentor_languages-en")
    for i, profession in enumerate(PROFESSIONS):
        console.fill(f"#professions-{i}", profession)
    click(console, "button[value=save]")
    story["programme"] = re.search(r"/console/programmes/([0-9a-f-]{36})", console.url).group(1)
    assert console.locator(".plan-summary li").count() == 6  # the six-step meeting plan

    # the member organisations whose representatives nominate mentors
    click(console, f"a[href$='/programmes/{story['programme']}/contacts']")
    for i, (short, name) in enumerate(ORGANISATIONS):
        click(console, "button[value=add-orgs]")
        console.fill(f"#orgs-{i}-name", name)
        console.fill(f"#orgs-{i}-id", short)
    click(console, "button[value=save]")
    check_page(console, "agency-programme")

    programme = expect(tandem.send("GET", f"/intake/programmes/{story['programme']}", None, story["person"].token), 200)
    assert [p["code"] for p in programme["professions"]] == ["2631", "2611", "2411", "2511", "2120"]
    assert programme["required_mentor_languages"] == ["sv", "en"] and len(programme["meeting_plan"]) == 6
    assert [o["id"] for o in programme["member_organisations"]] == [short for short, _ in ORGANISATIONS]


# --- 2. the cohort ------------------------------------------------------------------------------


def create_the_cohort(tandem, console, story) -> None:
    click(console, "a.button:has-text('Ny omgång')")
    console.fill("#name", "Våren 2027")
    console.fill("#starts_on", "2027-02-01")
    console.fill("#ends_on", "2027-08-31")
    console.fill("#nomination_deadline", "2027-01-15T16:00")
    console.fill("#application_deadline", "2027-01-25T23:59")
    console.fill("#mentee_places", "20")
    console.check("#admission-first_come")
    for _ in range(4):
        click(console, "button[value=add-events]")
    console.select_option("#events-0-kind", "training")
    console.fill("#events-0-title", "Internatutbildning")
    console.fill("#events-0-starts_at", "2027-02-03T10:00")
    console.fill("#events-0-ends_at", "2027-02-04T12:30")
    console.fill("#events-0-venue", "Sigtuna")
    console.check("#events-0-mandatory")
    for i, day in enumerate(HALF_DAYS, start=1):
        console.select_option(f"#events-{i}-kind", "half_day")
        console.fill(f"#events-{i}-title", f"Halvdag {i}")
        console.fill(f"#events-{i}-starts_at", f"{day}T08:30")
        console.fill(f"#events-{i}-ends_at", f"{day}T12:00")
        console.fill(f"#events-{i}-venue", "Stockholm")
        console.check(f"#events-{i}-mandatory")
    click(console, "button[value=save]")
    story["cohort"] = re.search(r"/console/cohorts/([0-9a-f-]{36})", console.url).group(1)

    console.click("text=Öppna för ansökningar")
    assert "Att öppna skickar inget mejl i sig." in console.inner_text("main")
    click(console, "form.confirm button")
    assert console.inner_text("#cohort-status") == "Öppen: tar emot ansökningar"
    check_page(console, "agency-cohort-open")

    cohort = expect(tandem.send("GET", f"/intake/cohorts/{story['cohort']}", None, story["person"].token), 200)
    assert cohort["mentee_places"] == 20 and cohort["admission"] == "first_come"
    assert cohort["nomination_deadline"].startswith("2027-01-15T15:00")  # 16:00 in Stockholm
    events = cohort["group_events"]
    assert [e["kind"] for e in events] == ["training", "half_day", "half_day", "half_day"]
    assert all(e["mandatory"] for e in events)
    assert events[0]["starts_at"].startswith("2027-02-03T09:00") and events[0]["ends_at"].startswith("2027-02-04T11:30")
    story["name"] = cohort["name"]


# --- 3. three representatives nominate ----------------------------------------------------------


def representatives_nominate(tandem, console, story) -> None:
    story["nominees"] = []
    for n, ((short, _), name) in enumerate(zip(ORGANISATIONS, REPRESENTATIVES, strict=True)):
        # she invites the representative on the staff page (where each invitation leaves her)
        email = f"rep-{story['run']}@{short}.example.se"
        if n == 0:
            click(console, "nav.console-nav a[href='/console/staff']")
        console.fill("#name", name)
        console.fill("#email", email)
        console.select_option("#role", "representative")
        console.select_option("#organisation", short)
        click(console, "form[action$='#invite'] button[type=submit]")
        assert people_said("sv", "We have sent %(name)s an e-mail with a link to sign in.", name=name) \
            in console.inner_text("main")

        # the representative signs in with the link in the invitation, and nominates two mentors
        link = tandem.link_in_mail(email, "/sign-in/")
        nominees = [(mentor, employer, f"{mentor.split()[0].lower()}-{story['run']}@{short}.example.se")
                    for mentor, employer in MENTORS[2 * n:2 * n + 2]]
        if n == 0:
            rep = story["representative"]  # kept signed in, for the check that the console is closed to her
            nominate(rep, link, nominees, n)
        else:
            with someone(story["browsers"]["representatives"]) as rep:
                nominate(rep, link, nominees, n)
        story["nominees"] += nominees


def nominate(rep, link: str, nominees: list, n: int) -> None:
    rep.goto(link)
    click(rep, "main form button[type=submit]")
    assert language(rep) == "sv" and heading(rep) == front("sv", "You are signed in")
    click(rep, f"a:has-text('{front('sv', 'Nominate mentors from your organisation')}')")
    click(rep, "a:has-text('Våren 2027')")
    if n == 0:
        check_page(rep, "agency-nominations")
    for rank, (name, _, email) in enumerate(nominees, start=1):
        rep.fill("#name", name)
        rep.fill("#email", email)
        rep.fill("#rank", str(rank))
        rep.select_option("#locale", "sv")
        rep.fill("#note", "Erfaren och van att handleda nya kollegor.")
        click(rep, "main form[novalidate] button[type=submit]")
        assert front("sv", "We have saved your nomination. The coordinator decides on it.") in rep.inner_text("main")
    assert rep.locator("ol.nominations li").count() == 2
    assert not rep.problems, rep.problems


# --- 4. the nominations accepted; mentors and mentees apply --------------------------------------


def mentors_and_mentees_apply(tandem, console, story) -> None:
    cohort = story["cohort"]
    console.goto(f"{tandem.url}/console/applications?lang=sv")
    click(console, f"a[href$='/cohorts/{cohort}/nominations']")
    for n in range(len(MENTORS)):  # each after reading what it sends
        click(console, "button[name=decision][value=accept]")
        assert console_said("sv", "%(name)s gets an e-mail with a personal link to the mentor form.",
                            name=story["nominees"][n][0]) in console.inner_text("main")
        click(console, "main form.confirm button[type=submit]")
    assert console.locator("button[name=decision][value=accept]").count() == 0

    for n, (name, employer, email) in enumerate(story["nominees"]):
        with someone(story["browsers"]["mentors"]) as mentor:
            mentor.goto(tandem.link_in_mail(email, "/mentor-form?token="))
            assert heading(mentor) == front("sv", "Your mentor form") and name in mentor.inner_text("main dl.summary")
            mentor.fill("#city", "Stockholm")
            mentor.select_option("#languages-0-language", "sv")
            mentor.select_option("#languages-0-level", "native")
            mentor.select_option("#languages-1-language", "en")
            mentor.select_option("#languages-1-level", "C1")
            mentor.check("#mentoring_languages")  # Swedish
            mentor.check("#mentoring_languages-en")
            mentor.fill("#profession", PROFESSIONS[n % len(PROFESSIONS)])
            mentor.fill("#employer", employer)
            mentor.select_option("#capacity", "3")
            mentor.fill("#education_field", "Nationalekonomi")
            mentor.select_option("#education_level", "master")
            mentor.select_option("#education_country", "SE")
            mentor.fill("#experience_years", str(12 + n))
            mentor.check("#remote_ok")
            mentor.check("#consent")
            if n == 0:
                check_page(mentor, "agency-mentor-form")
            click(mentor, "button[type=submit][value=apply]")
            assert heading(mentor) == front("sv", "Application sent")
            assert not mentor.problems, mentor.problems

    story["mentees"] = []
    for n, name in enumerate(MENTEES):
        email = f"{name.split()[0].lower()}-{story['run']}@example.se"
        with someone(story["browsers"]["mentees"]) as mentee:
            if n == 0:  # from the cohort's public page; the others have its form's address
                mentee.goto(f"{tandem.url}/cohorts/{cohort}?lang=sv")
                click(mentee, f"a[href*='/cohorts/{cohort}/apply/mentee']")
            else:
                mentee.goto(f"{tandem.url}/cohorts/{cohort}/apply/mentee?lang=sv")
            mentee.fill("#name", name)
            mentee.fill("#email", email)
            mentee.fill("#city", "Stockholm")
            mentee.select_option("#languages-0-language", "ar")
            mentee.select_option("#languages-0-level", "native")
            mentee.select_option("#languages-1-language", "sv")
            mentee.select_option("#languages-1-level", "B2")
            mentee.check("#mentoring_languages")
            mentee.check("#mentoring_languages-en")
            mentee.fill("#wished_profession", PROFESSIONS[n % len(PROFESSIONS)])
            mentee.fill("#education_field", "Nationalekonomi")
            mentee.select_option("#education_level", "master")
            mentee.select_option("#education_country", "SY")
            if n % 2 == 0:  # an optional question, answered by every other mentee
                mentee.fill("#experience_years", str(3 + n % 7))
            mentee.check("#remote_ok")
            mentee.check("#consent")
            if n == 0:
                check_page(mentee, "agency-mentee-form")
            click(mentee, "button[type=submit][value=apply]")
            assert heading(mentee) == front("sv", "Application sent")
            waiting = n >= 20
            assert mentee.inner_text("#status") == front("sv", "On the waiting list" if waiting else "You have a place")
            if waiting:
                assert mentee.inner_text("#waitlist_position").strip() == str(n - 19)
            assert not mentee.problems, mentee.problems
        story["mentees"].append((name, email))


# --- 5. 20 places taken, 2 waiting ----------------------------------------------------------------


def places_are_taken_and_two_wait(tandem, console, story) -> None:
    cohort = story["cohort"]
    click(console, f"nav.cohort-tabs a[href$='/cohorts/{cohort}/applications']")
    assert "20 av 20 platser är tagna. 2 står på väntelistan." in console.inner_text("main")
    waiting = console.locator("ol.waiting-list li").all_inner_texts()
    assert len(waiting) == 2 and all(line.startswith(name) for name, line in zip(MENTEES[20:], waiting, strict=True))
    console.select_option("#status", "waitlisted")
    click(console, "form.filters button[type=submit]")
    assert console.locator("#applications tbody tr").count() == 2

    console.goto(f"{tandem.url}/console?lang=sv")
    card = console.locator(f"#cohort-{cohort}")
    assert card.locator(".places").inner_text() == "20 / 20" and card.locator(".waiting").inner_text() == "2"
    check_page(console, "agency-overview")


# --- 6. matching ----------------------------------------------------------------------------------


def matching(tandem, console, story) -> None:
    cohort, token = story["cohort"], story["person"].token
    click(console, "nav.console-nav a[href='/console/programmes']")
    click(console, f"main a[href='/console/cohorts/{cohort}']")
    click(console, f"a[href$='/cohorts/{cohort}/status/close']")
    click(console, "form.confirm button")
    assert console.inner_text("#cohort-status").startswith("Stängd")

    # matching learns of the candidates from intake's events: wait until it knows all 26
    def known():
        code, found = tandem.send("GET", f"/matching/cohorts/{cohort}/candidates", None, token)
        return code == 200 and Counter(c["status"] for c in found) == {"accepted": 20 + len(MENTORS), "waitlisted": 2}

    eventually(known, 30, "the 26 accepted candidates and the 2 waiting in matching")
    console.goto(f"{tandem.url}/console/matching?lang=sv")
    click(console, f"a[href='/console/cohorts/{cohort}/matching']")
    assert heading(console) == f"Matchning av {story['name']}"
    click(console, "button:has-text('Starta en körning')")
    console.wait_for_selector("table.proposals", timeout=60_000)  # the progress polls until the run is done
    check_page(console, "agency-matching-review")

    row = console.locator("table.proposals tbody tr").first
    row.locator("summary").click()
    chart = row.locator("svg.chart")
    assert chart.is_visible() and "Yrke" in chart.text_content() and re.search(r"\d+([.,]\d+)? av 5", chart.text_content())
    assert "Poäng per kriterium för" in chart.locator("title").text_content()
    # six mentors take three each: two of the twenty are left, each with the reason
    assert console.locator("#unmatched table tbody tr").count() == 2

    click(console, "table.proposals tbody tr >> nth=0 >> a:has-text('Varför inte en annan mentor?')")
    options = console.locator("#mentor option")
    console.select_option("#mentor", index=options.count() - 1)
    click(console, "button:has-text('Fråga varför inte')")
    answer = console.inner_text("#why-not-text")
    assert answer.startswith(("Om de blir ett par", "Det här paret är redan föreslaget", "En låsning", "Inte möjligt"))
    check_page(console, "agency-matching-why-not")

    click(console, "text=Tillbaka till förslagen")
    click(console, "a:has-text('Godkänn alla öppna förslag')")
    assert "får var sitt mejl" in console.inner_text("form.confirm")
    click(console, "button:has-text('Godkänn och skicka mejlen')")
    assert "Bekräftade par: 18" in console.inner_text("main")

    def paired():
        code, found = tandem.send("GET", f"/scheduling/cohorts/{cohort}/pairs", None, token)
        return code == 200 and len(found) == 18 and found

    story["pairs"] = eventually(paired, 30, "the 18 pairs in scheduling")


# --- 7. the roll call of the first half-day -----------------------------------------------------


def roll_call(tandem, console, story) -> None:
    cohort = story["cohort"]
    console.goto(f"{tandem.url}/console?lang=sv")
    click(console, "nav.console-nav a[href='/console/events']")
    click(console, f"a[href='/console/cohorts/{cohort}/events']")
    click(console, "text=Närvaro: Halvdag 1")
    assert "Halvdag 1" in heading(console)
    assert console.locator("form.roll-call tbody tr").count() == 20 + len(MENTORS)  # everyone with a place
    click(console, "button[value=all]")  # all present, then she unticks the two who did not come
    for name in MISSING:
        console.locator("tr", has=console.locator("th", has_text=name)).locator("input[name=present]").uncheck()
    click(console, "button[value=save]")
    assert "Närvaron är sparad." in console.inner_text("main")
    check_page(console, "agency-roll-call")
    click(console, "main >> text=Vem missade en obligatorisk träff")
    assert sorted(console.locator("#missed tbody th").all_inner_texts()) == sorted(MISSING)
    assert all("Halvdag 1" in line for line in console.locator("#missed tbody tr").all_inner_texts())
    check_page(console, "agency-missed")


# --- 8. the closing survey, the outcomes and the CSV --------------------------------------------


def outcomes(tandem, console, story) -> None:
    cohort = story["cohort"]
    emails = dict(story["mentees"]) | {name: email for name, _, email in story["nominees"]}
    paired = [(p["mentee"]["name"], "mentee") for p in story["pairs"]] + \
        [(name, "mentor") for name in dict.fromkeys(p["mentor"]["name"] for p in story["pairs"])]
    # the platform's clock moves to the cohort's last day, when scheduling sends the closing survey
    # to everyone in a pair, and back once the e-mails are out
    shift = CLOSING_DAY - clock.now()
    clock.advance(shift)
    try:
        links = {name: tandem.link_in_mail(emails[name], "/surveys/closing?token=", timeout=60) for name, _ in paired}
    finally:
        clock.advance(-shift)
    for name, email in story["mentees"][:20]:  # the two with a place but no mentor have no pair to ask about
        if name not in links:
            assert not any("/surveys/" in text_of(m) for m in tandem.mail_to(email)), name

    # as in life, not everyone answers: 14 of the 18 mentees and 5 of the 6 mentors do
    mentees, mentors = [name for name, role in paired if role == "mentee"], [name for name, role in paired if role == "mentor"]
    in_work, helped = set(mentees[:9]), set(mentees[:6])
    answering = [(name, "mentee") for name in mentees[:14]] + [(name, "mentor") for name in mentors[:5]]
    for n, (name, role) in enumerate(answering):
        with someone(story["browsers"][f"{role}s"]) as person:
            person.goto(links[name])
            assert language(person) == "sv" and heading(person) == front("sv", "Closing survey")
            if role == "mentee":
                if name in in_work:
                    person.check("#answers-qualified_job")  # yes
                    person.check("#answers-job_when-after")
                    person.check("#answers-mentor_contributed" if name in helped else "#answers-mentor_contributed-no")
                else:
                    person.check("#answers-qualified_job-no")
                    person.check("#answers-job_when-not_yet")
            person.check("#answers-meaningful")
            person.check("#answers-would_recommend")
            if n == 0:
                check_page(person, "agency-survey")
            click(person, "button[type=submit]")
            assert heading(person) == front("sv", "Thank you for your answers")
            assert not person.problems, person.problems

    console.goto(f"{tandem.url}/console?lang=sv")
    click(console, "nav.console-nav a[href='/console/outcomes']")
    click(console, f"a[href='/console/cohorts/{cohort}/outcomes']")
    assert heading(console) == f"Resultat för {story['name']}"
    work = console.inner_text("#headline-qualified_work")
    assert "64\u00a0%" in work and "9 av 14 som svarade" in work
    assert "67\u00a0%" in console.inner_text("#headline-mentor_helped")  # 6 of the 9 in work
    assert "100\u00a0%" in console.inner_text("#headline-mentors_meaningful")  # five mentors: enough to show
    assert console.inner_text("#closing-rate") == "19 av 26 svarade."
    chart = console.locator("#closing-qualified_job svg[role=img]")
    assert "Ja 64\u00a0% (9 av 14)" in chart.locator("title").text_content()  # the text alternative
    assert "64\u00a0% (9 av 14)" in console.inner_text("#closing-qualified_job")  # the figure beside the bar
    check_page(console, "agency-outcomes")

    click(console, "nav.console-nav a[href='/console/applications']")
    click(console, f"main a[href='/console/cohorts/{cohort}/applications']")
    with console.expect_download() as download:
        console.click("a[href*='applications.csv']:not([href*='excel'])")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    header, rows = rows[0], rows[1:]
    assert [header[i] for i in (1, 2, 5, 6)] == ["Roll", "Namn", "Status", "Plats på väntelistan"]
    assert len(rows) == 22 + len(MENTORS)
    assert sorted(r[2] for r in rows) == sorted(MENTEES + [m for m, _ in MENTORS])
    assert Counter((r[1], r[5]) for r in rows) == {("Adept", "Antagen"): 20, ("Adept", "På väntelistan"): 2,
                                                  ("Mentor", "Antagen"): len(MENTORS)}
    assert sorted((r[2], r[6]) for r in rows if r[6]) == [(MENTEES[20], "1"), (MENTEES[21], "2")]


# --- who may see it -----------------------------------------------------------------------------


def addresses(story) -> list[str]:
    cohort, programme = story["cohort"], story["programme"]
    pair = story["pairs"][0]["pair_id"] if story.get("pairs") else None
    found = [f"/console/programmes/{programme}", f"/console/cohorts/{cohort}", f"/console/cohorts/{cohort}/edit",
             f"/console/cohorts/{cohort}/applications", f"/console/cohorts/{cohort}/applications.csv",
             f"/console/cohorts/{cohort}/nominations", f"/console/cohorts/{cohort}/matching",
             f"/console/cohorts/{cohort}/matching/why-not", f"/console/cohorts/{cohort}/pairs",
             f"/console/cohorts/{cohort}/events", f"/console/cohorts/{cohort}/events/missed",
             f"/console/cohorts/{cohort}/outcomes", f"/console/cohorts/{cohort}/outcomes.csv",
             f"/console/cohorts/{cohort}/announcements"]
    if pair:
        found.append(f"/console/cohorts/{cohort}/pairs/{pair}")
    return found


def told(story) -> None:
    if "cohort" not in story:
        pytest.fail("the story did not get as far as the cohort, so there is nothing to check another tenant against")


def test_another_tenants_coordinator_sees_none_of_it_and_gets_404(tandem, page, story):
    told(story)
    sign_in_browser(tandem, page, coordinator(tandem))
    for path in addresses(story):
        answer = page.goto(f"{tandem.url}{path}?lang=sv") if not path.endswith(".csv") else None
        if answer is None:  # a download: asked for as the browser's fetch would
            status = page.evaluate("url => fetch(url).then(r => r.status)", f"{tandem.url}{path}")
        else:
            status = answer.status
        assert status == 404, path
    for path in ("/console", "/console/programmes", "/console/applications", "/console/matching", "/console/pairs",
                 "/console/events", "/console/outcomes"):
        page.goto(f"{tandem.url}{path}?lang=sv")
        shown = page.inner_text("main")
        assert "Våren 2027" not in shown and "akademiker, våren" not in shown, path


def test_a_representative_cannot_open_the_coordinators_pages(tandem, story):
    told(story)
    rep = story["representative"]
    for path in ("/console", f"/console/cohorts/{story['cohort']}", f"/console/cohorts/{story['cohort']}/applications",
                 f"/console/cohorts/{story['cohort']}/nominations", "/console/staff"):
        answer = rep.goto(f"{tandem.url}{path}?lang=sv")
        assert answer.status == 403, path
        assert heading(rep) == "Sidan är för samordnare", path
        assert MENTEES[0] not in rep.inner_text("main"), path
    check_page(rep, "agency-representative-403")
