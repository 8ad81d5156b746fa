"""The pair's page: the partner, the next meeting, the cohort's events, and the calendar feed."""

from __future__ import annotations

from flask import render_template

from ...backends import scheduling
from .link import blp, load, partner, token


@blp.get("/pairs/<pair_id>")
def pair(pair_id):
    return _pair_page(pair_id, feed=None)


@blp.post("/pairs/<pair_id>/calendar")
def calendar(pair_id):
    """Issue the person's calendar URL (an earlier one stops working) and show it, once."""
    issued = load(scheduling().issue_calendar)
    url = issued["url"]
    return _pair_page(pair_id, feed={"url": url, "webcal": "webcal://" + url.split("://", 1)[-1]})


def _pair_page(pair_id: str, feed: dict | None):
    found = load(scheduling().pair, pair_id)
    events = [e for e in load(scheduling().mine)["events"] if e["cohort_id"] == found["cohort_id"]]
    upcoming = [m for m in found["meetings"] if m["status"] in ("planned", "proposed", "scheduled")]
    return render_template("pair.html", pair=found, partner=partner(found), events=events, feed=feed,
                           next_meeting=upcoming[0] if upcoming else None, token=token())
