"""The walking skeleton as a user walks it, over any way of sending HTTP requests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

Send = Callable[[str, str, dict | None, str | None], tuple[int, object]]


def over_urllib(base: str) -> Send:
    def send(method: str, path: str, body: dict | None = None, token: str | None = None):
        request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")
        except (urllib.error.URLError, ConnectionError) as exc:
            return 0, str(exc)  # not listening (yet)

    return send


def over_test_client(client) -> Send:
    def send(method: str, path: str, body: dict | None = None, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(path, method=method, json=body, headers=headers)
        return response.status_code, response.get_json(silent=True)

    return send


def expect(answer: tuple[int, object], status: int):
    code, body = answer
    assert code == status, f"expected {status}, got {code}: {body}"
    return body


def eventually(check: Callable[[], object], timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def finished_run(send: Send, run_id: str, token: str, timeout: float = 30.0) -> dict:
    """Matching runs in its worker: wait until the run has succeeded or failed, and answer it."""
    def finished():
        code, run = send("GET", f"/matching/runs/{run_id}", None, token)
        return code == 200 and run["status"] in ("succeeded", "failed") and run

    return eventually(finished, timeout, f"matching run {run_id} to finish")


def applicant(email: str = "amira.haddad@example.se") -> dict:
    """A mentee's application as the public form sends it."""
    return {
        "role": "mentee", "name": "Amira Haddad", "email": email, "locale": "sv",
        "languages": [{"language": "ar", "level": "native"}, {"language": "sv", "level": "B2"}],
        "mentoring_languages": ["sv", "en"],
        "wished_profession": {"code": "2631", "title": "Nationalekonom"},
        "education_field": "Nationalekonomi", "education_level": "master", "education_country": "SY",
        "experience_years": 5, "city": "Stockholm", "remote_ok": True,
        "consent": {"given": True, "text_version": "2026-01", "retention_months": 24},
    }


def walk(send: Send, operator_token: str, tenant: str = "saco", email: str = "amira.haddad@example.se") -> dict:
    """Operator → tenant and coordinator; coordinator → programme and open cohort; applicant applies."""
    expect(send("POST", "/intake/tenants", {"slug": tenant, "name": "Saco, fackförbund för akademiker"}, operator_token), 201)
    coordinator = expect(send("POST", f"/intake/tenants/{tenant}/tokens",
                              {"role": "coordinator", "sub": f"coordinator@{tenant}.example.se"}, operator_token), 201)["token"]
    programme = expect(send("POST", "/intake/programmes",
                            {"name": {"sv": "Mentorprogram för utrikes födda akademiker", "en": "Mentoring for foreign-born graduates"},
                             "locale": "sv", "languages": ["sv", "en"]}, coordinator), 201)
    cohort = expect(send("POST", f"/intake/programmes/{programme['id']}/cohorts",
                         {"name": "Våren 2027", "open": True, "time_zone": "Europe/Stockholm",
                          "starts_on": "2027-02-01", "ends_on": "2027-08-31", "mentee_places": 20}, coordinator), 201)
    assert cohort["status"] == "open"
    application = expect(send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", applicant(email), None), 201)
    return {"coordinator": coordinator, "programme": programme, "cohort": cohort, "application": application}


def recorded_everywhere(send: Send, walked: dict, timeout: float = 30.0) -> dict:
    """Wait until matching, scheduling and notify have each taken the application in."""
    token, cohort, application = walked["coordinator"], walked["cohort"]["id"], walked["application"]["id"]

    def in_matching():
        code, body = send("GET", f"/matching/cohorts/{cohort}/candidates", None, token)
        return code == 200 and [c for c in body if c["id"] == application]

    def in_scheduling():
        code, body = send("GET", f"/scheduling/cohorts/{cohort}/participants", None, token)
        return code == 200 and [p for p in body if p["application_id"] == application]

    def sent_by_notify():
        code, body = send("GET", "/notify/deliveries?status=sent", None, token)
        return code == 200 and [d for d in body if d["recipient"] == walked["application"]["email"]]

    return {
        "matching": eventually(in_matching, timeout, "matching's projection"),
        "scheduling": eventually(in_scheduling, timeout, "scheduling's projection"),
        "notify": eventually(sent_by_notify, timeout, "notify's acknowledgement"),
    }
