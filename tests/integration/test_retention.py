"""Retention across the platform, in the embedded mode: when a person's consented period has run
out, intake's worker erases them and every service follows; a person who extended their consent
is kept, and so is their partner in a confirmed pair, whose view shows a former participant."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from services.intake.domain.erasure import email_hash
from services.intake.usecases.retention import erase_expired
from services.shared import clock
from services.shared.config import SERVICES
from tests.integration.test_embedded import in_the_mailbox, operator, platform, send  # noqa: F401  (the fixtures)
from tests.skeleton import applicant, eventually, expect, recorded_everywhere, walk

# the cohort of the walk ends on 31 August 2027 (Stockholm); 24 months later, at midnight, it runs out
RUNS_OUT = datetime(2029, 8, 31, 22, 0, tzinfo=UTC)


@pytest.fixture
def moved_clock():
    yield clock
    clock.set(None)


def everything(platform, service: str) -> str:  # noqa: F811
    """Every value of every table of ``service`` (its outbox and audit log too), as one text."""
    store = importlib.import_module(f"services.{service}.store")
    with platform.workers[service].engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in store.metadata.sorted_tables for row in conn.execute(sa.select(table)))


def audit_rows(platform, service: str, email: str) -> list[dict]:  # noqa: F811
    """The rows of ``service``'s audit log that name the person with ``email`` (by its hash)."""
    store = importlib.import_module(f"services.{service}.store")
    table = store.metadata.tables["audit_log"]
    with platform.workers[service].engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(table).where(table.c.person_sha256 == email_hash(email))
                                                  .order_by(table.c.id)).mappings()]


def test_an_expired_mentee_is_erased_everywhere_while_an_extended_mentee_and_her_mentor_are_kept(platform, send, operator, tmp_path, moved_clock):  # noqa: F811
    walked = walk(send, operator, in_the_mailbox(tmp_path))
    coordinator, pair, amira, daniel = walked["coordinator"], walked["pair"], walked["application"], walked["mentor"]
    for service in SERVICES:
        assert "amira.haddad@example.se" in everything(platform, service) and "Daniel Berg" in everything(platform, service), service
    # her coordinator reads her application; matching's, scheduling's and notify's reads were on the walk
    expect(send("GET", f"/intake/applications/{amira['id']}", None, coordinator), 200)
    audited = {service: audit_rows(platform, service, amira["email"]) for service in SERVICES}
    assert all(audited.values()), {service: len(rows) for service, rows in audited.items()}

    # Sara, a second mentee, and Daniel keep their details 12 months longer; Amira does nothing
    sara = expect(send("POST", f"/intake/public/cohorts/{walked['cohort']['id']}/applications",
                       {**applicant("sara.nouri@example.se"), "name": "Sara Nouri"}, None), 201)
    recorded_everywhere(send, {**walked, "application": sara})
    for person in (sara, daniel):
        extended = expect(send("POST", f"/intake/applications/mine/consent?token={person['manage_token']}",
                               {"text_version": "2026-01"}, None), 200)
        assert extended["retention_months"] == 36
    clock.set(datetime(2029, 8, 15, tzinfo=UTC))
    soon = expect(send("GET", "/intake/retention", None, coordinator), 200)
    assert [(p["email"], p["reason"], p["expires_at"]) for p in soon] == [
        ("amira.haddad@example.se", "cohort_ended", RUNS_OUT.isoformat())]

    clock.set(RUNS_OUT)
    intake = platform.workers["intake"].engine
    [erased] = erase_expired(intake)
    assert (erased["requested_by"], erased["applications"]) == ("retention", 1)
    assert erase_expired(intake) == []  # once

    def forgotten_everywhere():
        return all(trace not in everything(platform, service)
                   for service in SERVICES for trace in ("amira.haddad@example.se", "Amira Haddad", "Haddad"))

    eventually(forgotten_everywhere, 30, "Amira erased in every service")
    # her audit rows stay in every service, naming her by the hash alone (no name or address in
    # them: forgotten_everywhere read the audit logs too)
    for service in SERVICES:
        kept = audit_rows(platform, service, amira["email"])
        assert all(row in kept for row in audited[service]), service
    # Sara's and Daniel's details stay in every service
    for service in SERVICES:
        kept = everything(platform, service)
        assert all(trace in kept for trace in ("Daniel Berg", "daniel.berg@example.se", "Sara Nouri", "sara.nouri@example.se")), service

    # Daniel's view of the pair: his own details, his partner a former participant
    daniel_token = walked["links"]["mentor"].split("token=", 1)[1]
    mine = expect(send("GET", f"/scheduling/pairs/{pair['id']}", None, daniel_token), 200)
    assert mine["mentor"]["name"] == "Daniel Berg"
    assert mine["mentee"]["application_id"] == amira["id"]
    assert mine["mentee"]["name"] == "erased" and mine["mentee"]["email"] is None
    # the timer goes on finding no one until Daniel's extended period runs out
    clock.set(datetime(2030, 8, 31, 22, 0, tzinfo=UTC))
    assert sorted(e["email_sha256"] for e in erase_expired(intake)) == sorted(
        email_hash(address) for address in ("daniel.berg@example.se", "sara.nouri@example.se"))
