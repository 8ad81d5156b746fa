"""Staff sign-in without a password, the staff member's session, and a representative's nominations.

The session holds only "a bearer token for this staff member" and who they are, however the token
was obtained (today a single-use link from intake; a tenant's own OpenID Connect provider could
give one later without changing these pages). The token never appears in a page or a URL. A
session ends on sign-out, when the token expires, or after ``idle_minutes`` without a request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.shared import clock

from .. import forms, i18n
from ..backends import ApiError, staff

blp = Blueprint("staff", __name__)

KEY = "staff"  # the signed-in staff member in the session: token, role, tenant, name, organisation (ids and names)
SEEN = "staff_seen"  # when the staff member last made a request


def signed_in() -> dict | None:
    return session.get(KEY)


def _sign_out() -> None:
    session.pop(KEY, None)
    session.pop(SEEN, None)


@blp.before_app_request
def _expire_idle() -> None:
    """An idle session (no request for ``idle_minutes``) or an expired token ends the sign-in."""
    person = signed_in()
    if person is None:
        return
    now = clock.now()
    idle = timedelta(minutes=current_app.config["TANDEM_WEB_SETTINGS"].idle_minutes)
    seen = session.get(SEEN)
    expires = person.get("expires_at")
    if (seen is None or now - datetime.fromisoformat(seen) > idle
            or (expires and datetime.fromisoformat(expires) <= now)):
        _sign_out()
        return
    session[SEEN] = now.isoformat()
    g.person_locale = person.get("locale")  # their own language, where they chose none on the page


def staff_only(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if signed_in() is None:
            return redirect(url_for("staff.sign_in"))
        try:
            return view(*args, **kwargs)
        except ApiError as refused:
            if refused.status == 401:  # the token ended before the session did
                _sign_out()
                return redirect(url_for("staff.sign_in"))
            raise
    return wrapper


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return render_template("sign_in.html", email="", error=None, sent=False)
    email = request.form.get("email", "").strip()
    if "@" not in email or len(email) > 320:
        return render_template("sign_in.html", email=email, sent=False,
                               error=_("Enter an e-mail address like name@example.com.")), 422
    try:
        staff().sign_in(email, i18n.locale())
    except ApiError as refused:
        if refused.status == 422:
            return render_template("sign_in.html", email=email, sent=False,
                                   error=_("Enter an e-mail address like name@example.com.")), 422
        raise
    return render_template("sign_in.html", email=email, sent=True, error=None)


@blp.route("/sign-in/<code>", methods=["GET", "POST"])
def redeem(code: str):
    # a GET only shows the button: a link scanner that opens the link must not use up the code
    if request.method == "GET":
        return render_template("sign_in_code.html", code=code)
    try:
        answer = staff().redeem(code)
    except ApiError as refused:
        if refused.status not in (400, 404, 422):
            raise
        return render_template("sign_in_bad.html"), 404
    session.clear()  # a new sign-in starts a new session: nothing (nor a CSRF token) carries over
    session[KEY] = {name: answer.get(name) for name in ("token", "role", "tenant", "tenant_name", "name", "organisation",
                                                        "organisation_name", "locale", "expires_at")}
    session[SEEN] = clock.now().isoformat()
    return redirect(_landing(answer.get("role")))


def _landing(role: str | None) -> str:
    """Where a staff member goes once signed in: a coordinator to the console, anyone else to /staff."""
    if role == "coordinator" and "console.landing" in current_app.view_functions:
        return url_for("console.landing")
    return url_for("staff.home")


@blp.post("/sign-out")
def sign_out():
    session.clear()
    return render_template("sign_in.html", email="", error=None, sent=False, signed_out=True)


@blp.get("/staff")
@staff_only
def home():
    minutes = current_app.config["TANDEM_WEB_SETTINGS"].idle_minutes
    return render_template("staff.html", person=signed_in(), idle_minutes=f"{minutes:g}",
                           console="console.landing" in current_app.view_functions)


@blp.get("/nominations")
@staff_only
def nominating():
    """The cohorts the representative's organisation may nominate mentors to now, each with its nominations."""
    person = signed_in()
    if person["role"] != "representative":
        return redirect(url_for("staff.home"))
    token = person["token"]
    cohorts = [{**cohort, "nominations": staff().nominations(token, cohort["id"])}
               for cohort in staff().nominating_cohorts(token, i18n.locale())]
    return render_template("nominations.html", overview=True, cohorts=cohorts)


@blp.route("/nominations/<cohort_id>", methods=["GET", "POST"])
@staff_only
def nominations(cohort_id: str):
    """A representative's nominations for one cohort, ranked, and a form to nominate one more."""
    person = signed_in()
    if person["role"] != "representative":
        return redirect(url_for("staff.home"))
    typed = {name: request.form.get(name, "").strip() for name in ("name", "email", "rank", "note", "locale")}
    errors, problem, status = {}, None, 200
    if request.method == "POST":
        body = {name: typed[name] for name in ("name", "email", "note")}
        body["rank"] = int(typed["rank"]) if typed["rank"].isdigit() else typed["rank"]
        if typed["locale"]:
            body["locale"] = typed["locale"]
        try:
            staff().nominate(person["token"], cohort_id, body)
        except ApiError as refused:
            if refused.status not in (403, 409, 422):
                raise
            errors, problem, status = *_refusal(refused), refused.status
        else:
            return redirect(url_for("staff.nominations", cohort_id=cohort_id, nominated=1))
    try:
        listed = staff().nominations(person["token"], cohort_id)
    except ApiError as refused:
        if refused.status != 404:
            raise
        return render_template("error.html", reason="not_found"), 404
    cohort = _cohort(cohort_id)
    return render_template("nominations.html", overview=False, cohort=cohort, cohort_id=cohort_id, nominations=listed,
                           form=typed if status != 200 else {"locale": i18n.locale()}, errors=errors, problem=problem,
                           nominated=request.args.get("nominated") == "1"), status


def _cohort(cohort_id: str) -> dict | None:
    try:
        return staff().public_cohort(cohort_id, i18n.locale())
    except ApiError:
        return None  # paused or closed to the public: the nominations are still the representative's


def _refusal(refused: ApiError) -> tuple[dict[str, str], str | None]:
    """Intake's reasons beside the fields (422's field errors, or the field a conflict is about),
    or one for the whole form (the deadline passed, not a member organisation)."""
    if refused.status == 403:
        return {}, _("Your organisation is not a member of this programme, so you cannot nominate mentors to it.")
    named = refused.field_errors if refused.status == 422 else (refused.errors or {})
    if "nomination_deadline" in named:
        return {}, _("Nominations to this cohort have closed.")
    found = {}
    for name, messages in named.items():
        message = messages[0] if isinstance(messages, list) and messages else str(messages)
        if name == "email" and refused.status == 409:
            found["email"] = _("This person is nominated to this cohort already.")
        elif name == "rank" and refused.status == 409:
            found["rank"] = _("Another of your nominees has this rank. Choose another rank.")
        elif name == "rank":
            found["rank"] = _("Enter a rank from 1 to 1000. 1 is your first choice.")
        elif name == "name" and message in ("Missing data for required field.", "Shorter than minimum length 1."):
            found["name"] = _("Enter the mentor's full name.")
        elif name == "email" and message == "Missing data for required field.":
            found["email"] = _("Enter the mentor's e-mail address.")
        elif name in ("name", "email", "note", "locale"):
            found[name] = forms.translated(name, message)
    return found, (None if found else refused.message)
