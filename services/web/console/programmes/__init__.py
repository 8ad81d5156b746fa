"""The console's programmes and cohorts: a programme's settings section by section (each saying what
a change affects), pausing, resuming and closing it; a cohort's settings and group events, its page
with its figures and the other areas' pages for it, and opening, closing, starting and finishing
it — each step said before it runs, with what it sends to whom."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ... import i18n
from ...backends import ApiError, backends
from ..access import call, cohort, coordinator_only, programmes
from . import forms

blp = Blueprint("programmes", __name__, template_folder="templates")

SECTIONS = ("basics", "plan", "matching", "messages", "contacts", "surveys")
TRANSITIONS = {"open": ("draft", "closed"), "close": ("open",), "start": ("closed",), "finish": ("running",)}


def professions() -> tuple[str, ...]:
    """The ISCO-08 unit groups as the list offers them, in the reader's language."""
    return tuple(f"{p['label']} ({p['code']})" for p in backends().intake.professions(i18n.locale()))


def _choices() -> dict:
    return {"language_choices": dict(i18n.language_choices()), "common_languages": forms.COMMON_LANGUAGES,
            "locales": forms.LOCALES}


@blp.get("/console/programmes")
@coordinator_only
def index():
    found = programmes()
    for programme in found:
        programme["cohorts"] = call("intake", "GET", f"/programmes/{programme['id']}/cohorts")
    return render_template("console/programmes/index.html", programmes=list(reversed(found)))


@blp.route("/console/programmes/new", methods=["GET", "POST"])
@coordinator_only
def new():
    if request.method == "GET":
        return _programme_form("new", None, forms.programme_form())
    typed = forms.typed_programme("new", request.form)
    if forms.change_rows(typed, request.form.get("action")):
        return _programme_form("new", None, typed)
    try:
        made = call("intake", "POST", "/programmes", json=forms.programme_body("new", typed))
    except ApiError as refused:
        return _refused("new", None, typed, refused)
    return redirect(url_for("programmes.programme", programme_id=made["id"], saved="new"))


@blp.get("/console/programmes/<programme_id>")
@coordinator_only
def programme(programme_id):
    found = call("intake", "GET", f"/programmes/{programme_id}")
    return render_template("console/programmes/programme.html", programme=found, saved=request.args.get("saved"),
                           cohorts=call("intake", "GET", f"/programmes/{programme_id}/cohorts"),
                           form=forms.programme_form(found), errors={}, **_choices())


@blp.route("/console/programmes/<programme_id>/<section>", methods=["GET", "POST"])
@coordinator_only
def edit(programme_id, section):
    if section not in SECTIONS:
        abort(404)
    found = call("intake", "GET", f"/programmes/{programme_id}")
    if request.method == "GET":
        return _programme_form(section, found, forms.programme_form(found))
    typed = forms.typed_programme(section, request.form, forms.programme_form(found))
    if forms.change_rows(typed, request.form.get("action")):
        return _programme_form(section, found, typed)
    try:
        call("intake", "PATCH", f"/programmes/{programme_id}", json=forms.programme_body(section, typed))
    except ApiError as refused:
        return _refused(section, found, typed, refused)
    return redirect(url_for("programmes.programme", programme_id=programme_id, saved=section))


def _programme_form(section, programme, typed, errors=None, problem=None):
    extra = {"professions": professions()} if section in ("new", "basics") else {}
    return render_template("console/programmes/edit.html", section=section, programme=programme, form=typed,
                           errors=errors or {}, problem=problem, **extra, **_choices())


def _refused(section, programme, typed, refused: ApiError):
    if refused.status != 422:
        raise refused
    errors = forms.field_errors(refused.field_errors)
    return _programme_form(section, programme, typed, errors, None if errors else refused.message), 422


@blp.post("/console/programmes/<programme_id>/pause")
@coordinator_only
def pause(programme_id):
    found = call("intake", "GET", f"/programmes/{programme_id}")
    typed = forms.typed_programme("pause", request.form, forms.programme_form(found))
    try:
        call("intake", "POST", f"/programmes/{programme_id}/pause", json=forms.programme_body("pause", typed))
    except ApiError as refused:
        if refused.status != 422:
            raise
        return render_template("console/programmes/programme.html", programme=found, saved=None,
                               cohorts=call("intake", "GET", f"/programmes/{programme_id}/cohorts"), form=typed,
                               errors=forms.field_errors(refused.field_errors), **_choices()), 422
    return redirect(url_for("programmes.programme", programme_id=programme_id, saved="paused"))


