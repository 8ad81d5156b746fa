"""Privacy: a person's data on request, and who read or changed it.

A coordinator types a person's e-mail address — for a request received by post or e-mail — and
downloads everything Tandem holds about them (the same file the person downloads from their own
page), and reads the audit trail: every staff or operator read or change of that person's data
in each service, newest first. The services keep every rule and the tenant check: the address
goes to them with the coordinator's token, and each notes the export in its own log.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_name
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from ... import i18n, personal_data
from ...backends import ApiError
from ...personal_data import Incomplete
from ..access import call, coordinator_only, page_number
from . import trail

blp = Blueprint("privacy", __name__, template_folder="templates")

PAGE_SIZE = 25
LONGEST_ADDRESS = 320
ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# the audit trail's times, in the time of the country whose language the coordinator reads
ZONES = {"sv": "Europe/Stockholm", "fi": "Europe/Helsinki", "nb": "Europe/Oslo", "en": "Europe/Stockholm"}


def service_names() -> dict[str, str]:
    return {"intake": _("Applications"), "matching": _("Matching"), "scheduling": _("Pairs and meetings"),
            "notify": _("Messages")}


def role_names() -> dict[str, str]:
    return {"coordinator": _("Coordinator"), "representative": _("Representative"), "operator": _("Operator")}


def action_names() -> dict[str, str]:
    return {"read": _("Read"), "change": _("Changed")}


def object_names() -> dict[str, str]:
    return {"application": _("Application"), "nomination": _("Nomination"), "export": _("Data file"),
            "candidate": _("Matching candidate"), "proposal": _("Match proposal"), "pair": _("Pair"),
            "agreement": _("Agreement"), "meeting": _("Meeting"), "survey": _("Survey answers"),
            "delivery": _("Message"), "person": _("Person"), "erasure": _("Erasure"),
            "override": _("Pin or forbid"), "unmatched": _("Unmatched mentee"), "why_not": _("Why not this mentor"),
            "staff": _("Staff member"), "participant": _("Participant"), "attendance": _("Attendance"),
            "meeting_plan": _("Meeting plan"), "delivery_log": _("Message log"), "preferences": _("Message choices"),
            "announcement": _("Announcement"), "retention": _("Retention list")}


def address_error(email: str) -> str | None:
    """Why the typed address cannot name a person, in the reader's words; None when it can."""
    if not email:
        return _("Enter the person's e-mail address.")
    if len(email) > LONGEST_ADDRESS or not ADDRESS.match(email):
        return _("Enter an e-mail address like name@example.com.")
    return None


def _page(email: str = "", errors: dict | None = None, problem: str | None = None, found=None, status: int = 200):
    zone = ZONES.get(i18n.locale(), "Europe/Stockholm")
    return render_template("console/privacy/index.html", email=email, errors=errors or {}, problem=problem,
                           found=found, zone=zone, zone_name=get_timezone_name(ZoneInfo(zone), locale=i18n.reader()),
                           services=service_names(), roles=role_names(), actions=action_names(),
                           objects=object_names()), status


def _parts(services: list[str]) -> str:
    names = service_names()
    return ", ".join(names.get(service, service) for service in services)


@blp.get("/console/privacy")
@coordinator_only
def index():
    """The address form; with an address, the person's file to download and their audit trail."""
    if "email" not in request.args:
        return _page()
    email = request.args.get("email", "").strip()
    error = address_error(email)
    if error:
        return _page(email, errors={"email": error}, status=422)
    number, size = page_number(PAGE_SIZE)
    try:
        found = trail.page(email, number, size)
    except trail.Unread as unread:
        return _page(email, problem=_("We could not read the whole record. These parts of Tandem did not answer: "
                                         "%(parts)s. Please try again in a few minutes.", parts=_parts(unread.services)),
                     status=503)
    except ApiError as refused:
        if refused.status != 422:
            raise
        return _page(email, errors={"email": _("Enter an e-mail address like name@example.com.")}, status=422)
    return _page(email, found=found)


@blp.get("/console/privacy/data.json")
@coordinator_only
def download():
    """The person's file from the four services, whole, or the page saying which part is missing."""
    email = request.args.get("email", "").strip()
    error = address_error(email)
    if error:
        return _page(email, errors={"email": error}, status=422)
    try:
        document = personal_data.assemble(
            lambda service: call(service, "GET", "/export/person", params={"email": email}))
    except Incomplete as missing:
        return _page(email, problem=_("We could not make the file. These parts of Tandem did not answer: %(parts)s. "
                                     "Please try again in a few minutes.", parts=_parts(missing.services)),
                     status=503)
    return personal_data.download(document, f"tandem-data-{(document.get('person_sha256') or 'person')[:8]}")
