"""The console's applications: a cohort's applications filtered, searched and a page at a time, the
waiting list in order, decisions one at a time or several at once (each said before it is sent),
an application's page, the list as CSV (and as the CSV Excel opens in each language), and the
cohort's nominations ranked per member organisation with accept, decline and inviting
representatives."""

from __future__ import annotations

import csv
import io

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import i18n
from ...backends import ApiError, backends
from .. import access
from ..access import Page, call, coordinator_only, page_number
from ..people import invite_representative, organisations
from .common import (  # noqa: F401  (the area's blueprint and names, shared with its retention page)
    DECISIONS,
    EXPORT_PAGE,
    MAX_CHOSEN,
    PAGE_SIZE,
    ROLES,
    STATUSES,
    blp,
    role_names,
    status_names,
)


def applications_page(cohort_id: str, filters: dict, number: int, size: int) -> Page:
    """One page of the cohort's applications as intake cuts it, with the total it counted."""
    params = {name: value for name, value in filters.items() if value}
    return access.paged("intake", f"/cohorts/{cohort_id}/applications", number, size, params)


def filters_asked() -> dict:
    """The list's filters from the query, each kept only if it is one the list knows."""
    asked = {name: request.args.get(name, "").strip() for name in ("role", "status", "profession", "q")}
    if asked["role"] not in ROLES:
        asked["role"] = ""
    if asked["status"] not in STATUSES:
        asked["status"] = ""
    if not asked["profession"].isdigit():
        asked["profession"] = ""
    asked["q"] = asked["q"][:320]
    return asked


_labels: dict[str, dict[str, str]] = {}


def profession_names(programme: dict) -> dict[str, str]:
    """The programme's professions, code -> name in the reader's language (ISCO-08's names, asked once per language)."""
    lang = i18n.locale()
    if lang not in _labels:
        _labels[lang] = {p["code"]: p["label"] for p in backends().intake.professions(lang)}
    codes = [p["code"] if isinstance(p, dict) else str(p) for p in programme.get("professions") or []]
    return {code: _labels[lang].get(code, code) for code in codes}


def profession_of(application: dict, names: dict[str, str]) -> str:
    found = application.get("profession") or application.get("wished_profession") or {}
    code = found.get("code", "")
    return f"{names.get(code) or _labels.get(i18n.locale(), {}).get(code, code)}" if code else ""


@blp.get("/console/applications")
@coordinator_only
def index():
    """Choose a cohort: its applications, waiting list and nominations."""
    return render_template("console/applications/index.html", cohorts=access.cohorts())


@blp.get("/console/cohorts/<cohort_id>/applications")
@coordinator_only
def cohort_applications(cohort_id: str):
    cohort = access.cohort(cohort_id)
    filters = filters_asked()
    number, size = page_number(PAGE_SIZE)
    page = applications_page(cohort_id, filters, number, size)
    waiting = applications_page(cohort_id, {"role": "mentee", "status": "waitlisted"}, 1, 10)
    names = profession_names(cohort["programme"])
    return render_template("console/applications/list.html", cohort=cohort, page=page, waiting=waiting,
                           filters=filters, professions=names, profession_of=lambda a: profession_of(a, names),
                           roles=role_names(), statuses=status_names(), decisions=DECISIONS,
                           filtered=any(filters.values()), problem=request.args.get("problem"))


def _decision_says(decision: str, count: int) -> str:
    if decision == "accepted":
        return _("%(count)s people get an e-mail saying that they have a place.", count=count)
    if decision == "waitlisted":
        return _("%(count)s people get an e-mail saying that they are on the waiting list.", count=count)
    return _("%(count)s people get an e-mail saying that they did not get a place.", count=count)


@blp.post("/console/cohorts/<cohort_id>/decisions")
@coordinator_only
def decide(cohort_id: str):
    """Decide the chosen applications: first say what will be sent, then (confirmed) send it."""
    cohort = access.cohort(cohort_id)
    chosen = list(dict.fromkeys(request.form.getlist("ids")))[:MAX_CHOSEN]
    decision = request.form.get("decision", "")
    back = request.form.get("back") or url_for(".cohort_applications", cohort_id=cohort_id)
    if not back.startswith("/console/"):
        back = url_for(".cohort_applications", cohort_id=cohort_id)
    if decision not in DECISIONS or not chosen:
        problem = _("Choose at least one application and a decision.")
        return render_template("console/applications/decide.html", cohort=cohort, problem=problem, back=back,
                               chosen=[], decision=decision, statuses=status_names()), 422
    people = [call("intake", "GET", f"/applications/{id_}") for id_ in chosen]
    people = [p for p in people if p["cohort_id"] == cohort_id]
    if request.form.get("confirmed") != "yes":
        return render_template("console/applications/decide.html", cohort=cohort, chosen=people, decision=decision,
                               says=_decision_says(decision, len(people)), back=back, problem=None,
                               statuses=status_names())
    done, refused = [], []
    for person in people:
        try:
            done.append(call("intake", "POST", f"/applications/{person['id']}/decision", json={"status": decision}))
        except ApiError as exc:
            if exc.status != 409:
                raise
            refused.append(person)
    return render_template("console/applications/decided.html", cohort=cohort, done=done, refused=refused,
                           decision=decision, back=back, statuses=status_names())


