"""Messages: the delivery log (filtered, a page at a time, with failures and their reasons, and a
failed one sent again), announcements to a cohort (previewed in each language and confirmed with
whom they go to before they are sent), the tenant's own wording of a message per language
(previewed, and refused with the reason beside the field), and webhooks (created, the secret
rotated and shown once, their recent deliveries).

Notify does the work and keeps every rule; these pages call it with the coordinator's token.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...backends import ApiError
from ...forms import translated
from ..access import Page, call, cohort, cohorts, coordinator_only, page_number

blp = Blueprint("messages", __name__, template_folder="templates")

LOCALES = ("sv", "fi", "nb", "en")
STATUSES = ("pending", "sent", "failed", "suppressed", "cancelled")
ROLES = ("mentee", "mentor")
TEMPLATE_PARTS = ("subject", "text", "html")


def status_names() -> dict[str, str]:
    return {"pending": _("Waiting to be sent"), "sent": _("Sent"), "failed": _("Failed"),
            "suppressed": _("Not sent (by choice or rule)"), "cancelled": _("Cancelled")}


def role_names() -> dict[str, str]:
    return {"mentee": _("Mentees"), "mentor": _("Mentors")}


def first_error(errors) -> str:
    """The first message of an API field's errors (a list, or nested per language)."""
    if isinstance(errors, list):
        return str(errors[0]) if errors else ""
    if isinstance(errors, dict):
        return next((first_error(v) for v in errors.values()), "")
    return str(errors)


# --- the delivery log ---------------------------------------------------------------------------


@blp.get("/console/messages")
@coordinator_only
def index():
    """The delivery log, newest first, filtered by cohort, person, status and kind of message."""
    chosen = {name: request.args.get(name, "").strip() for name in ("cohort", "person", "status", "message")}
    params = {"order": "newest"}
    if chosen["cohort"]:
        params["cohort_id"] = chosen["cohort"]
    if chosen["person"]:
        params["person"] = chosen["person"]
    if chosen["status"] in STATUSES:
        params["status"] = chosen["status"]
    kinds = call("notify", "GET", "/templates")
    if chosen["message"] in {k["message"] for k in kinds} | {"webhook"}:
        params["message"] = chosen["message"]
    number, size = page_number(50)
    errors = {}
    try:
        total = call("notify", "GET", "/deliveries/count", params=params)["total"]
        rows = call("notify", "GET", "/deliveries", params={**params, "limit": size, "offset": (number - 1) * size})
    except ApiError as refused:
        if refused.status != 404:
            raise
        # a person (or cohort) the tenant's log has never heard of
        errors["person" if chosen["person"] else "cohort"] = _("No messages have gone to this person.")
        total, rows = 0, []
    known = cohorts()
    names = {c["id"]: c["name"] for c in known}
    return render_template("console/messages/index.html", page=Page(rows, number, size, total), chosen=chosen,
                           cohorts=known, cohort_names=names, kinds=kinds, statuses=status_names(), errors=errors,
                           retried=request.args.get("retried")), (422 if errors else 200)


@blp.route("/console/messages/deliveries/<delivery_id>/retry", methods=["GET", "POST"])
@coordinator_only
def retry(delivery_id: str):
    """Send a failed delivery again: said first, done on the button."""
    delivery = call("notify", "GET", f"/deliveries/{delivery_id}")
    if request.method == "GET":
        return render_template("console/messages/retry.html", delivery=delivery, statuses=status_names())
    try:
        call("notify", "POST", f"/deliveries/{delivery_id}/retry")
    except ApiError as refused:
        if refused.status != 409:
            raise
        return render_template("console/messages/retry.html", delivery=delivery, statuses=status_names(),
                               problem=_("This message cannot be sent again: it is no longer failed, or its text is no longer kept.")), 409
    return redirect(url_for("messages.index", retried=delivery_id))


# --- announcements ------------------------------------------------------------------------------


