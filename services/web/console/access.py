"""Who may open the console, the console's calls to the four APIs, and its navigation.

``coordinator_only`` lets a signed-in coordinator through; a representative gets a page saying
the console is for coordinators (403), and anyone else goes to sign-in. ``api(name)`` calls one of
the four services with the coordinator's own bearer token: the tenant is the token's, so a page
never names a tenant and can never reach another's data. An API's 404 (another tenant's id, or
none) becomes the console's 404 page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import wraps
from math import ceil

from flask import abort, g, render_template, request, url_for
from flask_babel import lazy_gettext

from ..backends import Api, ApiError, backends
from ..views.staff import signed_in, staff_only

# each area's landing endpoint and its name in the navigation
NAVIGATION = [
    ("dashboard", "dashboard.home", lazy_gettext("Overview")),
    ("programmes", "programmes.index", lazy_gettext("Programmes")),
    ("applications", "applications_console.index", lazy_gettext("Applications")),
    ("matching", "matching.index", lazy_gettext("Matching")),
    ("pairs", "pairs_console.index", lazy_gettext("Pairs")),
    ("events", "events.index", lazy_gettext("Group events")),
    ("outcomes", "outcomes.index", lazy_gettext("Outcomes")),
    ("messages", "messages.index", lazy_gettext("Messages")),
    ("people", "people.index", lazy_gettext("Staff")),
    ("privacy", "privacy.index", lazy_gettext("Privacy")),
]


def navigation() -> list[tuple[str, str, str]]:
    """(area, url, name) for each area whose pages exist, in the console's order."""
    from flask import current_app

    found = []
    for area, endpoint, name in NAVIGATION:
        if endpoint in current_app.view_functions:
            found.append((area, url_for(endpoint), str(name)))
    return found


def coordinator_only(view):
    """A console page: signed in (else to sign-in), a coordinator (else 403), 404 for what the APIs
    do not find in the coordinator's tenant."""

    @wraps(view)
    @staff_only
    def wrapper(*args, **kwargs):
        person = signed_in()
        if person.get("role") != "coordinator":
            return render_template("console/not_coordinator.html"), 403
        g.coordinator = person
        try:
            return view(*args, **kwargs)
        except ApiError as refused:
            if refused.status == 404:
                abort(404)
            raise
    return wrapper


def token() -> str:
    return signed_in()["token"]


def api(name: str) -> Api:
    """One of the four APIs (``intake``, ``matching``, ``scheduling``, ``notify``)."""
    found = backends()
    return found.intake if name == "intake" else found.others[name]


def call(service: str, method: str, path: str, **kwargs):
    """``method path`` on ``service``'s API with the coordinator's token."""
    return api(service).call(method, f"/{service}{path}", token=token(), **kwargs)


@dataclass
class Page:
    """One page of a list the server cut in pages: its rows, where it is, and the links to the others."""

    rows: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    def url(self, number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return url_for(request.endpoint, **(request.view_args or {}), **args)


class _Kept:
    """A session that keeps the last answer, so a call's headers (the API's X-Pagination) can be read."""

    def __init__(self, session):
        self.session, self.answer = session, None

    def request(self, *args, **kwargs):
        self.answer = self.session.request(*args, **kwargs)
        return self.answer


def paged(service: str, path: str, number: int, size: int, params: dict | None = None) -> Page:
    """One page of a list the API cuts in pages (``page``, ``page_size``) and counts in its
    X-Pagination header (flask-smorest's), with the coordinator's token."""
    found = api(service)
    kept = _Kept(found.session)
    rows = Api(kept, found.name, found.base, found.timeout, found.client_key).call(
        "GET", f"/{service}{path}", token=token(), params={**(params or {}), "page": number, "page_size": size})
    paging = json.loads(kept.answer.headers.get("X-Pagination") or "{}")
    return Page(rows=rows, number=number, size=size, total=paging.get("total", len(rows)))


def page_number(default_size: int = 50) -> tuple[int, int]:
    """The page asked for (``?page=``, from 1) and its size."""
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    return number, default_size


def programmes() -> list[dict]:
    """The tenant's programmes, as intake lists them."""
    return call("intake", "GET", "/programmes")


def cohorts() -> list[dict]:
    """Every cohort of the tenant, newest programme first, each with ``programme`` (the programme)."""
    found = []
    for programme in programmes():
        for cohort in call("intake", "GET", f"/programmes/{programme['id']}/cohorts"):
            found.append({**cohort, "programme": programme})
    return found


def cohort(cohort_id: str) -> dict:
    """One cohort of the tenant with its programme (404 for another tenant's, or none)."""
    found = call("intake", "GET", f"/cohorts/{cohort_id}")
    return {**found, "programme": call("intake", "GET", f"/programmes/{found['programme_id']}")}
