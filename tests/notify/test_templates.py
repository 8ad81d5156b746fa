"""Every message, in every language: rendered from its own template, with nothing left in English
by mistake, and dates and times as the reader writes them, in the reader's time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import icalendar
import pytest

from services.notify.domain import rendering, samples
from services.notify.domain.calendar import invitation_ics
from services.notify.domain.messages import KINDS, Invitation, Localized
from services.notify.domain.rendering import LOCALES, TEMPLATES, Override, locale_chain, render

LANGUAGES = [loc for loc in LOCALES if loc != "en"]


def _values(context: dict) -> set[str]:
    """Everything the sample data puts into a message (names, links, places...)."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, Localized):
            found.update(value.values.values())
        elif isinstance(value, dict):  # codes the templates turn into words are not shown as they are
            for key, v in value.items():
                if key not in ("role", "locale", "survey", "event_kind", "reason_code", "time_zone"):
                    walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif isinstance(value, str) and len(value) > 3:
            found.add(value)

    walk(context)
    return found


def _sentences(text: str, values: re.Pattern) -> list[str]:
    """The wording of a text: its sentences and clauses, cut where a value stands."""
    pieces = [p for line in text.splitlines() for part in values.split(line) for p in re.split(r"[.:;?!]\s|,\s", part)]
    return [p.strip(" ,.:;()–-") for p in pieces if len(p.strip(" ,.:;()–-")) > 10]


def _visible(html: str) -> str:
    """The text a reader sees of an HTML message, a line per block."""
    body = html.split("<body>", 1)[-1]
    return unescape(re.sub(r"<[^>]+>", "\n", body))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_message_has_one_template_in_text_and_one_in_html_for_all_languages(kind):
    """Its words are in the catalogues; no language has a template of its own."""
    assert (TEMPLATES / f"{kind}.txt").is_file() and (TEMPLATES / f"{kind}.html").is_file(), f"{kind}: text and html"
    assert not [path.name for path in TEMPLATES.iterdir() if path.is_dir()], "a folder of templates for one language"


def test_a_tenants_template_extending_a_languages_layout_still_renders():
    """Tenants' templates written when each language had its own layout extend ``sv/_layout.txt``:
    it reads the shared layout, in the reader's language."""
    wording = Override(text='{% extends "sv/_layout.txt" %}{% block body %}Din ansökan har kommit fram.{% endblock %}')
    rendered = render("application_received", samples.contexts("application_received")[0], ["sv"], lambda locale: wording)
    assert rendered.overridden and rendered.fallback is None
    assert "Din ansökan har kommit fram." in rendered.text
    assert "Med vänliga hälsningar" in rendered.text  # the layout it extends, in Swedish


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_message_renders_in_every_language_with_no_untranslated_line(kind):
    contexts = samples.contexts(kind)
    assert contexts, f"no sample for {kind}"
    for context in contexts:
        english = render(kind, context, ["en"])
        data = sorted(_values(context), key=len, reverse=True)
        # the English wording: every stretch of the text between the values (names, links, places)
        splitter = re.compile("|".join(re.escape(value) for value in data))
        wording = _sentences(english.text, splitter)
        assert wording
        html_wording = _sentences(_visible(english.html), splitter)
        for locale in LANGUAGES:
            # StrictUndefined: a variable a template names but the message lacks fails here
            rendered = render(kind, context, [locale])
            assert rendered.locale == locale
            assert rendered.subject and rendered.text.strip() and rendered.html.strip()
            assert rendered.text != english.text and rendered.html != english.html
            assert rendered.subject != english.subject or kind == "announcement" and locale not in samples.ANNOUNCEMENT_SUBJECT
            for line in wording:
                assert line not in rendered.text, f"{locale}/{kind}.txt still says in English: {line!r}"
            visible = _visible(rendered.html)
            for line in html_wording:
                assert line not in visible, f"{locale}/{kind}.html still says in English: {line!r}"
            for text in (rendered.subject, rendered.text, rendered.html):
                assert "{{" not in text and "{%" not in text
            assert f'<html lang="{locale}">' in rendered.html
            if KINDS[kind].invitation:
                assert rendered.calendar and rendered.calendar != english.calendar


