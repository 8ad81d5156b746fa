"""My application, opened from the personal link: where it stands, and withdrawing it."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import refresh

from ..backends import ApiError, backends

blp = Blueprint("applications", __name__)


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
    return render_template("my_application.html", application=application, cohort=cohort_of(application), token=token,
                           just_applied=request.args.get("applied") == "1",
                           withdrawn=request.args.get("withdrawn") == "1")


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
