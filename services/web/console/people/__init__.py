"""The console's staff page: the tenant's coordinators and member organisations' representatives —
invite them (they get a sign-in link by e-mail), set their roles, and remove them (they can no
longer sign in)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import forms, i18n
from ...backends import ApiError
from .. import access
from ..access import call, coordinator_only, page_number

blp = Blueprint("people", __name__, template_folder="templates")

PAGE_SIZE = 50
ROLES = ("coordinator", "representative")


def role_names() -> dict[str, str]:
    return {"coordinator": _("Coordinator"), "representative": _("Representative")}


def organisations(programmes: list[dict]) -> dict[str, str]:
    """The member organisations of the programmes, id -> name, in the order they are listed."""
    found: dict[str, str] = {}
    for programme in programmes:
        for member in programme.get("member_organisations") or []:
            found.setdefault(member["id"], i18n.pick(member.get("name")) or member["id"])
    return found


def _errors(refused: ApiError) -> tuple[dict[str, str], str | None]:
    """Intake's reasons beside the invitation's fields, in the reader's language."""
    named = refused.field_errors if refused.status == 422 else {}
    if refused.status == 409:
        return {"email": _("This address is staff of your organisation already.")}, None
    found = {}
    for name, messages in named.items():
        message = messages[0] if isinstance(messages, list) and messages else str(messages)
        if name == "organisation":
            found[name] = _("Choose the member organisation the representative speaks for.")
        elif name in ("name", "email", "role", "locale"):
            found[name] = forms.translated(name, message)
    return found, (None if found else refused.message or _("The invitation was not sent."))


def _invite(body: dict) -> tuple[dict, str | None, dict | None]:
    try:
        return {}, None, call("intake", "POST", "/staff", json=body)
    except ApiError as refused:
        if refused.status not in (409, 422):
            raise
        return *_errors(refused), None


def _typed_body(typed: dict, role: str) -> dict:
    body = {"email": typed.get("email", ""), "name": typed.get("name", ""), "role": role,
            "locale": typed.get("locale") or i18n.locale()}
    if role == "representative":
        body["organisation"] = typed.get("organisation") or None
    return body


def invite_representative(typed: dict) -> tuple[dict, str | None, dict | None]:
    """Invite a member organisation's representative: (field errors, a problem, the invited)."""
    body = _typed_body(typed, "representative")
    if not body["organisation"]:
        return {"organisation": _("Choose the member organisation the representative speaks for.")}, None, None
    return _invite(body)


@blp.route("/console/staff", methods=["GET", "POST"])
@coordinator_only
def index():
    """The staff, a page at a time, and a form to invite one more."""
    typed = {name: request.form.get(name, "").strip() for name in ("name", "email", "role", "organisation", "locale")}
    errors, problem, invited, status = {}, None, None, 200
    if request.method == "POST":
        role = typed["role"] if typed["role"] in ROLES else ""
        if not role:
            errors = {"role": _("Choose a role.")}
        elif role == "representative" and not typed["organisation"]:
            errors = {"organisation": _("Choose the member organisation the representative speaks for.")}
        else:
            errors, problem, invited = _invite(_typed_body(typed, role))
        status = 422 if errors or problem else 200
        if invited:
            typed = {}
    number, size = page_number(PAGE_SIZE)
    page = access.paged("intake", "/staff", number, size)
    return render_template("console/people/index.html", page=page, typed=typed, errors=errors, problem=problem,
                           invited=invited, roles=role_names(), organisations=organisations(access.programmes()),
                           locale_names=i18n.NAMES,
                           done=request.args.get("done")), status


def _member(staff_id: str) -> dict:
    found = next((m for m in call("intake", "GET", "/staff") if m["id"] == staff_id), None)
    if found is None:
        abort(404)
    return found


@blp.post("/console/staff/<staff_id>/role")
@coordinator_only
def change_role(staff_id: str):
    member = _member(staff_id)
    role = request.form.get("role", "")
    organisation = request.form.get("organisation", "").strip() or None
    if role not in ROLES or (role == "representative" and not organisation):
        return redirect(url_for(".index", done="role-refused"))
    call("intake", "PATCH", f"/staff/{member['id']}",
         json={"role": role, "organisation": organisation if role == "representative" else None})
    return redirect(url_for(".index", done="role"))


@blp.post("/console/staff/<staff_id>/remove")
@coordinator_only
def remove(staff_id: str):
    """Say what removing does, then (confirmed) remove: they can no longer sign in."""
    member = _member(staff_id)
    if request.form.get("confirmed") != "yes":
        return render_template("console/people/remove.html", member=member, roles=role_names())
    call("intake", "DELETE", f"/staff/{member['id']}")
    return redirect(url_for(".index", done="removed"))
