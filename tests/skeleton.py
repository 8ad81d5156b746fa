"""The walking skeleton as a user walks it, over any way of sending HTTP requests and of reading
the e-mail that arrives: one application's journey from the public form to a confirmed pair with
its meeting plan and its e-mails (``walk``)."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage

Send = Callable[[str, str, dict | None, str | None], tuple[int, object]]
Mail = Callable[[str], list[EmailMessage]]  # the e-mails to one address so far, parsed, oldest first


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


def mentor_applicant(email: str = "daniel.berg@example.se") -> dict:
    """A mentor's application as the public form sends it: an economist who would rather read English."""
    return {
        **applicant(email), "role": "mentor", "name": "Daniel Berg", "locale": "en",
        "languages": [{"language": "sv", "level": "native"}, {"language": "en", "level": "C1"}],
        "wished_profession": None, "profession": {"code": "2631", "title": "Nationalekonom"},
        "employer": "Riksbanken", "experience_years": 15, "capacity": 1,
    }


def apply_to_a_new_cohort(send: Send, operator_token: str, tenant: str = "saco", email: str = "amira.haddad@example.se") -> dict:
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


def arrived(mail: Mail, address: str, subject: str, timeout: float = 30.0) -> EmailMessage:
    """The e-mail to ``address`` whose subject starts with ``subject``, once it has come."""
    def found():
        return [m for m in mail(address) if " ".join(str(m["Subject"]).split()).startswith(subject)]

    return eventually(found, timeout, f"an e-mail to {address} about {subject!r}")[0]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def walk(send: Send, operator_token: str, mail: Mail, timeout: float = 30.0) -> dict:
    """One application's journey, each step checked where its people see it: in the APIs' answers
    and in the e-mail that arrives. Answers what it met on the way (tokens, ids, the pair, the
    personal links of mentee and mentor)."""
    # 1. An operator opens a tenant with a coordinator, who opens a cohort; Amira applies as a mentee.
    walked = apply_to_a_new_cohort(send, operator_token)
    coordinator, cohort, amira = walked["coordinator"], walked["cohort"], walked["application"]
    assert amira["status"] == "accepted"

    # 2. Matching, scheduling and notify take her application in; she hears in Swedish that it came.
    recorded_everywhere(send, walked, timeout)
    received = arrived(mail, amira["email"], "Vi har tagit emot din ansökan", timeout)
    assert "Tack för din ansökan" in text_of(received)

    # 3. A mentor applies too, and the coordinator runs matching: it proposes the two of them.
    daniel = expect(send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor_applicant(), None), 201)

    def both_candidates():
        code, body = send("GET", f"/matching/cohorts/{cohort['id']}/candidates", None, coordinator)
        return code == 200 and {c["id"] for c in body} == {amira["id"], daniel["id"]}

    eventually(both_candidates, timeout, "the mentor among matching's candidates")
    queued = expect(send("POST", f"/matching/cohorts/{cohort['id']}/runs", {}, coordinator), 202)
    run = finished_run(send, queued["id"], coordinator, timeout)
    assert run["status"] == "succeeded", run
    [proposal] = run["proposals"]
    assert (proposal["mentee_id"], proposal["mentor_id"]) == (amira["id"], daniel["id"])

    # 4. The coordinator approves the proposal: matching has the pair.
    assert expect(send("POST", f"/matching/proposals/{proposal['id']}/approve", None, coordinator), 200)["status"] == "approved"
    [pair] = expect(send("GET", f"/matching/cohorts/{cohort['id']}/pairs", None, coordinator), 200)
    assert (pair["mentee_id"], pair["mentor_id"], pair["status"]) == (amira["id"], daniel["id"], "confirmed")

    # 5. Scheduling plans the pair's meetings, one a month through the cohort, and drafts their agreement.
    def planned():
        code, body = send("GET", f"/scheduling/pairs/{pair['id']}", None, coordinator)
        return code == 200 and body

    plan = eventually(planned, timeout, "the pair's meeting plan in scheduling")
    meetings = plan["meetings"]
    assert [m["number"] for m in meetings] == list(range(1, len(meetings) + 1)) and len(meetings) >= 6, meetings
    assert {m["status"] for m in meetings} == {"planned"}
    assert cohort["starts_on"] <= meetings[0]["window_start"] and meetings[-1]["window_end"] <= cohort["ends_on"]
    assert (plan["agreement"]["version"], plan["agreement"]["status"]) == (1, "draft")

    # 6. Each is introduced to the other in their own language, and gets their own link to the
    #    pair's agreement on the web front, which opens the pair as them.
    introduced = {"mentee": arrived(mail, amira["email"], "Möt din mentor i Mentorprogram för utrikes födda akademiker", timeout),
                  "mentor": arrived(mail, daniel["email"], "Meet your mentee in Mentoring for foreign-born graduates", timeout)}
    assert "Daniel Berg" in text_of(introduced["mentee"]) and "Amira Haddad" in text_of(introduced["mentor"])
    drafted = {"mentee": arrived(mail, amira["email"], "Ert mentorsavtal är klart att skriva under", timeout),
               "mentor": arrived(mail, daniel["email"], "Your mentoring agreement is ready to sign", timeout)}
    links = {}
    for role, message in drafted.items():
        [link] = set(re.findall(rf"https?://\S+/pairs/{pair['id']}/agreement\?token=[^\s\"'<>]+", text_of(message)))
        mine = expect(send("GET", f"/scheduling/pairs/{pair['id']}", None, link.split("token=", 1)[1]), 200)
        assert mine["my_role"] == role
        links[role] = link

    return {**walked, "mentor": daniel, "run": run, "pair": pair, "plan": plan, "links": links}
