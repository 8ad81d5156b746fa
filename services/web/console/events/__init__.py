"""The console's group events: each cohort's trainings and meetings with their attendance, the roll
call of an event (tick who came, or all at once), and who missed a mandatory event."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...backends import ApiError
from ..access import Page, call, cohort, cohorts, coordinator_only, page_number

blp = Blueprint("events", __name__, template_folder="templates")
ROLL_CALL_PAGE = 50


def _page(rows: list, size: int) -> Page:
    number, size = page_number(size)
    last = max(1, -(-len(rows) // size))
    number = min(number, last)
    return Page(rows=rows[(number - 1) * size: number * size], number=number, size=size, total=len(rows))


@blp.get("/console/events")
@coordinator_only
def index():
    found = [c for c in reversed(cohorts()) if c["status"] != "draft"]
    return render_template("console/events/index.html", page=_page(found, 25))


def _scheduling(cohort_id: str, path: str, default):
    """What scheduling knows of the cohort: nothing yet while it is a draft (it has not heard of it)."""
    try:
        return call("scheduling", "GET", f"/cohorts/{cohort_id}{path}")
    except ApiError as refused:
        if refused.status == 404:
            return default
        raise


@blp.get("/console/cohorts/<cohort_id>/events")
@coordinator_only
def cohort_events(cohort_id):
    found = cohort(cohort_id)  # 404 for another tenant's
    events = _scheduling(cohort_id, "/events", [])
    return render_template("console/events/cohort.html", cohort=found, events=events)


@blp.route("/console/cohorts/<cohort_id>/events/<event_id>", methods=["GET", "POST"])
@coordinator_only
def roll_call(cohort_id, event_id):
    found = cohort(cohort_id)
    path = f"/cohorts/{cohort_id}/events/{event_id}/attendance"
    if request.method == "POST":
        people = request.form.getlist("people")
        present, excused = set(request.form.getlist("present")), set(request.form.getlist("excused"))
        everyone = request.form.get("action") == "all"
        records = [{"application_id": person,
                    "status": "present" if everyone or person in present else "excused" if person in excused else "absent"}
                   for person in people]
        if records:
            call("scheduling", "PUT", path, json={"records": records})
        return redirect(url_for("events.roll_call", cohort_id=cohort_id, event_id=event_id, saved=1,
                                page=request.args.get("page", "1")))
    attendance = call("scheduling", "GET", path)
    return render_template("console/events/roll_call.html", cohort=found, event=attendance["event"],
                           page=_page(attendance["attendees"], ROLL_CALL_PAGE), saved=request.args.get("saved"))


@blp.get("/console/cohorts/<cohort_id>/events/missed")
@coordinator_only
def missed(cohort_id):
    found = cohort(cohort_id)
    report = _scheduling(cohort_id, "/attendance/missed", {"people": [], "unrecorded": [], "mandatory_events": 0})
    people = [p for p in report["people"] if p["missed"]]
    excused = [p for p in report["people"] if p["excused"] and not p["missed"]]
    return render_template("console/events/missed.html", cohort=found, report=report, page=_page(people, 50),
                           excused=excused)
