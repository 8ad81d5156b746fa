"""Every staff read or change of a person's data in notify is on record: who, in which role, what
they did to what, and whose data it was (by the hash erasure uses) — and nothing for a person's
own link. A tenant's coordinators read their own log, the operator everyone's."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.notify import store
from services.notify.domain.deliveries import UNSUBSCRIBE_SCOPE
from services.shared import audit, clock
from services.shared.db import create_engine, migrate
from services.shared.tenancy import participant_token
from tests.notify.conftest import KEY, sample
from tests.skeleton import expect

LEYLA = "leyla.rahimi@example.se"
LEYLA_HASH = hashlib.sha256(LEYLA.encode()).hexdigest()
OMAR = "omar.yusuf@example.se"
COORDINATOR = "coordinator@saco.example.se"


def _audit_rows(notify) -> list[dict]:
    t = store.audit_log
    with notify.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(t).order_by(t.c.at, t.c.id)).mappings()]


def _new_rows(notify, before: int) -> list[dict]:
    return _audit_rows(notify)[before:]


def _cohort_with_leyla_and_omar(notify) -> str:
    cohort = notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, application_id="a-omar",
                                                          name="Omar Yusuf", email=OMAR))
    return cohort


def _one(rows: list[dict]) -> dict:
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["tenant"] == "saco" and row["actor"] == COORDINATOR and row["role"] == "coordinator"
    return row


def test_each_coordinator_read_or_change_of_a_person_is_on_record(notify_mbox):
    notify = notify_mbox
    token = notify.coordinator("saco")
    cohort = _cohort_with_leyla_and_omar(notify)
    mentee_id = sample("application.accepted.v1")["application_id"]

    count = len(_audit_rows(notify))
    shown = expect(notify.send("GET", "/notify/deliveries", None, token), 200)
    rows = _new_rows(notify, count)
    assert len(shown) == 2 and {r["person_sha256"] for r in rows} == {LEYLA_HASH, audit.person_hash(OMAR)}
    assert {(r["action"], r["object_type"]) for r in rows} == {("read", "delivery_log")}
    assert {r["object_id"] for r in rows} == {mentee_id, "a-omar"}

    welcome, = notify.deliveries(person_id=mentee_id)
    count = len(_audit_rows(notify))
    expect(notify.send("GET", f"/notify/deliveries/{welcome['id']}", None, token), 200)
    row = _one(_new_rows(notify, count))
    assert (row["action"], row["object_type"], row["object_id"], row["person_sha256"]) == (
        "read", "delivery", welcome["id"], LEYLA_HASH)

    with notify.engine.begin() as conn:
        d = store.deliveries
        conn.execute(d.update().where(d.c.id == welcome["id"]).values(status="failed", last_error="550 no such mailbox"))
    count = len(_audit_rows(notify))
    expect(notify.send("POST", f"/notify/deliveries/{welcome['id']}/retry", None, token), 200)
    row = _one(_new_rows(notify, count))
    assert (row["action"], row["object_type"], row["object_id"], row["person_sha256"]) == (
        "change", "delivery", welcome["id"], LEYLA_HASH)

    count = len(_audit_rows(notify))
    expect(notify.send("GET", f"/notify/preferences?email={LEYLA}", None, token), 200)
    row = _one(_new_rows(notify, count))
    assert (row["action"], row["object_type"], row["person_sha256"]) == ("read", "preferences", LEYLA_HASH)

    count = len(_audit_rows(notify))
    expect(notify.send("PUT", "/notify/preferences", {"email": LEYLA, "opted_out": ["survey_due"]}, token), 200)
    row = _one(_new_rows(notify, count))
    assert (row["action"], row["object_type"], row["person_sha256"]) == ("change", "preferences", LEYLA_HASH)

    count = len(_audit_rows(notify))
    expect(notify.send("GET", f"/notify/export/person?email={LEYLA}", None, token), 200)
    row = _one(_new_rows(notify, count))
    assert (row["action"], row["object_type"], row["person_sha256"]) == ("read", "export", LEYLA_HASH)

    # an announcement reaches a whole cohort: one row for it, naming no one (each copy is in the log)
    count = len(_audit_rows(notify))
    sent = expect(notify.send("POST", f"/notify/cohorts/{cohort}/announcements",
                              {"subject": {"sv": "Ny lokal"}, "body": {"sv": "Vi ses i sal B."}}, token), 201)
    row = _one(_new_rows(notify, count))
    assert (row["action"], row["object_type"], row["object_id"], row["person_sha256"]) == (
        "change", "announcement", sent["id"], None)

    # a refused request writes nothing
    count = len(_audit_rows(notify))
    expect(notify.send("GET", "/notify/deliveries/no-such-delivery", None, token), 404)
    assert _new_rows(notify, count) == []


def test_a_persons_own_reads_are_not_staff_access(notify_mbox):
    notify = notify_mbox
    _cohort_with_leyla_and_omar(notify)
    mentee_id = sample("application.accepted.v1")["application_id"]
    own_link = participant_token(KEY, tenant="saco", sub=mentee_id, scope="application", ttl=600)
    preferences_link = participant_token(KEY, tenant="saco", sub=LEYLA_HASH, scope=UNSUBSCRIBE_SCOPE, ttl=600)
    expect(notify.send("GET", "/notify/export/mine", None, own_link), 200)
    expect(notify.send("GET", f"/notify/export/mine?token={own_link}", None, None), 200)
    expect(notify.send("GET", "/notify/preferences/mine", None, preferences_link), 200)
    expect(notify.send("PUT", "/notify/preferences/mine", {"opted_out": ["*"]}, preferences_link), 200)
    assert _audit_rows(notify) == []


def test_a_coordinator_reads_only_their_own_tenants_log_and_the_operator_all_of_it(notify_mbox):
    notify = notify_mbox
    _cohort_with_leyla_and_omar(notify)
    saco, other = notify.coordinator("saco"), notify.coordinator("unionen")
    expect(notify.send("GET", f"/notify/preferences?email={LEYLA}", None, saco), 200)
    expect(notify.send("GET", f"/notify/preferences?email={OMAR}", None, saco), 200)
    expect(notify.send("GET", f"/notify/preferences?email={LEYLA}", None, other), 200)  # unionen's own look
    saco_row = next(r for r in _audit_rows(notify) if r["tenant"] == "saco")

    mine = expect(notify.send("GET", "/notify/audit", None, saco), 200)
    assert mine["total"] == 2 and {r["tenant"] for r in mine["items"]} == {"saco"}
    expect(notify.send("GET", f"/notify/audit/{saco_row['id']}", None, saco), 200)

    theirs = expect(notify.send("GET", "/notify/audit", None, other), 200)
    assert theirs["total"] == 1 and {r["tenant"] for r in theirs["items"]} == {"unionen"}
    expect(notify.send("GET", f"/notify/audit/{saco_row['id']}", None, other), 404)
    expect(notify.send("GET", "/notify/audit?tenant=saco", None, other), 404)

    everyone = expect(notify.send("GET", "/notify/audit", None, notify.operator()), 200)
    assert everyone["total"] == 3
    assert expect(notify.send("GET", "/notify/audit?tenant=saco", None, notify.operator()), 200)["total"] == 2
    leylas = expect(notify.send("GET", f"/notify/audit?email={LEYLA}", None, saco), 200)
    assert leylas["total"] == 1 and leylas["items"][0]["person_sha256"] == LEYLA_HASH
    assert expect(notify.send("GET", f"/notify/audit?person_sha256={LEYLA_HASH}", None, notify.operator()),
                  200)["total"] == 2


def test_the_log_survives_the_persons_erasure_by_hash_alone(notify_mbox):
    notify = notify_mbox
    _cohort_with_leyla_and_omar(notify)
    token = notify.coordinator("saco")
    expect(notify.send("GET", "/notify/deliveries", None, token), 200)
    expect(notify.send("GET", f"/notify/preferences?email={LEYLA}", None, token), 200)
    notify.feed("person.erasure_requested.v1", "saco", {
        "erasure_id": "er-1", "email_sha256": LEYLA_HASH,
        "application_ids": [sample("application.accepted.v1")["application_id"]], "nomination_ids": []})
    kept = [r for r in _audit_rows(notify) if r["person_sha256"] == LEYLA_HASH]
    assert len(kept) == 2
    everything = repr(_audit_rows(notify)).lower()
    assert LEYLA not in everything and "rahimi" not in everything
    assert expect(notify.send("GET", f"/notify/audit?email={LEYLA}", None, token), 200)["total"] == 2


def test_pruning_drops_the_rows_older_than_the_audit_period(notify_mbox):
    notify = notify_mbox
    _cohort_with_leyla_and_omar(notify)
    token = notify.coordinator("saco")
    try:
        clock.set(clock.now() - timedelta(days=731))
        expect(notify.send("GET", f"/notify/preferences?email={LEYLA}", None, token), 200)
        clock.set(None)
        expect(notify.send("GET", f"/notify/preferences?email={OMAR}", None, token), 200)
    finally:
        clock.set(None)
    assert audit.prune(notify.engine, store.audit_log, 730) == 1
    left, = _audit_rows(notify)
    assert left["person_sha256"] == audit.person_hash(OMAR)


@pytest.mark.services
def test_on_postgresql_the_log_refuses_an_update(pg_url_factory):
    url = pg_url_factory("notify")
    migrate("notify", url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(store.audit_log.insert().values(
                id="row-1", at=clock.now(), tenant="saco", actor=COORDINATOR, role="coordinator", action="read",
                object_type="preferences", person_sha256=LEYLA_HASH))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(store.audit_log.update().where(store.audit_log.c.id == "row-1").values(person_sha256=None))
        with engine.connect() as conn:
            assert conn.execute(sa.select(store.audit_log.c.person_sha256)).scalar_one() == LEYLA_HASH
    finally:
        engine.dispose()
