"""Unsubscribing as a page of the web front, through its own test client against the embedded
platform (the ``tandem`` fixture): a participant follows the link in a programme's announcement,
reads what stops and from which programme, confirms, and notify sends them nothing more of it;
a broken link gets a page that says so."""

from __future__ import annotations

import re
import uuid

import pytest

from services.shared.contract.events import LOCALES
from tests.skeleton import expect

ASKS = {"sv": "Vill du sluta få påminnelser och andra utskick?", "fi": "Haluatko lopettaa muistutukset ja muut viestit?",
        "nb": "Vil du slutte å få påminnelser og andre meldinger?", "en": "Stop reminders and other messages?"}
DONE = {"sv": "Du har avslutat utskicken", "fi": "Olet perunut viestit", "nb": "Du har meldt deg av",
        "en": "You have unsubscribed"}
ALREADY = {"sv": "Du har redan avslutat utskicken", "fi": "Olet jo perunut viestit",
           "nb": "Du har allerede meldt deg av", "en": "You have already unsubscribed"}
PROGRAMME = {"sv": "Mentorprogram för utrikes födda akademiker", "fi": "Mentorointiohjelma ulkomailla syntyneille akateemisille",
             "nb": "Mentorprogram for utenlandsfødte akademikere", "en": "Mentoring for foreign-born graduates"}
BROKEN = {"sv": "Länken fungerar inte", "en": "This link does not work"}


@pytest.fixture(scope="module")
def programme(tandem):
    coordinator = tandem.coordinator()
    cohort = tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=50)
    return coordinator, cohort


def announce(tandem, coordinator: str, cohort: dict, subject: str) -> None:
    expect(tandem.send("POST", f"/notify/cohorts/{cohort['id']}/announcements",
                       {"subject": {"sv": subject, "en": subject}, "body": {"sv": "Välkomna!", "en": "Welcome!"}},
                       coordinator), 201)


def unsubscribe_link(tandem, coordinator: str, cohort: dict, locale: str) -> tuple[str, str]:
    """A mentee who applied in ``locale`` and got the programme's news: their address and the
    unsubscribe link in that message, as a path on the web front."""
    email = f"mentee-{uuid.uuid4().hex[:8]}@example.se"
    tandem.apply(cohort, email, locale=locale)
    tandem.mail_to(email)  # notify knows them once it wrote about their application
    announce(tandem, coordinator, cohort, f"Nyheter {uuid.uuid4().hex[:6]}")
    link = tandem.link_in_mail(email, "/unsubscribe?token=")
    return email, link.removeprefix(tandem.url)


def text(answer) -> str:
    return answer.get_data(as_text=True)


def h1(answer) -> str:
    return re.search(r"<h1>(.*?)</h1>", text(answer), re.S).group(1).strip()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_mentee_unsubscribes_in_their_language_and_hears_no_more_news(tandem, web, programme, locale):
    coordinator, cohort = programme
    email, path = unsubscribe_link(tandem, coordinator, cohort, locale)
    assert f"lang={locale}" in path
    client = web.test_client()

    asked = client.get(path)  # opening the link only asks
    assert asked.status_code == 200 and f'<html lang="{locale}">' in text(asked)
    assert h1(asked) == ASKS[locale] and PROGRAMME[locale] in text(asked)  # which programme's messages stop
    assert asked.headers["Cache-Control"] == "no-store" and text(asked).count('<form method="post"') == 1
    assert expect(tandem.send("GET", f"/notify/preferences?email={email}", None, coordinator), 200)["opted_out"] == []

    done = client.post(path)
    assert done.status_code == 200 and h1(done) == DONE[locale]
    assert expect(tandem.send("GET", f"/notify/preferences?email={email}", None, coordinator), 200)["opted_out"] == ["*"]
    again = client.get(path)
    assert h1(again) == ALREADY[locale] and '<form method="post"' not in text(again)

    announce(tandem, coordinator, cohort, "Mer nyheter")
    news = expect(tandem.send("GET", f"/notify/deliveries?recipient={email}&message=announcement", None, coordinator), 200)
    assert len(news) == 2  # the news before, and the news after
    assert [d["status"] for d in news if d["subject"] == "Mer nyheter"] == ["suppressed"]
    assert "opted out" in [d for d in news if d["subject"] == "Mer nyheter"][0]["last_error"]


def test_the_message_link_opens_the_page_and_the_mail_client_posts_to_notify(tandem, programme):
    coordinator, cohort = programme
    email, path = unsubscribe_link(tandem, coordinator, cohort, "sv")
    news = [m for m in tandem.mail_to(email) if m["List-Unsubscribe"]][0]
    one_click = news["List-Unsubscribe"].strip().strip("<>")
    assert one_click.startswith(f"{tandem.url}/notify/unsubscribe?token=")
    assert one_click.partition("token=")[2].partition("&")[0] == path.partition("token=")[2].partition("&")[0]


@pytest.mark.parametrize("token", ["broken", ""])
def test_a_broken_link_says_it_does_not_work_and_changes_nothing(tandem, web, programme, token):
    for lang in ("sv", "en"):
        for answer in (web.test_client().get(f"/unsubscribe?token={token}&lang={lang}"),
                       web.test_client().post(f"/unsubscribe?token={token}&lang={lang}")):
            assert answer.status_code == 404 and h1(answer) == BROKEN[lang]
            assert '<form method="post"' not in text(answer)


def test_a_link_to_an_application_is_no_unsubscribe_link(tandem, web, programme):
    _, cohort = programme
    applied = tandem.apply(cohort, f"mentee-{uuid.uuid4().hex[:8]}@example.se")
    answer = web.test_client().post(f"/unsubscribe?token={applied['manage_token']}&lang=en")
    assert answer.status_code == 404 and h1(answer) == BROKEN["en"]
