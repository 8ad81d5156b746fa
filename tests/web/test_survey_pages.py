"""The mid-point and closing surveys as pages, through the web front's own test client against
the embedded platform (the ``tandem`` fixture): a participant opens the link from the survey's
e-mail, answers in their language, is thanked, and cannot answer twice."""

from __future__ import annotations

import re
import uuid

import pytest

from services.shared.contract.events import LOCALES

HEADING = {"sv": "Slutenkät", "fi": "Loppukysely", "nb": "Sluttundersøkelse", "en": "Closing survey"}
FIRST_QUESTION = {"sv": "Har du fått ett kvalificerat jobb", "fi": "Oletko saanut koulutustasi vastaavaa työtä",
                  "nb": "Har du fått en jobb som matcher kompetansen din", "en": "Have you got a qualified job"}
YES = {"sv": "Ja", "fi": "Kyllä", "nb": "Ja", "en": "Yes"}
THANKS = {"sv": "Tack för dina svar", "en": "Thank you for your answers"}
ANSWERED = {"sv": "Du har redan svarat på den här enkäten", "en": "You have answered this survey already"}

# a programme that also asks on a scale, with its own choices
OWN_SURVEYS = {
    "midpoint": [
        {"id": "confidence", "kind": "scale", "roles": ["mentee", "mentor"],
         "text": {"sv": "Hur säker känner du dig i jobbsökandet?", "en": "How confident do you feel looking for work?"}},
        {"id": "meetings", "kind": "choice", "roles": ["mentee", "mentor"], "choices": ["monthly", "less"],
         "text": {"sv": "Hur ofta träffas ni?", "en": "How often do you meet?"}},
        {"id": "comments", "kind": "text", "roles": ["mentee", "mentor"],
         "text": {"sv": "Något mer?", "en": "Anything else?"}},
    ],
    "closing": [],
}


@pytest.fixture(scope="module")
def cohort(tandem):
    coordinator = tandem.coordinator()
    return tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=50)


@pytest.fixture(scope="module")
def own_cohort(tandem):
    coordinator = tandem.coordinator()
    return tandem.open_cohort(coordinator, tandem.programme(coordinator, surveys=OWN_SURVEYS), mentee_places=5)


def participant(tandem, cohort) -> str:
    """A mentee with a place in the cohort: the token of their personal link."""
    applied = tandem.apply(cohort, f"mentee-{uuid.uuid4().hex[:8]}@example.se")
    assert applied["status"] == "accepted"
    return applied["manage_token"]


def text(answer) -> str:
    return answer.get_data(as_text=True)


def h1(answer) -> str:
    return re.search(r"<h1>(.*?)</h1>", text(answer), re.S).group(1).strip()