@blp.get("/console/applications/<application_id>")
@coordinator_only
def application(application_id: str):
    found = call("intake", "GET", f"/applications/{application_id}")
    cohort = access.cohort(found["cohort_id"])
    names = profession_names(cohort["programme"])
    return render_template("console/applications/application.html", application=found, cohort=cohort,
                           roles=role_names(), statuses=status_names(), decisions=DECISIONS,
                           profession=profession_of(found, names))


def _excel_separator() -> str:
    # Excel reads ";" where the decimal comma is the custom (sv, fi, nb), "," in English
    return "," if i18n.locale() == "en" else ";"


@blp.get("/console/cohorts/<cohort_id>/applications.csv")
@coordinator_only
def export(cohort_id: str):
    """The list with the filters, every page of it: plain CSV (UTF-8, commas), or ``?excel=1`` for
    Excel: UTF-8 with a byte order mark and the separator Excel expects in the reader's language."""
    cohort = access.cohort(cohort_id)
    filters = filters_asked()
    names = profession_names(cohort["programme"])
    excel = request.args.get("excel") == "1"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=_excel_separator() if excel else ",", lineterminator="\r\n")
    writer.writerow([_("Arrival"), _("Role"), _("Name"), _("E-mail"), _("Phone"), _("Status"),
                     _("Place on the waiting list"), _("Profession"), _("City"), _("Submitted")])
    number, roles, statuses = 1, role_names(), status_names()
    while True:
        page = applications_page(cohort_id, filters, number, EXPORT_PAGE)
        for a in page.rows:
            writer.writerow([a.get("arrival") or "", roles.get(a["role"], a["role"]), a["name"], a["email"],
                             a.get("phone") or "", statuses.get(a["status"], a["status"]),
                             a.get("waitlist_position") or "", profession_of(a, names), a.get("city") or "",
                             i18n.when(a.get("submitted_at"), cohort["time_zone"])])
        if number >= page.pages:
            break
        number += 1
    body = out.getvalue()
    name = f"applications-{cohort_id[:8]}{'-excel' if excel else ''}.csv"
    return Response(("\ufeff" + body) if excel else body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Content-Type": "text/csv; charset=utf-8"})


def nomination_groups(cohort: dict, nominations: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """(organisation id, its name, its nominations by rank), in the programme's order of members."""
    members = {m["id"]: i18n.pick(m.get("name")) for m in cohort["programme"].get("member_organisations") or []}
    groups: dict[str, list[dict]] = {}
    for n in nominations:
        groups.setdefault(n["organisation"], []).append(n)
    order = [o for o in members if o in groups] + sorted(o for o in groups if o not in members)
    return [(o, members.get(o, o), sorted(groups[o], key=lambda n: n["rank"])) for o in order]


@blp.route("/console/cohorts/<cohort_id>/nominations", methods=["GET", "POST"])
@coordinator_only
def nominations(cohort_id: str):
    """Nominations ranked per member organisation; inviting a representative (POST)."""
    cohort = access.cohort(cohort_id)
    typed = {name: request.form.get(name, "").strip() for name in ("name", "email", "organisation", "locale")}
    errors, problem, invited, status = {}, None, None, 200
    if request.method == "POST":
        errors, problem, invited = invite_representative(typed)
        status = 422 if errors or problem else 200
        if invited:
            typed = {}
    found = call("intake", "GET", f"/cohorts/{cohort_id}/nominations")
    return render_template("console/applications/nominations.html", cohort=cohort,
                           groups=nomination_groups(cohort, found), typed=typed, errors=errors, problem=problem,
                           invited=invited, organisations=organisations([cohort["programme"]]),
                           locale_names=i18n.NAMES, decided=request.args.get("decided")), status


@blp.post("/console/cohorts/<cohort_id>/nominations/<nomination_id>")
@coordinator_only
def nomination_decision(cohort_id: str, nomination_id: str):
    """Accept or decline a nomination: first say what it sends, then (confirmed) do it."""
    cohort = access.cohort(cohort_id)
    decision = request.form.get("decision")
    nomination = next((n for n in call("intake", "GET", f"/cohorts/{cohort_id}/nominations")
                       if n["id"] == nomination_id), None)
    if nomination is None:
        from flask import abort

        abort(404)
    if decision not in ("accept", "decline"):
        return redirect(url_for(".nominations", cohort_id=cohort_id))
    if request.form.get("confirmed") != "yes":
        return render_template("console/applications/nomination_decide.html", cohort=cohort, nomination=nomination,
                               decision=decision)
    try:
        call("intake", "POST", f"/nominations/{nomination_id}/decision", json={"decision": decision})
    except ApiError as exc:
        if exc.status != 409:
            raise
    return redirect(url_for(".nominations", cohort_id=cohort_id, decided=nomination["name"]))


from . import retention  # noqa: E402, F401  (its page is on this blueprint)
