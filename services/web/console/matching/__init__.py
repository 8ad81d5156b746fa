"""The console's matching: start a run of a cohort (exact or stable) and follow it while the
worker matches, review its proposals a page at a time with each pair's score per criterion as a
chart, see who was left without a mentor and why, ask "why not this mentor?", approve one pair or
all, reject, pin and forbid, and run again. Confirmed pairs are kept by every run.

Every rule stays in matching; these pages send what the coordinator chose and show matching's
answers. A review page makes the same few calls however large the run: the proposals and the
unmatched mentees come from matching a page at a time.
"""

from __future__ import annotations

from babel.numbers import parse_pattern
from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from ... import i18n
from ...backends import ApiError
from .. import access
from ..access import Page, call, coordinator_only, page_number

blp = Blueprint("matching", __name__, template_folder="templates")

PAGE_SIZE = 50
ACTIVE = ("queued", "running")
MODES = {"optimal": lazy_gettext("Exact: the best total score for the whole cohort"),
         "stable": lazy_gettext("Stable: no mentee and mentor would both rather be together")}
CRITERIA = {
    "profession": lazy_gettext("Profession"),
    "education_field": lazy_gettext("Field of education"),
    "sector": lazy_gettext("Sector"),
    "location": lazy_gettext("Location"),
    "mother_tongue": lazy_gettext("Mother tongue"),
    "experience": lazy_gettext("Experience"),
    "interests": lazy_gettext("Interests"),
}
STATUS = {
    "proposed": lazy_gettext("Proposed"),
    "approved": lazy_gettext("Confirmed: kept"),
    "rejected": lazy_gettext("Rejected"),
    "superseded": lazy_gettext("Replaced by a newer run"),
}
REASONS = {
    "no_shared_language": lazy_gettext("No mentor shares a language of mentoring with this mentee."),
    "excluded": lazy_gettext("Every mentor who shares a language is ruled out: the same employer, an employer "
                             "the mentee excluded, or a pair you forbade."),
    "mentors_lack_required_language": lazy_gettext("Every mentor who shares a language lacks a language the "
                                                   "programme requires of mentors."),
    "all_at_capacity": lazy_gettext("Every mentor who could take this mentee has no free place."),
    "seat_left": lazy_gettext("A mentor who could take this mentee still has a free place."),
}
# why a run failed, by matching's failure_code; a pin's own detail (names) stays as matching wrote it
FAILURES = {
    "no_mentees": lazy_gettext("No mentees have applied to this cohort yet."),
    "no_mentors": lazy_gettext("No mentors have applied to this cohort yet, or none is accepted."),
    "all_mentees_paired": lazy_gettext("Every accepted mentee already has a confirmed mentor."),
    "all_mentors_full": lazy_gettext("Every accepted mentor already has as many confirmed mentees as they can take."),
    "invalid_weights": lazy_gettext("The programme's matching weights are not valid. Correct them in the programme."),
    "pin_conflict": lazy_gettext("Two of your pins cannot both be kept."),
    "pin_breaks_rule": lazy_gettext("A pin breaks a rule that matching never breaks."),
    "interrupted": lazy_gettext("The run was stopped several times before it could finish. Start it again."),
    "duplicate": lazy_gettext("Another run of this cohort was already waiting."),
}
RULES = {
    "no_shared_language": lazy_gettext("Not possible: they share no language of mentoring."),
    "forbidden": lazy_gettext("Not possible: you have forbidden this pair."),
    "same_employer": lazy_gettext("Not possible: the mentor works at the mentee's employer."),
    "excluded_employer": lazy_gettext("Not possible: the mentee has excluded the mentor's employer."),
}


class UnmatchedPage(Page):
    """The unmatched mentees' pages, turned with ``?unmatched=`` beside the proposals' ``?page=``."""

    def url(self, number: int) -> str:
        args = request.args.to_dict()
        args["unmatched"] = str(number)
        return url_for(request.endpoint, **(request.view_args or {}), **args) + "#unmatched"