@pytest.mark.parametrize("lang", LOCALES)
def test_the_closing_survey_asks_its_questions_in_each_language(tandem, web, cohort, lang):
    page = web.test_client().get(f"/surveys/closing?token={participant(tandem, cohort)}&lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in text(page)
    assert h1(page) == HEADING[lang]
    body = text(page)
    # a yes-or-no question: radio buttons in a fieldset whose legend is the question
    assert re.search(r'<legend class="legend">' + FIRST_QUESTION[lang], body)
    assert '<input id="answers-qualified_job" name="answers-qualified_job" type="radio" value="yes">' in body
    assert f'<label for="answers-qualified_job">{YES[lang]}</label>' in body
    # free text: a textarea with its own label
    assert '<label class="label" for="answers-comments">' in body and '<textarea class="input" id="answers-comments"' in body


def test_a_participant_answers_is_thanked_and_cannot_answer_twice(tandem, web, cohort):
    token = participant(tandem, cohort)
    client = web.test_client()
    answers = {"answers-qualified_job": "yes", "answers-job_when": "after", "answers-mentor_contributed": "yes",
               "answers-meaningful": "yes", "answers-would_recommend": "no", "answers-comments": "Tack för allt!"}
    sent = client.post(f"/surveys/closing?token={token}&lang=sv", data=answers)
    assert sent.status_code == 302
    thanked = client.get(sent.headers["Location"])
    assert thanked.status_code == 200 and h1(thanked) == THANKS["sv"]
    assert 'role="status"' in text(thanked)

    # the link opened again says the survey is answered; a second answer is refused, clearly
    assert h1(client.get(f"/surveys/closing?token={token}&lang=en")) == ANSWERED["en"]
    again = client.post(f"/surveys/closing?token={token}&lang=en", data={"answers-meaningful": "no"})
    assert again.status_code == 409
    assert h1(again) == ANSWERED["en"] and "<form" not in text(again)


def test_answers_that_do_not_fit_are_explained_beside_their_questions_and_the_rest_is_kept(tandem, web, own_cohort):
    token = participant(tandem, own_cohort)
    client = web.test_client()
    page = client.get(f"/surveys/midpoint?token={token}&lang=en")
    assert "1 means not at all, 5 means very much." in text(page)
    assert '<input id="answers-confidence-5" name="answers-confidence" type="radio" value="5">' in text(page)

    typed = {"answers-confidence": "4", "answers-meetings": "weekly", "answers-comments": "x" * 4001}
    refused = client.post(f"/surveys/midpoint?token={token}&lang=en", data=typed)
    assert refused.status_code == 422
    body = text(refused)
    assert 'role="alert"' in body
    assert '<a href="#answers-meetings">Choose one of the answers.</a>' in body
    assert '<a href="#answers-comments">This is too long. Shorten it.</a>' in body
    assert 'id="answers-comments-error"' in body and 'aria-describedby="answers-comments-error"' in body
    assert '<input id="answers-confidence-4" name="answers-confidence" type="radio" value="4" checked>' in body
    assert "x" * 4001 in body  # what was typed, kept
    assert "<title>Error:" in body

    fixed = client.post(f"/surveys/midpoint?token={token}&lang=en",
                        data={**typed, "answers-meetings": "monthly", "answers-comments": "Fine."})
    assert fixed.status_code == 302


def test_a_broken_link_or_an_unknown_survey_gets_a_clear_page(tandem, web, cohort):
    client = web.test_client()
    broken = client.get("/surveys/closing?token=not-a-token&lang=en")
    assert broken.status_code == 404 and h1(broken) == "This link does not work"
    assert h1(client.get("/surveys/closing?lang=en")) == "This link does not work"
    assert client.get(f"/surveys/yearly?token={participant(tandem, cohort)}&lang=en").status_code == 404


def test_someone_on_the_waiting_list_is_told_the_surveys_are_for_participants(tandem, web):
    coordinator = tandem.coordinator()
    full = tandem.open_cohort(coordinator, tandem.programme(coordinator), mentee_places=1)
    tandem.apply(full, f"first-{uuid.uuid4().hex[:8]}@example.se")
    waiting = tandem.apply(full, f"second-{uuid.uuid4().hex[:8]}@example.se")
    assert waiting["status"] == "waitlisted"
    page = web.test_client().get(f"/surveys/midpoint?token={waiting['manage_token']}&lang=en")
    assert page.status_code == 200
    assert "Only people taking part in the cohort answer its surveys." in text(page) and "<form" not in text(page)


def test_answers_sent_from_a_second_tab_after_the_first_are_refused_clearly(tandem, web, cohort, monkeypatch):
    token = participant(tandem, cohort)
    client = web.test_client()
    assert client.post(f"/surveys/midpoint?token={token}&lang=en", data={"answers-meaningful": "yes"}).status_code == 302
    # the second tab still shows the questions it loaded before the first tab's answers arrived
    intake = web.extensions["tandem.web"].intake
    loaded = intake.survey
    monkeypatch.setattr(intake, "survey", lambda *args: {**loaded(*args), "answered": False})
    again = client.post(f"/surveys/midpoint?token={token}&lang=en", data={"answers-meaningful": "no"})
    assert again.status_code == 409
    assert h1(again) == ANSWERED["en"] and "<form" not in text(again)
