"""The console's retention page: whom intake's worker erases within the next days, and why — each
person's applications, what their period is counted from and for how many months."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import gettext as _

from ... import i18n
from .. import access
from ..access import Page, coordinator_only, page_number
from .common import blp, role_names, status_names

WINDOWS = (30, 90, 365)  # days ahead a coordinator may look
PAGE_SIZE = 50
# the westmost of the Nordic time zones: a midnight in Helsinki, Stockholm or Oslo, less a second,
# falls on the same day here
ZONE = ZoneInfo("Europe/Stockholm")


def last_day(instant: str) -> str:
    """The day that ends at ``instant`` (a midnight), as an ISO date."""
    return (datetime.fromisoformat(instant).astimezone(ZONE) - timedelta(seconds=1)).date().isoformat()


def reason(application: dict) -> str:
    """Why the application's period runs from where it does, in the coordinator's words."""
    if application["reason"] == "withdrawn":
        day = datetime.fromisoformat(application["counted_from"]).astimezone(ZONE).date().isoformat()
        return _("Withdrew from %(cohort)s on %(day)s.", cohort=application["cohort"], day=i18n.day(day))
    if application["reason"] == "rejected":
        day = datetime.fromisoformat(application["counted_from"]).astimezone(ZONE).date().isoformat()
        return _("Not accepted to %(cohort)s on %(day)s.", cohort=application["cohort"], day=i18n.day(day))
    return _("%(cohort)s ended on %(day)s.", cohort=application["cohort"], day=i18n.day(last_day(application["counted_from"])))


def retention_page(within_days: int, number: int, size: int) -> Page:
    return access.paged("intake", "/retention", number, size, {"within_days": within_days})


@blp.get("/console/retention")
@coordinator_only
def retention():
    """Who is erased within 30 days (or the days chosen), soonest first, and why."""
    raw = request.args.get("within_days", "")
    within_days = int(raw) if raw.isdigit() and int(raw) in WINDOWS else WINDOWS[0]
    number, size = page_number(PAGE_SIZE)
    page = retention_page(within_days, number, size)
    return render_template("console/applications/retention.html", page=page, within_days=within_days, windows=WINDOWS,
                           last_day=last_day, reason=reason, roles=role_names(), statuses=status_names())