@blp.route("/console/programmes/<programme_id>/status/<step>", methods=["GET", "POST"])
@coordinator_only
def status(programme_id, step):
    if step not in ("resume", "close"):
        abort(404)
    found = call("intake", "GET", f"/programmes/{programme_id}")
    if request.method == "GET":
        return render_template("console/programmes/status.html", programme=found, step=step)
    call("intake", "POST", f"/programmes/{programme_id}/{step}")
    return redirect(url_for("programmes.programme", programme_id=programme_id, saved=step))


# --- cohorts -----------------------------------------------------------------------------------------


@blp.route("/console/programmes/<programme_id>/cohorts/new", methods=["GET", "POST"])
@coordinator_only
def new_cohort(programme_id):
    found = call("intake", "GET", f"/programmes/{programme_id}")
    if request.method == "GET":
        typed = forms.cohort_form()
        typed["events"] = [forms.BLANK["events"]()]
        return _cohort_form(found, None, typed)
    typed = forms.typed_cohort(request.form)
    if forms.change_rows(typed, request.form.get("action")):
        return _cohort_form(found, None, typed)
    try:
        made = call("intake", "POST", f"/programmes/{programme_id}/cohorts", json=forms.cohort_body(typed, new=True))
    except ApiError as refused:
        return _cohort_refused(found, None, typed, refused)
    return redirect(url_for("programmes.cohort", cohort_id=made["id"], saved="new"))


@blp.route("/console/cohorts/<cohort_id>/edit", methods=["GET", "POST"])
@coordinator_only
def edit_cohort(cohort_id):
    found = cohort(cohort_id)
    if request.method == "GET":
        return _cohort_form(found["programme"], found, forms.cohort_form(found))
    typed = forms.typed_cohort(request.form)
    if forms.change_rows(typed, request.form.get("action")):
        return _cohort_form(found["programme"], found, typed)
    try:
        call("intake", "PATCH", f"/cohorts/{cohort_id}", json=forms.cohort_body(typed, new=False))
    except ApiError as refused:
        return _cohort_refused(found["programme"], found, typed, refused)
    return redirect(url_for("programmes.cohort", cohort_id=cohort_id, saved="edit"))


def _cohort_form(programme, found, typed, errors=None, problem=None):
    return render_template("console/programmes/cohort_edit.html", programme=programme, cohort=found, form=typed,
                           errors=errors or {}, problem=problem, time_zones=forms.TIME_ZONES,
                           event_kinds=forms.EVENT_KINDS, locales=forms.LOCALES)


def _cohort_refused(programme, found, typed, refused: ApiError):
    if refused.status == 422:
        errors = forms.field_errors(refused.field_errors)
        return _cohort_form(programme, found, typed, errors, None if errors else refused.message), 422
    if refused.status == 409:
        return _cohort_form(programme, found, typed, {}, refused.message), 409
    raise refused


@blp.get("/console/cohorts/<cohort_id>", endpoint="cohort")
@coordinator_only
def cohort_page(cohort_id):
    found = cohort(cohort_id)
    public = url_for("cohorts.cohort", cohort_id=cohort_id, _external=True)
    return render_template("console/programmes/cohort.html", cohort=found, public=public, saved=request.args.get("saved"),
                           steps=[step for step, before in TRANSITIONS.items() if found["status"] in before])


@blp.route("/console/cohorts/<cohort_id>/status/<step>", methods=["GET", "POST"])
@coordinator_only
def transition(cohort_id, step):
    if step not in TRANSITIONS:
        abort(404)
    found = cohort(cohort_id)
    if request.method == "GET":
        return render_template("console/programmes/transition.html", cohort=found, step=step,
                               allowed=found["status"] in TRANSITIONS[step])
    try:
        call("intake", "POST", f"/cohorts/{cohort_id}/{step}")
    except ApiError as refused:
        if refused.status != 409:
            raise
        return render_template("console/programmes/transition.html", cohort=found, step=step, allowed=False,
                               problem=refused.message), 409
    return redirect(url_for("programmes.cohort", cohort_id=cohort_id, saved=step))