NUMBER = parse_pattern("#,##0.##")  # a score as the reader writes numbers, read once: Babel parses a pattern per call


def number(value: float) -> str:
    return NUMBER.apply(value, i18n.reader())


def breakdown_rows(breakdown: dict, weights: dict) -> list[tuple[str, float | None, str]]:
    """The bars of a pair's score: each criterion's points against its weight, the figure in text.
    The labels and the sentence are looked up once per pair, not once per bar."""
    labels = criterion_labels()
    of = _("%(points)s of %(weight)s")
    rows = []
    for name, label in labels:
        points, weight = float(breakdown.get(name, 0.0)), float(weights.get(name, 0.0) or 0.0)
        share = points / weight if weight else None
        rows.append((label, share, of % {"points": number(points), "weight": number(weight)}))
    return rows


def criterion_labels() -> list[tuple[str, str]]:
    """Each criterion with its name in the reader's language, once per request."""
    found = g.get("tandem_criteria")
    if found is None or found[0] != i18n.locale():
        found = g.tandem_criteria = (i18n.locale(), [(name, str(label)) for name, label in CRITERIA.items()])
    return found[1]


def reason_text(row: dict) -> str:
    return str(REASONS.get(row["reason_code"], row["reason"]))


def failure_text(run: dict) -> tuple[str, str | None]:
    """Why ``run`` failed in the reader's words, and matching's own detail where it names people."""
    code = run.get("failure_code")
    if code in FAILURES:
        return str(FAILURES[code]), (run.get("failure_reason") if code.startswith("pin_") else None)
    return _("The run failed unexpectedly. The operators have the details."), None


def _runs(cohort_id: str) -> list[dict]:
    return call("matching", "GET", f"/cohorts/{cohort_id}/runs")


def _review(cohort: dict, problem: str | None = None, status: int = 200):
    runs = _runs(cohort["id"])
    active = next((r for r in runs if r["status"] in ACTIVE), None)
    chosen = request.args.get("run")
    shown = next((r for r in runs if r["id"] == chosen), None) or next((r for r in runs if r["status"] == "succeeded"), None)
    failed = runs[0] if runs and runs[0]["status"] == "failed" else None
    latest = next((r for r in runs if r["status"] == "succeeded"), None)
    proposals = unmatched = found = None
    if shown is not None and shown["status"] == "succeeded":
        page, size = page_number(PAGE_SIZE)
        found = call("matching", "GET", f"/runs/{shown['id']}/proposals", params={"page": page, "page_size": size})
        proposals = Page(found["items"], page, size, found["total"])
        raw = request.args.get("unmatched", "1")
        left_page = int(raw) if raw.isdigit() and int(raw) > 0 else 1
        left = call("matching", "GET", f"/runs/{shown['id']}/unmatched", params={"page": left_page, "page_size": size})
        unmatched = UnmatchedPage(left["items"], left_page, size, left["total"])
    answer = render_template(
        "console/matching/review.html", cohort=cohort, runs=runs, active=active, shown=shown, failed=failed,
        latest=latest, proposals=proposals, unmatched=unmatched, found=found, modes=MODES, status_names=STATUS,
        weights=(shown or {}).get("parameters", {}).get("weights", {}), breakdown_rows=breakdown_rows,
        reason_text=reason_text, failure_text=failure_text, number=number, problem=problem,
        approved=request.args.get("approved"), started=request.args.get("started") == "1")
    return answer, status


@blp.get("/console/matching")
@coordinator_only
def index():
    """The landing: the tenant's cohorts, each leading to its matching."""
    return render_template("console/matching/index.html", cohorts=access.cohorts())


@blp.get("/console/cohorts/<cohort_id>/matching")
@coordinator_only
def review(cohort_id: str):
    return _review(access.cohort(cohort_id))


