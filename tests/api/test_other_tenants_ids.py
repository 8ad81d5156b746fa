"""Another tenant's ids are not there: every route of every service that takes an id in its path,
or filters by a cohort, pair or application in its query, answers 404 when a tenant's
coordinator, representative or participant names another tenant's real object — for reading and
for every change alike. A 403 is right only where the caller's role may not use the route at all.

The routes are read from the services themselves (their url maps and OpenAPI documents), so a
route added later is walked too; one whose id this walk cannot supply fails until the seed has
such an object."""

from __future__ import annotations

import json
from datetime import timedelta

from werkzeug.test import Client

from tests.skeleton import applicant

from .conftest import NOW

SERVICES = ("intake", "matching", "scheduling", "notify")
# Reached by anyone, on purpose: the public pages of an open cohort (no token), and calendar
# feeds whose secret URL is the key.
PUBLIC = ("/intake/public/", "/scheduling/calendars/")
NOT_IDS = {"number": 1, "kind": "midpoint", "slug": "oske", "message": "announcement", "locale": "sv"}
QUERY_FILTERS = ("cohort_id", "pair_id", "application_id", "mentee_id", "mentor_id", "person")
LATER = (NOW + timedelta(days=100)).isoformat()
# A body each operation takes, so that the answer is about the ids and not about the body.
BODIES = {
    "DecisionIn": {"status": "rejected"},
    "CohortFields": {"name": "Hösten 2027"},
    "CohortIn": {"name": "Hösten 2027", "starts_on": "2027-09-01", "ends_on": "2028-02-28"},
    "ApplicationIn": applicant("walker@example.se"),
    "NominationIn": {"name": "Nominerad", "email": "walker@example.se", "rank": 9},
    "NominationDecisionIn": {"decision": "decline"},
    "ProgrammeFields": {"locale": "en"},
    "PauseIn": {},
    "OverrideIn": {"kind": "pin", "mentee_id": "x", "mentor_id": "y", "reason": ""},
    "RunIn": {},
    "EndPairIn": {"reason": "Moved abroad"},
    "RejectIn": {"reason": "Same employer"},
    "AttendanceIn": {"records": [{"application_id": "x", "status": "present"}]},
    "ReasonIn": {"reason": "Ill"},
    "WhenIn": {"starts_at": LATER},
    "HeldIn": {"since_last_time": "Ansökt till två tjänster", "next_steps": "Intervjuträning",
               "actions": [{"who": "mentee", "what": "Uppdatera cv:t"}]},
    "AgreementChangeIn": {"based_on_version": 1},
    "SignIn": {"version": 1},
    "AnnouncementIn": {"subject": {"sv": "Hej"}, "body": {"sv": "Hej alla"}},
    "WebhookPatch": {"active": False},
}


def _documents(seeded) -> dict[str, dict]:
    documents = {}
    for name in SERVICES:
        answer = Client(seeded.platform.apps[name]).get(f"/{name}/openapi.json")
        documents[name] = answer.get_json()
    return documents


def _body_schema(operation: dict) -> str | None:
    content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
    return content["schema"].get("$ref", "").rsplit("/", 1)[-1] if content else None


def routes_with_ids(seeded):
    """(method, rule, operation) for every route naming an object by id in its path."""
    documents = _documents(seeded)
    for name in SERVICES:
        for rule in seeded.platform.apps[name].url_map.iter_rules():
            ids = set(rule.arguments) - set(NOT_IDS)
            full = f"/{name}{rule.rule}"
            if not ids or full.startswith(PUBLIC) or rule.endpoint == "static":
                continue
            path = rule.rule
            for converter in ("int:", "string:"):
                path = path.replace(f"<{converter}", "<")
            template = path.replace("<", "{").replace(">", "}")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                operation = documents[name]["paths"].get(template, {}).get(method.lower(), {})
                yield method, full, operation


def routes_with_filters(seeded):
    """(method, rule, operation, filter) for every query parameter naming a cohort, pair
    or application."""
    documents = _documents(seeded)
    for name, document in documents.items():
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if method == "parameters":
                    continue
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query" and parameter["name"] in QUERY_FILTERS:
                        yield method.upper(), f"/{name}{path}", operation, parameter["name"]


