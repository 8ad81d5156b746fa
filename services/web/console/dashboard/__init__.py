"""The console's landing page: what a coordinator looks at first — the open cohorts with their
places taken and waiting lists, matching runs waiting for review, pairs with no meeting for over a
month, failed deliveries and the coming group events, each linking to its page."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, render_template, url_for

from services.shared import clock

from ...backends import ApiError
from .. import access
from ..access import call, coordinator_only

blp = Blueprint("dashboard", __name__, template_folder="templates")

QUIET = timedelta(days=30)  # a pair with no meeting for longer than this is listed
SHOWN = 10  # rows in each of the page's lists; each links to the whole list
ACTIVE = ("open", "closed", "running")  # cohorts that can have runs to review and pairs


def area_url(endpoint: str, path: str, **values) -> str:
    """Another area's page, by its endpoint where the area exists, else by its address."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return path


def _or_none(service: str, path: str, **params):
    """An API's answer, or None where that service has not heard of the cohort yet (404)."""
    try:
        return call(service, "GET", path, params=params or None)
    except ApiError as refused:
        if refused.status == 404:
            return None
        raise


def runs_to_review(cohort: dict) -> dict | None:
    """The cohort's newest run, if it succeeded and still has proposals nobody has decided on."""
    runs = _or_none("matching", f"/cohorts/{cohort['id']}/runs") or []
    newest = next((r for r in runs if r["status"] in ("succeeded", "queued", "running")), None)
    if newest is None or newest["status"] != "succeeded":
        return None
    page = _or_none("matching", f"/runs/{newest['id']}/proposals", status="proposed", page_size=1)
    waiting = (page or {}).get("total", 0)
    return {"cohort": cohort, "run": newest, "waiting": waiting} if waiting else None


def quiet_pairs(cohort: dict, now: datetime) -> tuple[int, list[dict]]:
    """How many of the cohort's active pairs have held no meeting for over a month (and were
    confirmed over a month ago), and the first few, as scheduling counts them."""
    found = _or_none("scheduling", f"/cohorts/{cohort['id']}/pair-list", quiet_since=(now - QUIET).isoformat(),
                     page_size=SHOWN)
    if not found:
        return 0, []
    return found["total"], [{**pair, "cohort": cohort, "since": pair["last_meeting_at"] or pair["confirmed_at"]}
                            for pair in found["items"]]


@blp.get("/console/overview")
@coordinator_only
def home():
    now = clock.now()
    cohorts = access.cohorts()
    open_cohorts = [c for c in cohorts if c["status"] == "open"]
    active = [c for c in cohorts if c["status"] in ACTIVE]
    reviews = [r for r in (runs_to_review(c) for c in active) if r]
    counted = [quiet_pairs(c, now) for c in active if c["status"] != "open"]
    quiet = sorted((p for _total, pairs in counted for p in pairs), key=lambda p: p["since"])
    failed = call("notify", "GET", "/deliveries", params={"status": "failed", "order": "newest", "limit": SHOWN + 1})
    events = sorted(({**e, "cohort": c} for c in cohorts if c["status"] != "finished"
                     for e in c.get("group_events") or [] if datetime.fromisoformat(e["starts_at"]) > now),
                    key=lambda e: e["starts_at"])
    return render_template("console/dashboard/home.html", open_cohorts=open_cohorts, reviews=reviews,
                           quiet=quiet[:SHOWN], quiet_total=sum(total for total, _pairs in counted), failed=failed[:SHOWN],
                           more_failed=len(failed) > SHOWN, events=events[:SHOWN], area_url=area_url,
                           cohorts=cohorts)
