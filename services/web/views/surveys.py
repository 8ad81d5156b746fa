"""The mid-point and closing surveys, opened from the personal link in the survey's e-mail.

Each question is asked as the API defines it: yes or no, one of a few choices, a scale from 1 to
5 (radio buttons in a fieldset whose legend is the question), or free text. Every question may be
skipped. A survey is answered once; the page then says so.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import i18n
from ..backends import ApiError, backends
from .applications import bad_link, cohort_of, own_application

blp = Blueprint("surveys", __name__)

KINDS = ("midpoint", "closing")
SCALE = ("1", "2", "3", "4", "5")


def field_id(question_id: str) -> str:
    """The question's field, named as the API names it (``answers.<id>``)."""
    return f"answers-{question_id}"


@blp.route("/surveys/<kind>", methods=["GET", "POST"])
def survey(kind: str):
    if kind not in KINDS:
        abort(404)
    token = request.args.get("token", "")
    application = own_application(token) if token else None
    if application is None:
        return bad_link()
    found = backends().intake.survey(token, kind, i18n.locale())
    page = {"kind": kind, "survey": found, "cohort": cohort_of(application), "token": token,
            "taking_part": application["status"] == "accepted"}
    if found["answered"] or not page["taking_part"]:
        shown = render_template("survey.html", **page, thanks=request.args.get("thanks") == "1")
        return shown, 409 if request.method == "POST" else 200
    if request.method == "GET":
        return render_template("survey.html", **page, typed={}, errors={})
    typed = {q["id"]: request.form.get(field_id(q["id"]), "").strip() for q in found["questions"]}
    try:
        backends().intake.answer_survey(token, kind, answers(found["questions"], typed))
    except ApiError as refused:
        if refused.status == 422:
            return render_template("survey.html", **page, typed=typed, errors=field_errors(refused.field_errors)), 422
        if refused.status == 409:  # answered meanwhile (another tab), or no longer taking part
            answered = "answered already" in refused.message
            page.update(survey={**found, "answered": answered}, taking_part=answered)
            return render_template("survey.html", **page, thanks=False), 409
        raise
    return redirect(url_for("surveys.survey", kind=kind, token=token, thanks=1))


def answers(questions: list[dict], typed: dict[str, str]) -> dict:
    """The API's answers from what was chosen and typed; a skipped question is left out, and an
    answer that is not what its question takes goes as typed, so that the API says why."""
    body = {}
    for question in questions:
        value = typed.get(question["id"], "")
        if not value:
            continue
        if question["kind"] == "yes_no":
            body[question["id"]] = {"yes": True, "no": False}.get(value, value)
        elif question["kind"] == "scale":
            body[question["id"]] = int(value) if value in SCALE else value
        else:
            body[question["id"]] = value
    return body


def field_errors(api_errors: dict) -> dict[str, str]:
    """The API's refusals as {field id: message in the reader's language}."""
    found = {}
    for question_id, messages in (api_errors.get("answers") or {}).items():
        message = messages[0] if isinstance(messages, list) and messages else str(messages)
        found[field_id(question_id)] = translated(message)
    return found


def translated(message: str) -> str:
    if message == "answer true or false":
        return _("Choose yes or no.")
    if message == "answer 1 to 5":
        return _("Choose a number from 1 to 5.")
    if message.startswith("answer one of"):
        return _("Choose one of the answers.")
    if message.startswith("answer with text"):
        return _("This is too long. Shorten it.")
    return message
