"""The record of processing (docs/privacy.md) is complete and fresh.

Every column that looks personal — by its name (name, e-mail, phone, notes, answers, employer,
reasons, who did something, a person's id, a hash of an address...) or because it holds free
text — declares whose data it is, why, on what basis and for how long
(``services.shared.privacy``). The columns that look personal and are not are listed below, each
with the reason.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.cli import record_of_processing
from services.shared import privacy
from services.shared.contract import EVENT_TYPES, new_event, parse_event
from services.shared.contract.personal import personal_paths
from services.shared.contract.processing import NOT_FORWARDED
from tests.unit.test_contract import SAMPLES

DOCS = Path(__file__).resolve().parents[2] / "docs"
SERVICES = ("intake", "matching", "scheduling", "notify")

# a column looks personal when a word of its name is one of these...
PERSONAL_WORDS = frozenset({
    "name", "names", "email", "phone", "address", "note", "notes", "answers", "employer", "employers",
    "city", "interests", "reason", "recipient", "body", "contacts", "comment", "place", "goals",
    "expectations", "sha256", "hash", "text", "html", "subject", "payload", "calendar",
})
# ...when it names a person by their id, or who did something (``*_by``), or holds free text
PERSON_IDS = frozenset({"application_id", "mentee_id", "mentor_id", "person_id", "staff_id", "nomination_id",
                        "owner_id", "recipient_id"})

# (service, table, column): why it looks personal and is not
NOT_PERSONAL = {
    ("intake", "tenants", "name"): "an organisation's name",
    ("intake", "programmes", "names"): "a programme's name, in each language",
    ("intake", "cohorts", "name"): "a cohort's name",
    ("intake", "sign_in_codes", "code_sha256"): "the hash of a single-use code, not of anything of the person",
    ("matching", "cohorts", "name"): "a cohort's name",
    ("matching", "runs", "failure_reason"): "why a run failed, in the platform's own words",
    ("matching", "runs", "claimed_by"): "the worker process running it",
    ("matching", "unmatched", "reason_code"): "a code from a fixed list",
    ("scheduling", "cohorts", "name"): "a cohort's name",
    ("scheduling", "meetings", "logged_by"): "a role (mentee, mentor or coordinator), not who",
    ("scheduling", "due_work", "last_error"): "the worker's error, of the work and not the person",
    ("scheduling", "due_work", "done_by"): "the worker process that did it",
    ("scheduling", "calendar_feeds", "secret_sha256"): "the hash of a calendar link's secret",
    ("notify", "deliveries", "last_error"): "the mail server's or webhook's answer, with the address taken out",
    ("notify", "deliveries", "claimed_by"): "the dispatcher process sending it",
    ("notify", "cohorts", "name"): "a cohort's name",
    ("notify", "cohorts", "programme_name"): "a programme's name, in each language",
    ("notify", "template_overrides", "subject"): "a tenant's message template, written for everyone",
    ("notify", "template_overrides", "text"): "a tenant's message template, written for everyone",
    ("notify", "template_overrides", "html"): "a tenant's message template, written for everyone",
    ("notify", "announcements", "subject"): "a coordinator's announcement to a whole cohort",
    ("notify", "announcements", "body"): "a coordinator's announcement to a whole cohort",
}


def looks_personal(column: sa.Column) -> bool:
    words = set(column.name.split("_"))
    return bool(words & PERSONAL_WORDS) or column.name.endswith("_by") or column.name in PERSON_IDS \
        or isinstance(column.type, sa.Text)


def columns(service: str):
    metadata = importlib.import_module(f"services.{service}.store").metadata
    for table in metadata.tables.values():
        for column in table.columns:
            yield (service, table.name, column.name), column


@pytest.mark.parametrize("service", SERVICES)
def test_every_column_that_looks_personal_says_why_it_is_kept(service):
    undeclared = [".".join(key) for key, column in columns(service)
                  if looks_personal(column) and privacy.declared(column) is None and key not in NOT_PERSONAL]
    assert undeclared == [], ("declare these with info=personal(...) in store.py, or list them in "
                              "NOT_PERSONAL with the reason")


def test_the_exceptions_name_columns_that_exist_and_are_not_declared():
    known = {key: column for service in SERVICES for key, column in columns(service)}
    for key in NOT_PERSONAL:
        assert key in known, f"{'.'.join(key)} is no longer a column: drop it from NOT_PERSONAL"
        assert looks_personal(known[key]), f"{'.'.join(key)} no longer looks personal: drop it from NOT_PERSONAL"
        assert privacy.declared(known[key]) is None, f"{'.'.join(key)} is declared personal and listed as not"


def test_the_rule_finds_an_undeclared_address():
    table = sa.Table("t", sa.MetaData(), sa.Column("contact_email", sa.String(320)), sa.Column("story", sa.Text),
                     sa.Column("seats", sa.Integer), sa.Column("approved_by", sa.String(320)))
    assert [c.name for c in table.columns if looks_personal(c)] == ["contact_email", "story", "approved_by"]


def test_a_declaration_names_a_known_legal_basis():
    with pytest.raises(ValueError):
        privacy.personal("to reach them", who="applicants", basis="because", retention="for good")
    info = privacy.terms(who="applicants", basis=privacy.CONSENT, retention="until erased")("to reach them")
    assert privacy.declared(sa.Column("email", sa.String, info=info)).basis == privacy.CONSENT


def test_the_committed_record_of_processing_is_fresh():
    committed = DOCS / "privacy.md"
    assert committed.exists(), "docs/privacy.md is missing: run `make contracts`"
    assert committed.read_text() == record_of_processing(), "docs/privacy.md is stale: run `make contracts` and commit"


def test_the_record_names_each_service_its_personal_fields_and_the_events_that_carry_them():
    text = record_of_processing()
    for service in SERVICES:
        assert f"\n## {service}\n" in text
    assert "| `interests` |" in text and "| `notes` |" in text and "| `body_text` |" in text
    submitted = next(line for line in text.splitlines() if line.startswith("| `application.submitted.v1` |"))
    assert "matching, scheduling, notify" in submitted and "`email`" in submitted and "`employer`" in submitted
    assert "`cohort_name`" not in submitted and "`programme_name`" not in submitted


def test_an_events_personal_fields_are_found_inside_it():
    paths = set(personal_paths(EVENT_TYPES["match.confirmed.v1"].schema))
    assert {"mentee.email", "mentor.phone", "mentee.name"} <= paths
    assert "cohort_name" not in paths and "programme_name" not in paths
    assert not set(personal_paths(EVENT_TYPES["cohort.opened.v1"].schema)) - {
        "programme.contacts[].name", "programme.contacts[].email", "programme.contacts[].phone"}


def test_notify_passes_on_to_webhooks_what_the_record_says():
    """Every event notify consumes reaches the tenant's webhooks, except those the record names."""
    from services.notify import handlers, store

    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    store.metadata.create_all(engine)
    forwarded = set()
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            conn.execute(store.webhook_endpoints.insert().values(
                id="hook", tenant="saco", url="https://example.se/hook", event_types=[], active=True,
                created_at=sa.func.now(), created_by="test"))
            for event_type in handlers.HANDLERS.routing_keys:
                event = parse_event(new_event(event_type, source="test", tenant="saco", subject="x/1",
                                              data=SAMPLES[event_type]).to_json())
                handlers.HANDLERS.handlers[event_type](conn, event)
            d = store.deliveries
            forwarded = set(conn.execute(sa.select(d.c.event_type).where(d.c.channel == "webhook")).scalars())
        finally:
            transaction.rollback()
    assert set(handlers.HANDLERS.routing_keys) - forwarded == NOT_FORWARDED