def ask(seeded, method: str, path: str, operation: dict, query: dict | None = None):
    """Ask as each of our tenant's callers in turn; the first answer that is not a refusal of
    the caller's role counts."""
    ours = seeded.ours
    schema = _body_schema(operation)
    body = BODIES.get(schema, {}) if schema else None
    client = Client(seeded.platform.wsgi)
    answer = None
    for token in (ours.coordinator, ours.mentee, ours.representative):
        answer = client.open(path, method=method, query_string=query, headers={"Authorization": f"Bearer {token}"},
                             data=json.dumps(body) if body is not None else None, content_type="application/json")
        if answer.status_code != 403:
            break
    return answer, schema


def leaks(answer, theirs) -> list[str]:
    """Any of the other tenant's ids in the answer."""
    text = answer.get_data(as_text=True)
    return [name for name, value in theirs.ids.items() if value in text]


def test_every_route_with_an_id_answers_404_for_another_tenants_object(seeded):
    theirs, walked, wrong = seeded.theirs, 0, []
    for method, rule, operation in routes_with_ids(seeded):
        path = rule
        for argument in sorted(set(_arguments(rule)), key=len, reverse=True):
            service = rule.split("/")[1]  # an id one service alone keeps is seeded as "<service>.<argument>"
            value = NOT_IDS.get(argument) or theirs.ids.get(argument) or theirs.ids.get(f"{service}.{argument}")
            assert value, f"{method} {rule}: seed the other tenant with a {argument} (tests/api/conftest.py)"
            path = path.replace(f"<int:{argument}>", str(value)).replace(f"<{argument}>", str(value))
        # a filter the route cannot do without names the other tenant's object as well
        query = {p["name"]: theirs.ids[p["name"]] for p in operation.get("parameters", [])
                 if p.get("in") == "query" and p.get("required") and p["name"] in theirs.ids}
        answer, schema = ask(seeded, method, path, operation, query)
        walked += 1
        if answer.status_code not in (403, 404) or leaks(answer, theirs):
            hint = f" (give {schema} a valid body in BODIES)" if answer.status_code == 422 else ""
            wrong.append(f"{method} {rule} -> {answer.status_code}{hint}: {answer.get_data(as_text=True)[:200]}")
    assert walked > 40
    assert not wrong, "another tenant's ids were not 404:\n" + "\n".join(wrong)


def test_every_filter_by_another_tenants_cohort_pair_or_application_answers_404(seeded):
    ours, theirs, walked, wrong = seeded.ours, seeded.theirs, 0, []
    filters = {"cohort_id": "cohort_id", "pair_id": "pair_id", "application_id": "application_id",
               "mentee_id": "mentee_id", "mentor_id": "mentor_id", "person": "application_id"}
    for method, rule, operation, parameter in routes_with_filters(seeded):
        path = rule
        for argument in _arguments(rule.replace("{", "<").replace("}", ">")):
            path = path.replace(f"{{{argument}}}", str(NOT_IDS.get(argument) or ours.ids[argument]))
        # the other filters of the route name our own objects: only this one is another tenant's
        query = {p: ours.ids[filters[p]] for p in _query_filters(operation) if p != parameter}
        query[parameter] = theirs.ids[filters[parameter]]
        answer, _ = ask(seeded, method, path, operation, query)
        walked += 1
        if answer.status_code not in (403, 404) or leaks(answer, theirs):
            wrong.append(f"{method} {rule}?{parameter}= -> {answer.status_code}: {answer.get_data(as_text=True)[:200]}")
    assert walked >= 4
    assert not wrong, "a filter by another tenant's object was not 404:\n" + "\n".join(wrong)


def _arguments(rule: str) -> list[str]:
    return [part.split(">", 1)[0].split(":")[-1] for part in rule.split("<")[1:]]


def _query_filters(operation: dict) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query" and p["name"] in QUERY_FILTERS]
