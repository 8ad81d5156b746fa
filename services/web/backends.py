"""The web front's client to the four APIs, over HTTP with the person's own credentials.

An API's refusal becomes an ``ApiError`` carrying its status, message and field errors (the
platform's one error shape, ``services/shared/api.py``), so a page can show each beside its field.
"""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

import urllib3
from flask import current_app, has_request_context, request

from services.shared.clients import HEADER as CLIENT_HEADER
from services.shared.clients import vouch

from .settings import WebSettings


@dataclass
class ApiError(Exception):
    status: int
    message: str = ""
    errors: dict = field(default_factory=dict)

    @property
    def field_errors(self) -> dict:
        """The body's field errors (``errors.json``), nested as the fields are."""
        found = self.errors.get("json") if isinstance(self.errors, dict) else None
        return found if isinstance(found, dict) else {}

    def __str__(self) -> str:
        return f"{self.status} {self.message}"


class ApiUnavailable(ApiError):
    """The API did not answer at all (down, or too slow)."""


@dataclass(frozen=True)
class Answer:
    """An API's answer: its status, headers (any case) and body."""

    status_code: int
    headers: urllib3.HTTPHeaderDict
    content: bytes

    def json(self):
        return jsonlib.loads(self.content)


class Connections:
    """The connections to the APIs, kept open and shared by every thread: urllib3's pool, the one
    requests sends through, asked directly. requests' own layer on top (cookies, hooks, redirects,
    its settings merged on every call) cost some 0.25 ms of CPU a call, as much as sending it, and
    the APIs need none of it: they answer JSON to a bearer token."""

    def __init__(self, pools: int = 4, per_api: int = 32):
        # a connection kept alive to each API for every thread that may call it at once (a worker's
        # gunicorn threads); no proxy settings from the environment: the APIs are Tandem's own
        self.pool = urllib3.PoolManager(num_pools=pools, maxsize=per_api, retries=False)

    def request(self, method: str, url: str, *, headers: dict | None = None, json=None, params: dict | None = None,
                timeout: float = 10.0) -> Answer:
        """One call, as requests makes it: ``params`` in the query (None left out, a list repeated),
        ``json`` as the body. An API that does not answer raises ``ApiUnavailable``."""
        headers = dict(headers or {})
        if params:
            url += ("&" if "?" in url else "?") + urlencode(
                [(name, value) for name, value in params.items() if value is not None], doseq=True)
        body = None
        if json is not None:
            body = jsonlib.dumps(json, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
        try:
            answer = self.pool.request(method, url, body=body, headers=headers, redirect=False,
                                       timeout=urllib3.Timeout(connect=timeout, read=timeout))
        except urllib3.exceptions.HTTPError as exc:
            raise ApiUnavailable(503, str(exc)) from exc
        return Answer(answer.status, answer.headers, answer.data)

    def get(self, url: str, **options) -> Answer:
        return self.request("GET", url, **options)


class Api:
    """One API's base URL and the calls the pages make; each call says what it is for."""

    def __init__(self, session: Connections, name: str, base: str, timeout: float, client_key: str = ""):
        self.session, self.name, self.base, self.timeout = session, name, base, timeout
        self.client_key = client_key

    def call(self, method: str, path: str, *, token: str | None = None, json=None, params=None):
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if has_request_context() and request.remote_addr:
            # the API counts its rate limits per client: vouch for who the client is
            headers[CLIENT_HEADER] = vouch(self.client_key, request.remote_addr)
            if request.headers.get("X-Correlation-ID"):
                headers["X-Correlation-ID"] = request.headers["X-Correlation-ID"]
        answer = self.session.request(method, self.base + path, headers=headers, json=json,
                                      params=params, timeout=self.timeout)
        body = _json(answer)
        if answer.status_code >= 400:
            raise ApiError(answer.status_code, (body or {}).get("message", "") if isinstance(body, dict) else "",
                           (body or {}).get("errors") or {} if isinstance(body, dict) else {})
        return body


def _json(answer: Answer):
    try:
        return answer.json()
    except ValueError:
        return None


class Intake(Api):
    def public_cohort(self, cohort_id: str, lang: str) -> dict:
        return self.call("GET", f"/intake/public/cohorts/{cohort_id}", params={"lang": lang})

    def professions(self, lang: str) -> list[dict]:
        return self.call("GET", "/intake/public/professions", params={"lang": lang})

    def apply(self, cohort_id: str, application: dict) -> dict:
        return self.call("POST", f"/intake/public/cohorts/{cohort_id}/applications", json=application)

    def my_application(self, token: str) -> dict:
        return self.call("GET", "/intake/applications/mine", token=token)

    def withdraw(self, token: str) -> dict:
        return self.call("POST", "/intake/applications/mine/withdraw", token=token)

    def send_links(self, email: str, locale: str) -> None:
        self.call("POST", "/intake/public/links", json={"email": email, "locale": locale})

    def mentor_form(self, token: str) -> dict:
        return self.call("GET", "/intake/public/mentor-form", token=token)

    def send_mentor_form(self, token: str, application: dict) -> dict:
        return self.call("POST", "/intake/public/mentor-form", token=token, json=application)

    def survey(self, token: str, kind: str, lang: str) -> dict:
        return self.call("GET", f"/intake/surveys/{kind}", token=token, params={"lang": lang})

    def answer_survey(self, token: str, kind: str, answers: dict) -> dict:
        return self.call("POST", f"/intake/surveys/{kind}", token=token, json={"answers": answers})


class Backends:
    """The four APIs, one pool of connections for all."""

    def __init__(self, settings: WebSettings):
        self.session = Connections()
        self.intake = Intake(self.session, "intake", settings.intake_url, settings.timeout, settings.client_key)
        self.others = {name: Api(self.session, name, settings.api_url(name), settings.timeout, settings.client_key)
                       for name in ("matching", "scheduling", "notify")}


def backends() -> Backends:
    """The running app's client to the APIs."""
    return current_app.extensions["tandem.web"]


class Scheduling(Api):
    """A pair's workspace, with the mentor's or the mentee's own token."""

    def mine(self, token: str) -> dict:
        return self.call("GET", "/scheduling/mine", token=token)

    def pair(self, token: str, pair_id: str) -> dict:
        return self.call("GET", f"/scheduling/pairs/{pair_id}", token=token)

    def issue_calendar(self, token: str) -> dict:
        return self.call("POST", "/scheduling/mine/calendar", token=token)

    def agreement(self, token: str, pair_id: str, version: int | None = None) -> dict:
        path = f"/scheduling/pairs/{pair_id}/agreement" + (f"/versions/{version}" if version else "")
        return self.call("GET", path, token=token)

    def change_agreement(self, token: str, pair_id: str, changes: dict) -> dict:
        return self.call("PATCH", f"/scheduling/pairs/{pair_id}/agreement", token=token, json=changes)

    def sign_agreement(self, token: str, pair_id: str, version: int) -> dict:
        return self.call("POST", f"/scheduling/pairs/{pair_id}/agreement/sign", token=token, json={"version": version})

    def meeting(self, token: str, meeting_id: str) -> dict:
        return self.call("GET", f"/scheduling/meetings/{meeting_id}", token=token)

    def propose(self, token: str, meeting_id: str, when: dict) -> dict:
        return self.call("POST", f"/scheduling/meetings/{meeting_id}/proposal", token=token, json=when)

    def accept(self, token: str, meeting_id: str) -> dict:
        return self.call("POST", f"/scheduling/meetings/{meeting_id}/proposal/accept", token=token)

    def schedule(self, token: str, meeting_id: str, when: dict) -> dict:
        return self.call("PUT", f"/scheduling/meetings/{meeting_id}/schedule", token=token, json=when)

    def held(self, token: str, meeting_id: str, checklist: dict) -> dict:
        return self.call("POST", f"/scheduling/meetings/{meeting_id}/held", token=token, json=checklist)

    def missed(self, token: str, meeting_id: str, reason: str) -> dict:
        return self.call("POST", f"/scheduling/meetings/{meeting_id}/missed", token=token, json={"reason": reason})

    def cancel(self, token: str, meeting_id: str, reason: str) -> dict:
        return self.call("POST", f"/scheduling/meetings/{meeting_id}/cancel", token=token, json={"reason": reason})

    def withdraw_proposal(self, token: str, meeting_id: str) -> dict:
        return self.call("DELETE", f"/scheduling/meetings/{meeting_id}/proposal", token=token)


def scheduling() -> Scheduling:
    """Scheduling's API, with the calls a pair's pages make."""
    api = backends().others["scheduling"]
    return Scheduling(api.session, api.name, api.base, api.timeout, api.client_key)


class Notify(Api):
    """What an unsubscribe link in a message stops, with the link's own token."""

    def unsubscribe_state(self, token: str) -> dict:
        return self.call("GET", "/notify/unsubscribe/state", params={"token": token})

    def unsubscribe(self, token: str) -> dict:
        return self.call("POST", "/notify/unsubscribe/state", params={"token": token})


def notify() -> Notify:
    """Notify's API, with the calls the unsubscribe page makes."""
    api = backends().others["notify"]
    return Notify(api.session, api.name, api.base, api.timeout, api.client_key)


class Staff(Intake):
    """A coordinator's or representative's sign-in, and a representative's nominations with their bearer token."""

    def sign_in(self, email: str, locale: str) -> None:
        self.call("POST", "/intake/public/sign-in", json={"email": email, "locale": locale})

    def redeem(self, code: str) -> dict:
        return self.call("POST", "/intake/public/sign-in/redeem", json={"code": code})

    def nominations(self, token: str, cohort_id: str) -> list[dict]:
        return self.call("GET", f"/intake/cohorts/{cohort_id}/nominations", token=token)

    def nominate(self, token: str, cohort_id: str, nomination: dict) -> dict:
        return self.call("POST", f"/intake/cohorts/{cohort_id}/nominations", token=token, json=nomination)

    def nominating_cohorts(self, token: str, lang: str) -> list[dict]:
        return self.call("GET", "/intake/nominations/cohorts", token=token, params={"lang": lang})


def staff() -> Staff:
    """Intake's API, with the calls the staff pages make."""
    api = backends().intake
    return Staff(api.session, api.name, api.base, api.timeout, api.client_key)