def typed_announcement(form) -> dict:
    return {"subject": {code: form.get(f"subject-{code}", "").strip() for code in LOCALES},
            "body": {code: form.get(f"body-{code}", "").strip() for code in LOCALES},
            "roles": [r for r in form.getlist("roles") if r in ROLES],
            "essential": form.get("essential") == "yes"}


def announcement_body(typed: dict) -> dict:
    """The API's body: the languages written (subject or text), both roles when none is ticked."""
    written = [code for code in LOCALES if typed["subject"][code] or typed["body"][code]]
    return {"subject": {code: typed["subject"][code] for code in written},
            "body": {code: typed["body"][code] for code in written},
            "roles": typed["roles"] or list(ROLES), "essential": typed["essential"]}


def announcement_errors(typed: dict, refused: ApiError) -> dict[str, str]:
    """The API's field errors beside the fields: a language's subject or text, or the first language."""
    errors: dict[str, str] = {}
    written = [code for code in LOCALES if typed["subject"][code] or typed["body"][code]] or ["sv"]
    for name, found in refused.field_errors.items():
        if name in ("subject", "body"):
            if isinstance(found, dict):
                for code, problem in found.items():
                    if code in LOCALES:
                        errors[f"{name}-{code}"] = translated(f"{name}-{code}", first_error(problem))
                continue
            code = next((c for c in written if not typed[name][c]), written[0])
            errors[f"{name}-{code}"] = (_("Write the subject and the text in the same languages.")
                                        if typed["subject"][code] or typed["body"][code] else _("Write this."))
        elif name == "roles":
            errors["roles"] = _("Choose one of the options in the list.")
    if not errors:
        errors["subject-sv"] = _("Write a subject and a text in at least one language.")
    return errors


@blp.route("/console/cohorts/<cohort_id>/announcements", methods=["GET", "POST"])
@coordinator_only
def announcements(cohort_id: str):
    """Write to a cohort: the form, its preview in each language with whom it goes to, then send."""
    found = cohort(cohort_id)
    number, size = page_number(20)

    def page(**extra):
        total = call("notify", "GET", f"/cohorts/{cohort_id}/announcements/count")["total"]
        rows = call("notify", "GET", f"/cohorts/{cohort_id}/announcements",
                    params={"limit": size, "offset": (number - 1) * size})
        return render_template("console/messages/announcements.html", cohort=found, page=Page(rows, number, size, total),
                               roles=role_names(), locales=LOCALES, **{"typed": None, "errors": {}, **extra})

    if request.method == "GET":
        return page(sent=request.args.get("sent"))
    typed = typed_announcement(request.form)
    body = announcement_body(typed)
    action = request.form.get("action")
    if action == "edit":
        return page(typed=typed)
    try:
        if action == "send":
            made = call("notify", "POST", f"/cohorts/{cohort_id}/announcements", json=body)
            return redirect(url_for("messages.announcements", cohort_id=cohort_id, sent=made["recipients"]))
        preview = call("notify", "POST", f"/cohorts/{cohort_id}/announcements/preview", json=body)
    except ApiError as refused:
        if refused.status != 422:
            raise
        return page(typed=typed, errors=announcement_errors(typed, refused)), 422
    return render_template("console/messages/announcement_preview.html", cohort=found, typed=typed, preview=preview,
                           roles=role_names(), locales=LOCALES)


# --- the tenant's own wording of a message ------------------------------------------------------


@blp.get("/console/messages/templates")
@coordinator_only
def templates():
    return render_template("console/messages/templates.html", kinds=call("notify", "GET", "/templates"),
                           locales=LOCALES, saved=request.args.get("saved"))