def test_the_programmes_own_words_and_a_mentor_never_promises_a_job():
    mentee, mentor = samples.contexts("match_confirmed")[:2]
    expected = {"sv": ("adept", "kan inte lova dig ett jobb"), "fi": ("aktori", "ei voi luvata sinulle työpaikkaa"),
                "nb": ("deltaker", "kan ikke love deg en jobb"), "en": ("mentee", "cannot promise you a job")}
    for locale, (mentee_word, no_promise) in expected.items():
        assert no_promise in render("match_confirmed", mentee, [locale]).text
        assert mentee_word in render("match_confirmed", mentor, [locale]).text.lower()
    agreement = samples.contexts("agreement_drafted")[0]
    assert "mentorsavtal" in render("agreement_drafted", agreement, ["sv"]).text.lower()
    assert "mentorointisopimu" in render("agreement_drafted", agreement, ["fi"]).text.lower()
    assert "mentoravtalen" in render("agreement_drafted", agreement, ["nb"]).text.lower()
    assert "träff" in render("meeting_scheduled", samples.contexts("meeting_scheduled")[0], ["sv"]).text
    assert "tapaami" in render("meeting_scheduled", samples.contexts("meeting_scheduled")[0], ["fi"]).text


def test_a_helsinki_reader_sees_helsinki_time_in_their_own_way_of_writing_it():
    context = {**samples.contexts("meeting_scheduled")[0]}  # 15:00 UTC on 2 March 2027
    helsinki = render("meeting_scheduled", {**context, "time_zone": "Europe/Helsinki"}, ["fi"])
    assert "tiistai 2. maaliskuuta 2027 klo 17.00–19.00" in helsinki.text
    assert "Suomi" in helsinki.text  # the zone is named
    stockholm = render("meeting_scheduled", {**context, "time_zone": "Europe/Stockholm"}, ["sv"])
    assert "tisdag 2 mars 2027 kl. 16:00–18:00" in stockholm.text
    oslo_in_english = render("meeting_scheduled", {**context, "time_zone": "Europe/Oslo"}, ["en"])
    assert "Tuesday, 2 March 2027, 16:00–18:00" in oslo_in_english.text


def test_numbers_are_written_the_readers_way():
    context = {**samples.contexts("application_waitlisted")[0], "waitlist_position": 1204}
    assert "1 204" in render("application_waitlisted", context, ["sv"]).text.replace("\xa0", " ")
    assert "1,204" in render("application_waitlisted", context, ["en"]).text


def test_a_language_without_templates_falls_back_to_the_programmes_then_english():
    context = samples.contexts("application_received")[0]
    assert render("application_received", context, locale_chain("de", "fi")).locale == "fi"
    assert render("application_received", context, locale_chain("de", "xx")).locale == "en"
    # text the event carries in several languages follows the same order
    chosen = rendering.localize({"p": Localized({"nb": "Mentorprogrammet", "en": "The programme"})}, locale_chain("fi", "nb"))
    assert chosen == {"p": "Mentorprogrammet"}


def test_what_people_typed_is_escaped_in_html_and_kept_in_text():
    context = {**samples.contexts("application_received")[0], "name": "Ada <script>alert(1)</script>"}
    rendered = render("application_received", context, ["en"])
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "Ada <script>alert(1)</script>" in rendered.text


def test_an_invitation_is_a_calendar_entry_in_the_cohorts_time_zone():
    invitation = Invitation(uid="meeting-m1", sequence=2, method="REQUEST", starts_at=datetime(2027, 3, 2, 15, tzinfo=UTC),
                            ends_at=datetime(2027, 3, 2, 17, tzinfo=UTC), location="Café Lindgren")
    ics = invitation_ics(invitation, summary="Mentorsträff 2", description="", time_zone="Europe/Helsinki",
                         organizer=("Mentorprogrammet", "no-reply@tandem.example.org"),
                         attendee=("Aino Korhonen", "aino.korhonen@example.fi"), uid_domain="tandem.example.org",
                         now=datetime(2027, 2, 1, tzinfo=UTC))
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar["METHOD"] == "REQUEST"
    event = next(c for c in calendar.walk("VEVENT"))
    assert event["UID"] == "meeting-m1@tandem.example.org" and event["SEQUENCE"] == 2
    assert event.decoded("DTSTART") == datetime(2027, 3, 2, 15, tzinfo=UTC)
    assert "DTSTART;TZID=Europe/Helsinki:20270302T170000" in ics
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert re.search(r"ATTENDEE;.*mailto:aino.korhonen@example.fi", ics.replace("\r\n ", ""))
