"""What the applications area's pages share: its blueprint, the roles, statuses and decisions, and
their names in the reader's language."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

blp = Blueprint("applications_console", __name__, template_folder="templates")

ROLES = ("mentee", "mentor")
STATUSES = ("submitted", "accepted", "waitlisted", "rejected", "withdrawn")
DECISIONS = ("accepted", "waitlisted", "rejected")
PAGE_SIZE = 50
EXPORT_PAGE = 1000  # the API's largest page: an export of 2,000 applications is two calls
MAX_CHOSEN = 200  # decisions at once


def role_names() -> dict[str, str]:
    return {"mentee": _("Mentee"), "mentor": _("Mentor")}


def status_names() -> dict[str, str]:
    return {"submitted": _("Submitted"), "accepted": _("Accepted"), "waitlisted": _("On the waiting list"),
            "rejected": _("Rejected"), "withdrawn": _("Withdrawn")}
