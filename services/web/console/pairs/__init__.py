"""The console's pairs: a cohort's pairs a page at a time with their phase, meetings held against
those due, the agreement's state and the last activity; a pair's page with what a coordinator may
see (never the pair's own notes from their meetings); and ending a pair early with a reason.

The list comes from scheduling (``pair-list``, a page at a time); an early end goes to matching,
which tells the pair and frees the mentee for the next run.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from ...backends import ApiError
from .. import access
from ..access import Page, call, coordinator_only, page_number

blp = Blueprint("pairs_console", __name__, template_folder="templates")

PAGE_SIZE = 50
PHASES = {"start": lazy_gettext("Getting started"), "working": lazy_gettext("Working"),
          "closing": lazy_gettext("Closing"), "finished": lazy_gettext("Finished")}
AGREEMENT = {"none": lazy_gettext("None yet"), "draft": lazy_gettext("Draft, not signed"),
             "signing": lazy_gettext("Signed by one of the two"), "signed": lazy_gettext("Signed by both")}
STATUS = {"active": lazy_gettext("Active"), "ended": lazy_gettext("Ended")}
MEETING = {"planned": lazy_gettext("Planned"), "proposed": lazy_gettext("Time proposed"),
           "scheduled": lazy_gettext("Scheduled"), "held": lazy_gettext("Held"), "missed": lazy_gettext("Missed"),
           "cancelled": lazy_gettext("Cancelled")}
NAMES = {"phases": PHASES, "agreement": AGREEMENT, "status": STATUS, "meeting": MEETING}


@blp.get("/console/pairs")
@coordinator_only
def index():
    """The landing: the tenant's cohorts, each leading to its pairs."""
    return render_template("console/pairs/index.html", cohorts=access.cohorts())


@blp.get("/console/cohorts/<cohort_id>/pairs")
@coordinator_only
def cohort_pairs(cohort_id: str):
    cohort = access.cohort(cohort_id)
    number, size = page_number(PAGE_SIZE)
    status = request.args.get("status") if request.args.get("status") in STATUS else None
    found = call("scheduling", "GET", f"/cohorts/{cohort_id}/pair-list",
                 params={"page": number, "page_size": size, **({"status": status} if status else {})})
    return render_template("console/pairs/list.html", cohort=cohort, pairs=Page(found["items"], number, size, found["total"]),
                           status=status, names=NAMES)


def _pair(cohort_id: str, pair_id: str) -> tuple[dict, dict]:
    cohort = access.cohort(cohort_id)
    pair = call("scheduling", "GET", f"/pairs/{pair_id}")
    if pair["cohort_id"] != cohort_id:
        abort(404)
    return cohort, pair


@blp.get("/console/cohorts/<cohort_id>/pairs/<pair_id>")
@coordinator_only
def pair(cohort_id: str, pair_id: str):
    cohort, found = _pair(cohort_id, pair_id)
    return render_template("console/pairs/pair.html", cohort=cohort, pair=found, names=NAMES, errors={}, reason="",
                           ended=request.args.get("ended") == "1", problem=None)


@blp.post("/console/cohorts/<cohort_id>/pairs/<pair_id>/end")
@coordinator_only
def end(cohort_id: str, pair_id: str):
    """End the pair early: matching keeps the reason for coordinators, e-mails both that the pair has
    ended (without the reason) and frees the mentee for the next run."""
    cohort, found = _pair(cohort_id, pair_id)
    reason = request.form.get("reason", "").strip()
    errors, problem, status = {}, None, 200
    if not reason:
        errors, status = {"reason": _("Write why the pair ends.")}, 422
    else:
        try:
            call("matching", "POST", f"/pairs/{pair_id}/end", json={"reason": reason})
            return redirect(url_for(".pair", cohort_id=cohort_id, pair_id=pair_id, ended=1))
        except ApiError as refused:
            if refused.status == 422:
                errors, status = {"reason": _("This is too long. Shorten it.")}, 422
            elif refused.status == 409:
                problem, status = _("This pair has ended already."), 409
            else:
                raise
    return render_template("console/pairs/pair.html", cohort=cohort, pair=found, names=NAMES, errors=errors,
                           reason=reason, ended=False, problem=problem), status
