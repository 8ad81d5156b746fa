"""A cohort's public page and its application form, for mentees and mentors."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .. import forms, i18n
from ..backends import ApiError, backends

blp = Blueprint("cohorts", __name__)
ROLES = ("mentee", "mentor")


def public_cohort(cohort_id: str) -> tuple[dict | None, ApiError | None]:
    """The cohort as the public sees it, or the programme's refusal to show it (paused: 503 with
    its notice; closed: 410), told apart from an API that is down by the programme's status it
    names; a cohort that is not there is not found here either."""
    try:
        return backends().intake.public_cohort(cohort_id, i18n.locale()), None
    except ApiError as refusal:
        if refusal.status in (503, 410) and "programme" in refusal.errors:
            return None, refusal
        if refusal.status == 404:
            abort(404)
        raise


@blp.get("/cohorts/<cohort_id>")
def cohort(cohort_id):
    found, refusal = public_cohort(cohort_id)
    if refusal:
        return render_template("cohort.html", cohort=None, notice=refusal.message, paused=refusal.status == 503), refusal.status
    return render_template("cohort.html", cohort=found, notice=None, paused=False)


@blp.route("/cohorts/<cohort_id>/apply/<role>", methods=["GET", "POST"])
def apply(cohort_id, role):
    if role not in ROLES:
        abort(404)
    found, refusal = public_cohort(cohort_id)
    if refusal:
        return render_template("cohort.html", cohort=None, notice=refusal.message, paused=refusal.status == 503), refusal.status
    if request.method == "GET":
        return _form(found, role, forms.ApplicationForm.empty(i18n.locale()))
    typed = forms.ApplicationForm.typed(request.form)
    if request.form.get("action") == "add_language":
        typed.add_language_row()
        return _form(found, role, typed, added_row=True)
    body, rows = typed.body(role, found["consent_version"])
    try:
        submitted = backends().intake.apply(cohort_id, body)
    except ApiError as refused:
        return _refused(found, role, typed, refused, rows)
    return redirect(url_for("applications.mine", token=submitted["manage_token"], applied=1))


def _refused(cohort, role, typed, refused: ApiError, rows):
    if refused.status == 422:
        return _form(cohort, role, typed, forms.field_errors(refused.field_errors, rows)), 422
    if refused.status == 409 and "email" in (refused.errors or {}):
        return _form(cohort, role, typed, {"email": forms.translated("email", "already applied")}, already=True), 409
    if refused.status == 409:  # the cohort stopped taking applications meanwhile
        return _form(cohort, role, typed, {}, problem=refused.message), 409
    raise refused


def _form(cohort, role, typed, errors=None, already=False, problem=None, added_row=False):
    return render_template(
        "apply.html", cohort=cohort, role=role, form=typed, errors=errors or {}, already=already, problem=problem,
        added_row=added_row,
        professions=professions(i18n.locale()), action=url_for("cohorts.apply", cohort_id=cohort["id"], role=role),
        **choices())


def choices() -> dict:
    return {"language_choices": i18n.language_choices(), "country_choices": i18n.country_choices(),
            "levels": forms.LEVELS, "education_levels": forms.EDUCATION_LEVELS}


@lru_cache(maxsize=8)
def professions(lang: str) -> tuple[str, ...]:
    """ISCO-08's unit groups as the list offers them; read once per language (they do not change)."""
    return tuple(f"{p['label']} ({p['code']})" for p in backends().intake.professions(lang))