@blp.post("/console/cohorts/<cohort_id>/matching/runs")
@coordinator_only
def start(cohort_id: str):
    cohort = access.cohort(cohort_id)
    mode = request.form.get("mode")
    try:
        run = call("matching", "POST", f"/cohorts/{cohort_id}/runs", json={"mode": mode if mode in MODES else None})
    except ApiError as refused:
        if refused.status != 409:
            raise
        return _review(cohort, _("A run of this cohort is already waiting or running. Wait for its result."), 409)
    return redirect(url_for(".review", cohort_id=cohort_id, run=run["id"], started=1))


@blp.get("/console/cohorts/<cohort_id>/matching/runs/<run_id>/progress")
@coordinator_only
def progress(cohort_id: str, run_id: str):
    """The run's progress as a fragment: htmx asks for it every 2 seconds while the run waits or
    runs; once it has finished, the page reloads to show the proposals."""
    access.cohort(cohort_id)
    run = call("matching", "GET", f"/runs/{run_id}/proposals", params={"page_size": 1})["run"]
    if run["cohort_id"] != cohort_id:
        abort(404)
    answer = make_response(render_template("console/matching/_progress.html", run=run, cohort_id=cohort_id, failure_text=failure_text))
    if run["status"] not in ACTIVE and request.headers.get("HX-Request"):
        answer.headers["HX-Refresh"] = "true"
    return answer


@blp.route("/console/cohorts/<cohort_id>/matching/runs/<run_id>/approve", methods=["GET", "POST"])
@coordinator_only
def approve_all(cohort_id: str, run_id: str):
    """Approve every open proposal of the run, after saying whom it e-mails."""
    cohort = access.cohort(cohort_id)
    found = call("matching", "GET", f"/runs/{run_id}/proposals", params={"page_size": 1, "status": "proposed"})
    if found["run"]["cohort_id"] != cohort_id:
        abort(404)
    problem, status = None, 200
    if request.method == "POST":
        try:
            done = call("matching", "POST", f"/runs/{run_id}/approve")
            return redirect(url_for(".review", cohort_id=cohort_id, run=run_id, approved=done["confirmed"]))
        except ApiError as refused:
            if refused.status != 409:
                raise
            problem, status = _("These proposals can no longer be approved: a newer run has replaced them, "
                                "or someone has changed them. Open the latest run."), 409
    return render_template("console/matching/approve.html", cohort=cohort, run=found["run"], open=found["total"],
                           problem=problem), status


@blp.post("/console/cohorts/<cohort_id>/matching/proposals/<proposal_id>/<decision>")
@coordinator_only
def decide(cohort_id: str, proposal_id: str, decision: str):
    """Approve one proposal (both hear of each other) or reject it (the pair is forbidden from now on)."""
    cohort = access.cohort(cohort_id)
    if decision not in ("approve", "reject"):
        abort(404)
    try:
        call("matching", "POST", f"/proposals/{proposal_id}/{decision}", json={} if decision == "reject" else None)
    except ApiError as refused:
        if refused.status != 409:
            raise
        return _review(cohort, _("This proposal has been decided already, or the mentee or the mentor is taken. "
                                 "The list shows how it stands now."), 409)
    return redirect(url_for(".review", cohort_id=cohort_id, run=request.form.get("run") or None,
                            page=request.form.get("page") or None) + "#proposals")


@blp.get("/console/cohorts/<cohort_id>/matching/why-not")
@coordinator_only
def why_not(cohort_id: str):
    return _why_not(access.cohort(cohort_id))