@blp.route("/console/messages/templates/<message>/<locale>", methods=["GET", "POST"])
@coordinator_only
def template(message: str, locale: str):
    """A message's wording in one language: edit, preview, save, or go back to the platform's."""
    if locale not in LOCALES:
        abort(404)
    current = call("notify", "GET", f"/templates/{message}/{locale}")
    kind = next((k for k in call("notify", "GET", "/templates") if k["message"] == message), None)
    shown = {"message": message, "locale": locale, "current": current, "kind": kind}
    if request.method == "GET":
        typed = {part: current[part] for part in TEMPLATE_PARTS}
        return render_template("console/messages/template.html", **shown, typed=typed, errors={}, preview=None)
    action = request.form.get("action")
    if action == "reset":
        if current["overridden"]:
            call("notify", "DELETE", f"/templates/{message}/{locale}")
        return redirect(url_for("messages.templates", saved=f"{message}/{locale}"))
    typed = {part: request.form.get(part, "").replace("\r\n", "\n") for part in TEMPLATE_PARTS}
    body = {part: typed[part] if typed[part].strip() else None for part in TEMPLATE_PARTS}  # empty: keep Tandem's
    try:
        if action == "save":
            call("notify", "PUT", f"/templates/{message}/{locale}", json=body)
            return redirect(url_for("messages.templates", saved=f"{message}/{locale}"))
        preview = call("notify", "POST", f"/templates/{message}/{locale}/preview", json=body)
    except ApiError as refused:
        if refused.status != 422:
            raise
        errors = {part: _("The template cannot be used: %(reason)s", reason=first_error(found))
                  for part, found in refused.field_errors.items() if part in TEMPLATE_PARTS}
        if not errors:
            errors["subject"] = _("The template cannot be used: %(reason)s", reason=refused.message)
        return render_template("console/messages/template.html", **shown, typed=typed, errors=errors, preview=None), 422
    return render_template("console/messages/template.html", **shown, typed=typed, errors={}, preview=preview)


# --- webhooks -----------------------------------------------------------------------------------


def webhooks_page(status: int = 200, **extra):
    endpoints = call("notify", "GET", "/webhooks")
    recent = {e["id"]: call("notify", "GET", "/deliveries", params={"channel": "webhook", "recipient": e["id"],
                                                                    "order": "newest", "limit": 5})
              for e in endpoints}
    values = {"typed": {"url": "", "description": ""}, "errors": {}, "secret": None, **extra}
    return render_template("console/messages/webhooks.html", endpoints=endpoints, recent=recent,
                           statuses=status_names(), **values), status


@blp.route("/console/messages/webhooks", methods=["GET", "POST"])
@coordinator_only
def webhooks():
    """The tenant's webhooks and their recent deliveries; a new one added (its secret shown once)."""
    if request.method == "GET":
        return webhooks_page(done=request.args.get("done"))
    typed = {"url": request.form.get("url", "").strip(), "description": request.form.get("description", "").strip()}
    try:
        made = call("notify", "POST", "/webhooks", json=typed)
    except ApiError as refused:
        if refused.status != 422:
            raise
        errors = {name: (_("Enter an address that starts with https:// and is reachable from the internet.")
                         if name == "url" else translated(name, first_error(found)))
                  for name, found in refused.field_errors.items() if name in typed}
        return webhooks_page(422, typed=typed, errors=errors or {"url": translated("url", refused.message)})
    return webhooks_page(secret=made.get("secret"), done="created")


@blp.post("/console/messages/webhooks/secret")
@coordinator_only
def rotate_secret():
    """A new signing secret, shown on this page once."""
    rotated = call("notify", "POST", "/webhooks/secret/rotate")
    return webhooks_page(secret=rotated["secret"], previous_until=rotated.get("previous_valid_until"), done="rotated")


@blp.post("/console/messages/webhooks/<endpoint_id>")
@coordinator_only
def webhook(endpoint_id: str):
    """Pause, resume or remove a webhook."""
    action = request.form.get("action")
    if action == "remove":
        call("notify", "DELETE", f"/webhooks/{endpoint_id}")
    elif action in ("pause", "resume"):
        call("notify", "PATCH", f"/webhooks/{endpoint_id}", json={"active": action == "resume"})
    else:
        abort(400)
    return redirect(url_for("messages.webhooks", done=action))
