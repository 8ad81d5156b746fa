"""A person's own data in notify, handed back as JSON: every row of theirs (in every cohort of
their address), from their personal link or by a coordinator for a request by post — and nothing
of anyone else, nor of another tenant."""

from __future__ import annotations

import hashlib
import json

from services.notify import store
from services.notify.domain.deliveries import UNSUBSCRIBE_SCOPE
from services.notify.usecases.export import NOT_EXPORTED, SECTIONS
from services.shared.tenancy import participant_token
from tests.notify.conftest import KEY, sample
from tests.skeleton import expect

LEYLA = "leyla.rahimi@example.se"
LEYLA_HASH = hashlib.sha256(LEYLA.encode()).hexdigest()
MENTEE_ID = sample("application.accepted.v1")["application_id"]
MENTOR_ID = "a-leyla-mentor"


def _own_link(application_id: str = MENTEE_ID, tenant: str = "saco") -> str:
    return participant_token(KEY, tenant=tenant, sub=application_id, scope="application", ttl=600)


def _leyla_everywhere(notify) -> None:
    """Leyla a mentee in one cohort and a mentor in another, with choices set by a coordinator;
    Omar in her cohort; Leyla's address in another tenant too."""
    token = notify.coordinator("saco")
    spring, autumn = notify.cohort("saco"), notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", spring))
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", autumn, application_id=MENTOR_ID,
                                                          role="mentor"))
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", spring, application_id="a-omar",
                                                          name="Omar Yusuf", email="omar.yusuf@example.se"))
    expect(notify.send("PUT", "/notify/preferences", {"email": LEYLA, "opted_out": ["survey_due"]}, token), 200)
    expect(notify.send("PUT", "/notify/preferences", {"email": "omar.yusuf@example.se", "opted_out": ["*"]}, token), 200)
    other = notify.cohort("unionen")
    notify.feed("application.accepted.v1", "unionen", sample("application.accepted.v1", other, application_id="a-unionen"))


def test_every_table_is_exported_or_says_why_not():
    tables = {table.name for table in store.metadata.sorted_tables}
    placed = set(SECTIONS) | set(NOT_EXPORTED)
    assert tables - placed == set(), "a table of notify is neither exported nor said why not"
    assert placed - tables == set() and not set(SECTIONS) & set(NOT_EXPORTED)
    assert all(reason for reason in NOT_EXPORTED.values())


def test_the_person_downloads_every_row_of_theirs_and_nobody_elses(notify_mbox):
    notify = notify_mbox
    _leyla_everywhere(notify)
    document = expect(notify.send("GET", "/notify/export/mine", None, _own_link()), 200)
    assert (document["service"], document["tenant"], document["person_sha256"]) == ("notify", "saco", LEYLA_HASH)
    assert document["generated_at"]
    sections = document["sections"]
    assert set(sections) == set(SECTIONS.values())
    for table, section in SECTIONS.items():  # every table that references her has her rows here
        assert sections[section], f"{table} holds her rows but the export has none"
    assert {r["application_id"] for r in sections["recipients"]} == {MENTEE_ID, MENTOR_ID}
    assert {r["role"] for r in sections["recipients"]} == {"mentee", "mentor"}
    assert {m["application_id"] for m in sections["deliveries"]} == {MENTEE_ID, MENTOR_ID}
    welcome = sections["deliveries"][0]
    assert welcome["to"] == LEYLA and welcome["locale"] and welcome["status"] == "pending" and welcome["text"]
    assert welcome["created_at"].startswith("20")  # ISO
    choices, = sections["preferences"]
    assert choices["opted_out"] == ["survey_due"] and choices["changed_by"] == "a coordinator"
    text = json.dumps(document)
    for someone_else in ("Omar", "omar.yusuf", "a-omar", "a-unionen", "coordinator@saco"):
        assert someone_else not in text


def test_a_coordinator_produces_the_same_document_for_a_request_by_post(notify_mbox):
    notify = notify_mbox
    _leyla_everywhere(notify)
    own = expect(notify.send("GET", "/notify/export/mine", None, _own_link()), 200)
    by_post = expect(notify.send("GET", f"/notify/export/person?email={LEYLA}", None, notify.coordinator("saco")), 200)
    assert by_post["sections"] == own["sections"] and by_post["person_sha256"] == LEYLA_HASH
    unknown = expect(notify.send("GET", "/notify/export/person?email=nobody@example.se", None,
                                 notify.coordinator("saco")), 200)
    assert unknown["sections"] == {section: [] for section in SECTIONS.values()}
    operator = notify.operator()
    assert expect(notify.send("GET", f"/notify/export/person?email={LEYLA}&tenant=saco", None, operator),
                  200)["sections"] == own["sections"]
    expect(notify.send("GET", f"/notify/export/person?email={LEYLA}", None, operator), 422)  # which tenant?


def test_no_one_downloads_someone_elses_data(notify_mbox):
    notify = notify_mbox
    _leyla_everywhere(notify)
    # the link decides who: a parameter naming someone else changes nothing
    document = expect(notify.send("GET", "/notify/export/mine?email=omar.yusuf@example.se&sub=a-omar", None,
                                  _own_link()), 200)
    assert document["person_sha256"] == LEYLA_HASH and "Omar" not in json.dumps(document)
    # another tenant's coordinator finds only their own tenant's rows of the address; saco is not there for them
    expect(notify.send("GET", f"/notify/export/person?email={LEYLA}&tenant=saco", None, notify.coordinator("unionen")),
           404)
    theirs = expect(notify.send("GET", f"/notify/export/person?email={LEYLA}", None, notify.coordinator("unionen")),
                    200)
    assert theirs["tenant"] == "unionen"
    assert {r["application_id"] for r in theirs["sections"]["recipients"]} == {"a-unionen"}
    assert MENTEE_ID not in json.dumps(theirs) and "survey_due" not in json.dumps(theirs)
    # an application link of another tenant does not reach saco's rows
    assert MENTEE_ID not in json.dumps(expect(notify.send("GET", "/notify/export/mine", None,
                                                          _own_link("a-unionen", "unionen")), 200))
    # only an application's personal link exports: not an unsubscribe link, not a coordinator's token
    unsubscribe = participant_token(KEY, tenant="saco", sub=LEYLA_HASH, scope=UNSUBSCRIBE_SCOPE, ttl=600)
    expect(notify.send("GET", "/notify/export/mine", None, unsubscribe), 403)
    expect(notify.send("GET", "/notify/export/mine", None, notify.coordinator("saco")), 403)
    expect(notify.send("GET", "/notify/export/mine", None, None), 401)


def test_an_application_notify_never_heard_of_has_an_empty_document(notify_mbox):
    document = expect(notify_mbox.send("GET", "/notify/export/mine", None, _own_link("a-unknown")), 200)
    assert document["person_sha256"] is None
    assert document["sections"] == {section: [] for section in SECTIONS.values()}
