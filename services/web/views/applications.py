"""My application, opened from the personal link: where it stands, withdrawing it, keeping my
details longer (extending my consent) before they are erased, and downloading all my data."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh

from .. import personal_data
from ..backends import ApiError, backends, scheduling

blp = Blueprint("applications", __name__)
EXTEND_MONTHS = 12


def own_application(token: str) -> dict | None:
    """The application this link is for, in its owner's language unless they chose another;
    None when the link does not work (expired, changed, or not a link to an application)."""
    try:
        application = backends().intake.my_application(token)
    except ApiError as refused:
        if refused.status in (401, 403, 404):
            return None
        raise
    g.person_locale = application.get("locale")
    refresh()  # the language may have been chosen before the page knew whose it is
    return application


def cohort_of(application: dict) -> dict | None:
    """The cohort's public page, for its name and dates; a paused or closed one shows none."""
    try:
        return backends().intake.public_cohort(application["cohort_id"], application.get("locale") or "sv")
    except ApiError:
        return None


def bad_link():
    return render_template("error.html", reason="bad_link"), 404


@blp.get("/applications/mine")
def mine():
    token = request.args.get("token", "")
    application = own_application(token) if token else None
    if application is None:
        return bad_link()
    return _my_page(application, token)


def my_pair(application: dict, token: str) -> dict | None:
    """The pair the person is in for this application, with their partner's name; None before
    matching has paired them (or when scheduling does not answer: the page does without it)."""
    if application.get("status") != "accepted":
        return None
    try:
        pairs = scheduling().mine(token).get("pairs") or []
    except ApiError:
        return None
    for pair in pairs:
        if pair.get("status") == "active" and pair.get("cohort_id") == application.get("cohort_id"):
            partner = pair.get("mentor") if pair.get("my_role") == "mentee" else pair.get("mentee")
            return {"id": pair["pair_id"], "partner": (partner or {}).get("name")}
    return None


def _my_page(application: dict, token: str, problem: str | None = None, status: int = 200):
    cohort = cohort_of(application)
    return render_template("my_application.html", application=application, cohort=cohort, token=token,
                           pair=my_pair(application, token),
                           kept_until=kept_until(application, cohort), problem=problem,
                           just_applied=request.args.get("applied") == "1",
                           withdrawn=request.args.get("withdrawn") == "1",
                           extended=request.args.get("extended") == "1"), status


def kept_until(application: dict, cohort: dict | None) -> str | None:
    """The last day the person's details are kept (ISO date, in the cohort's time zone): intake
    erases them at the midnight that ends it. None while no date is set (the cohort runs on)."""
    until = application.get("retention_until")
    if not until:
        return None
    zone = ZoneInfo((cohort or {}).get("time_zone") or "Europe/Stockholm")
    return (datetime.fromisoformat(until).astimezone(zone) - timedelta(seconds=1)).date().isoformat()


@blp.get("/applications/mine/data.json")
def my_data():
    """Everything Tandem holds about me, in every service, as one JSON file; none when a part is missing."""
    token = request.args.get("token", "")
    application = own_application(token) if token else None
    if application is None:
        return bad_link()
    try:
        document = personal_data.own(token)
    except personal_data.Incomplete:
        return render_template("my_data_unavailable.html", token=token), 503, {"Retry-After": "300"}
    return personal_data.download(document, "tandem-my-data")


@blp.post("/applications/mine/consent")
def extend_consent():
    """Keep my details 12 months longer: I agree to the consent text again, for a longer period."""
    token = request.args.get("token", "")
    application = own_application(token) if token else None
    if application is None:
        return bad_link()
    if request.form.get("consent") != "yes":
        return _my_page(application, token, problem=_("Tick the box to agree."), status=422)
    cohort = cohort_of(application) or {}
    version = cohort.get("consent_version") or application.get("consent_version") or ""
    try:
        backends().intake.call("POST", "/intake/applications/mine/consent", token=token,
                               json={"extend_months": EXTEND_MONTHS, "text_version": version})
    except ApiError as refused:
        if refused.status not in (409, 422):
            raise
        return _my_page(application, token, problem=_("We could not extend the time. Please contact the coordinator."),
                        status=409)
    return redirect(url_for("applications.mine", token=token, extended=1))


@blp.route("/applications/mine/withdraw", methods=["GET", "POST"])
def withdraw():
    token = request.args.get("token", "")
    application = own_application(token) if token else None
    if application is None:
        return bad_link()
    if application["status"] == "withdrawn":
        return redirect(url_for("applications.mine", token=token))
    if request.method == "GET":
        return render_template("withdraw.html", application=application, cohort=cohort_of(application), token=token)
    try:
        backends().intake.withdraw(token)
    except ApiError as refused:
        if refused.status != 409:
            raise
        return render_template("withdraw.html", application=application, cohort=cohort_of(application), token=token,
                               problem=refused.message), 409
    return redirect(url_for("applications.mine", token=token, withdrawn=1))
