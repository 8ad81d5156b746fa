"""The nominated mentor's form, opened from their personal link and prefilled from the nomination."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import refresh

from .. import forms, i18n
from ..backends import ApiError, backends
from .cohorts import choices, professions

blp = Blueprint("mentor_form", __name__)


@blp.route("/mentor-form", methods=["GET", "POST"])
def mentor_form():
    token = request.args.get("token", "")
    try:
        nomination = backends().intake.mentor_form(token) if token else None
    except ApiError as refused:
        if refused.status not in (401, 403, 404, 409):
            raise
        nomination = None
    if nomination is None:
        return render_template("error.html", reason="bad_link"), 404
    g.person_locale = nomination["prefilled"].get("locale")
    refresh()
    if nomination.get("application_id"):
        return render_template("mentor_form.html", nomination=nomination, sent_already=True)
    if request.method == "GET":
        return _form(nomination, token, forms.ApplicationForm.empty(nomination["prefilled"].get("locale") or i18n.locale()))
    typed = forms.ApplicationForm.typed(request.form)
    if request.form.get("action") == "add_language":
        typed.add_language_row()
        return _form(nomination, token, typed, added_row=True)
    body, rows = typed.body(None, nomination["consent_version"])
    try:
        submitted = backends().intake.send_mentor_form(token, body)
    except ApiError as refused:
        if refused.status == 422:
            return _form(nomination, token, typed, forms.field_errors(refused.field_errors, rows)), 422
        if refused.status == 409:
            return _form(nomination, token, typed, problem=refused.message), 409
        raise
    return redirect(url_for("applications.mine", token=submitted["manage_token"], applied=1))


def _form(nomination, token, typed, errors=None, problem=None, added_row=False):
    try:
        cohort = backends().intake.public_cohort(nomination["cohort_id"], i18n.locale())
    except ApiError:
        cohort = None  # paused or closed to the public: the nominee may still send the form
    return render_template(
        "mentor_form.html", nomination=nomination, cohort=cohort, role="mentor", form=typed, errors=errors or {},
        problem=problem, sent_already=False, added_row=added_row, professions=professions(i18n.locale()),
        action=url_for("mentor_form.mentor_form", token=token), **choices())
