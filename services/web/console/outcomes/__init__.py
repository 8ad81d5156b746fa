"""Outcomes: each cohort's survey response rates and figures as bar charts with their numbers in
text, the programme's headline figures in its own terms, and the figures as CSV.

Intake's outcome report is the source, and intake keeps small groups out of it: a figure fewer
than the programme's minimum answered shows here as such ("fewer than 5 answers"), never as a bar.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template
from flask_babel import format_percent
from flask_babel import gettext as _

from ... import i18n
from ..access import call, cohort, cohorts, coordinator_only

blp = Blueprint("outcomes", __name__, template_folder="templates")

SURVEYS = ("midpoint", "closing")
HEADLINES = ("qualified_work", "mentor_helped", "mentors_meaningful")


def survey_name(kind: str) -> str:
    return _("Mid-point survey") if kind == "midpoint" else _("Closing survey")


def headline_name(key: str) -> str:
    return {"qualified_work": _("Mentees in qualified work"),
            "mentor_helped": _("Of them, say the mentor helped"),
            "mentors_meaningful": _("Mentors who found it meaningful")}[key]


def answer_name(value: str) -> str:
    return {"during": _("During the programme"), "after": _("After the programme"), "not_yet": _("Not yet"),
            "yes": _("Yes"), "no": _("No")}.get(value, value)


def too_few(least: int) -> str:
    return _("fewer than %(least)s answers", least=least)


def percent(share: float | None) -> str:
    return format_percent(share) if share is not None else ""


def bar(label: str, share: float | None, count: int | None, group: int | None, least: int) -> tuple:
    """One bar of a chart: (label, value, text) as ``bars()`` draws it; no figure for a small group."""
    if share is None:
        return (label, None, too_few(least))
    return (label, share, _("%(share)s (%(count)s of %(group)s)", share=percent(share), count=count, group=group))


def report(cohort_id: str) -> tuple[dict, dict]:
    """The cohort (with its programme) and intake's outcome report, read as charts: for each
    survey its response rate and a chart per closed question."""
    found = cohort(cohort_id)
    raw = call("intake", "GET", f"/cohorts/{cohort_id}/outcomes")
    least = raw["min_group"]
    questions = {kind: {q["id"]: q for q in found["programme"].get("surveys", {}).get(kind, [])} for kind in SURVEYS}
    surveys = []
    for kind in SURVEYS:
        survey = raw["surveys"].get(kind) or {}
        charts = []
        for question_id, figure in (survey.get("figures") or {}).items():
            question = questions[kind].get(question_id, {})
            text = i18n.pick(question.get("text")) or question_id
            if figure.get("suppressed"):
                rows = [bar(_("Yes") if question.get("kind") == "yes_no" else _("Answers"), None, None, None, least)]
            elif "share_yes" in figure:
                rows = [bar(_("Yes"), figure["share_yes"], figure["yes"], figure["answered"], least),
                        bar(_("No"), round(1 - figure["share_yes"], 3), figure["no"], figure["answered"], least)]
            else:
                order = question.get("choices") or sorted(figure.get("counts", {}))
                rows = [bar(answer_name(str(choice)), figure["counts"].get(str(choice), 0) / figure["answered"],
                            figure["counts"].get(str(choice), 0), figure["answered"], least) for choice in order]
            charts.append({"id": f"{kind}-{question_id}", "question": text, "answered": figure.get("answered", 0),
                           "suppressed": bool(figure.get("suppressed")), "rows": rows})
        rate = survey.get("response_rate")
        surveys.append({"kind": kind, "name": survey_name(kind), "invited": survey.get("invited", 0),
                        "responded": survey.get("responded", 0), "rate": rate,
                        "rate_rows": [bar(_("Answered"), rate, survey.get("responded", 0), survey.get("invited", 0), least)
                                      if rate is not None else (_("Answered"), None, _("nobody to ask yet"))],
                        "charts": charts})
    headline = []
    for key in HEADLINES:
        figure = (raw.get("headline") or {}).get(key)
        if figure is None:
            continue  # the programme does not ask
        headline.append({"key": key, "name": headline_name(key), "suppressed": figure["suppressed"],
                         "share": figure.get("share"), "yes": figure.get("yes"), "answered": figure["answered"],
                         "text": percent(figure.get("share")) if not figure["suppressed"] else too_few(least)})
    return found, {"least": least, "surveys": surveys, "headline": headline,
                   "headline_rows": [bar(h["name"], h["share"], h["yes"], h["answered"], least) for h in headline]}


@blp.get("/console/outcomes")
@coordinator_only
def index():
    """Choose a cohort to read its outcomes."""
    return render_template("console/outcomes/index.html", cohorts=cohorts())


@blp.get("/console/cohorts/<cohort_id>/outcomes")
@coordinator_only
def cohort_outcomes(cohort_id: str):
    found, figures = report(cohort_id)
    return render_template("console/outcomes/cohort.html", cohort=found, **figures)


@blp.get("/console/cohorts/<cohort_id>/outcomes.csv")
@coordinator_only
def cohort_csv(cohort_id: str):
    """The figures as a table: one row per figure, with its survey, question, answer, how many
    answered, how many gave the answer and the share — or, for a small group, only that it is one."""
    found = cohort(cohort_id)
    raw = call("intake", "GET", f"/cohorts/{cohort_id}/outcomes")
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["survey", "figure", "answer", "answered", "count", "share", "suppressed"])
    for key in HEADLINES:
        figure = (raw.get("headline") or {}).get(key)
        if figure is not None:
            out.writerow(["closing", f"headline:{key}", "yes", figure["answered"], figure.get("yes", ""),
                          figure.get("share", ""), "yes" if figure["suppressed"] else "no"])
    for kind in SURVEYS:
        survey = raw["surveys"].get(kind) or {}
        out.writerow([kind, "response_rate", "", survey.get("invited", 0), survey.get("responded", 0),
                      survey.get("response_rate") if survey.get("response_rate") is not None else "", "no"])
        for question_id, figure in (survey.get("figures") or {}).items():
            if figure.get("suppressed"):
                out.writerow([kind, question_id, "", figure["answered"], "", "", "yes"])
            elif "share_yes" in figure:
                out.writerow([kind, question_id, "yes", figure["answered"], figure["yes"], figure["share_yes"], "no"])
                out.writerow([kind, question_id, "no", figure["answered"], figure["no"],
                              round(1 - figure["share_yes"], 3), "no"])
            else:
                for answer, count in sorted(figure.get("counts", {}).items()):
                    out.writerow([kind, question_id, answer, figure["answered"], count,
                                  round(count / figure["answered"], 3), "no"])
    name = f"outcomes-{found.get('name', cohort_id)}".replace(" ", "-")
    safe = "".join(c for c in name if c.isascii() and (c.isalnum() or c in "-_")) or "outcomes"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'})