def _why_not(cohort: dict, errors: dict | None = None, problem: str | None = None, status: int = 200, typed=None):
    cohort_id = cohort["id"]
    candidates = call("matching", "GET", f"/cohorts/{cohort_id}/candidates")
    people = {c["id"]: c for c in candidates}
    mentees = sorted((c for c in candidates if c["role"] == "mentee"), key=lambda c: c["name"].casefold())
    mentors = sorted((c for c in candidates if c["role"] == "mentor"), key=lambda c: c["name"].casefold())
    mentee_id, mentor_id = request.values.get("mentee", ""), request.values.get("mentor", "")
    latest = next((r for r in _runs(cohort_id) if r["status"] == "succeeded"), None)
    answer, asked = None, bool(mentee_id and mentor_id)
    if asked and latest is None:
        problem = problem or _("Run the matching first: the answer compares with a run.")
    elif asked and mentee_id in people and mentor_id in people:
        try:
            answer = call("matching", "GET", f"/runs/{latest['id']}/why-not",
                          params={"mentee_id": mentee_id, "mentor_id": mentor_id})
        except ApiError as refused:
            if refused.status != 404:
                raise
            problem = problem or _("Choose a mentee and a mentor who are not yet in a confirmed pair.")
    elif asked:
        problem = problem or _("Choose a mentee and a mentor of this cohort.")
    overrides = call("matching", "GET", f"/cohorts/{cohort_id}/overrides")
    page, size = page_number(PAGE_SIZE)
    shown = Page(overrides[(page - 1) * size: page * size], page, size, len(overrides))
    return render_template(
        "console/matching/why_not.html", cohort=cohort, mentees=mentees, mentors=mentors, people=people,
        mentee_id=mentee_id, mentor_id=mentor_id, answer=answer, explain=explain, overrides=shown,
        weights=(latest or {}).get("parameters", {}).get("weights", {}), breakdown_rows=breakdown_rows,
        errors=errors or {}, problem=problem, typed=typed or {}, saved=request.args.get("saved")), status


def explain(answer: dict) -> str:
    """Matching's answer to "why not?" in the reader's language."""
    rule = answer.get("rule")
    if rule == "missing_required_language":
        names = ", ".join(i18n.language_name(code) for code in answer.get("missing_languages") or [])
        return _("Not possible: the mentor does not speak %(languages)s, which the programme requires of every mentor.",
                 languages=names)
    if rule:
        return str(RULES.get(rule, answer.get("text", "")))
    if answer.get("proposed"):
        return _("This pair is already proposed.")
    if answer.get("score_loss") is None:
        return _("A pin decides this: the mentee is pinned to another mentor, or pins take every place of this mentor.")
    text = _("Pairing them would lower the cohort's total score by %(points)s points.", points=number(answer["score_loss"]))
    if answer.get("matched_loss"):
        text += " " + _("Mentees who would be left without a mentor as well: %(num)s.", num=answer["matched_loss"])
    if answer.get("changed"):
        text += " " + _("Other mentees who would get another mentor: %(num)s.", num=len(answer["changed"]))
    return text


@blp.post("/console/cohorts/<cohort_id>/matching/overrides")
@coordinator_only
def override(cohort_id: str):
    """Pin a pair (every run proposes it) or forbid it (no run does)."""
    cohort = access.cohort(cohort_id)
    body = {"kind": request.form.get("kind", ""), "mentee_id": request.form.get("mentee", ""),
            "mentor_id": request.form.get("mentor", ""), "reason": request.form.get("reason", "")}
    try:
        call("matching", "POST", f"/cohorts/{cohort_id}/overrides", json=body)
    except ApiError as refused:
        if refused.status != 422:
            raise
        errors = {"reason": _("This is too long. Shorten it.")} if "reason" in refused.field_errors else {}
        return _why_not(cohort, errors=errors, typed=body, status=422,
                        problem=None if errors else _("Choose a mentee and a mentor of this cohort."))
    return redirect(url_for(".why_not", cohort_id=cohort_id, mentee=body["mentee_id"], mentor=body["mentor_id"],
                            saved=body["kind"]))


@blp.post("/console/cohorts/<cohort_id>/matching/overrides/<override_id>/lift")
@coordinator_only
def lift(cohort_id: str, override_id: str):
    access.cohort(cohort_id)
    call("matching", "DELETE", f"/overrides/{override_id}")
    return redirect(url_for(".why_not", cohort_id=cohort_id, saved="lifted") + "#overrides")
