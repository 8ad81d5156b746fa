"""An erasure request leaves nothing of the person in notify: not their address, name or
choices, not the text of any message about them — only counts in the delivery log."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from services.notify import store
from services.shared import clock
from tests.notify.conftest import sample
from tests.skeleton import expect


def _everything(engine) -> str:
    """Every value of every notify table but the inbox (the events as they came) and the audit log
    (which names people by the hash on purpose, see test_audit), as one text."""
    with engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in store.metadata.sorted_tables
                         if table.name not in ("inbox", "audit_log") for row in conn.execute(sa.select(table)))


def _published(engine) -> None:
    """The relay's part: every event in the outbox so far went to the broker."""
    with engine.begin() as conn:
        conn.execute(store.OUTBOX.update().where(store.OUTBOX.c.sent_at.is_(None)).values(sent_at=clock.now()))


def _outbox_about(engine, text: str) -> list:
    o = store.OUTBOX
    with engine.connect() as conn:
        return conn.execute(sa.select(o.c.type, o.c.sent_at).where(o.c.body.contains(text))).all()


def test_an_erasure_removes_the_persons_data(notify_mbox, receiver):
    notify = notify_mbox
    token = notify.coordinator("saco")
    expect(notify.send("POST", "/notify/webhooks", {"url": receiver.url}, token), 201)
    cohort = notify.cohort("saco")
    leyla = "leyla.rahimi@example.se"
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    notify.dispatch()  # sent: its text is gone already; its address is still in the log
    expect(notify.send("PUT", "/notify/preferences", {"email": leyla, "opted_out": ["survey_due"]}, token), 200)
    notify.feed("match.confirmed.v1", "saco", sample("match.confirmed.v1", cohort))  # waiting: to her, and about her to Aino
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, application_id="a-other",
                                                          name="Omar Yusuf", email="omar.yusuf@example.se"))
    before = _everything(notify.engine)
    assert leyla in before and "Leyla Rahimi" in before

    mentee_id = sample("application.accepted.v1")["application_id"]
    notify.feed("person.erasure_requested.v1", "saco", {
        "erasure_id": "er-1", "email_sha256": hashlib.sha256(leyla.encode()).hexdigest(),
        "application_ids": [mentee_id], "nomination_ids": []})

    after = _everything(notify.engine)
    assert leyla not in after and "Leyla Rahimi" not in after and "Rahimi" not in after
    theirs = notify.deliveries(person_id=mentee_id)
    assert {d["status"] for d in theirs} == {"sent", "cancelled"}  # the log still counts them
    assert {d["recipient"] for d in theirs} == {f"erased-{hashlib.sha256(leyla.encode()).hexdigest()[:16]}@erased.invalid"}
    introduction, = notify.deliveries(recipient="aino.korhonen@example.fi")
    assert introduction["status"] == "cancelled" and introduction["body_text"] is None  # it would have named her
    assert notify.deliveries(recipient="omar.yusuf@example.se")[0]["status"] == "pending"  # nobody else is touched
    assert expect(notify.send("GET", f"/notify/preferences?email={leyla}", None, token), 200)["opted_out"] == []
    notify.dispatch(rounds=3)
    assert {d["status"] for d in notify.deliveries(recipient="omar.yusuf@example.se")} == {"sent"}
    # the tenant's own system heard of the erasure (by hash), and the events that waited for it
    # no longer carry her details
    bodies = {json.loads(r["body"])["type"]: r["body"] for r in receiver.requests}
    assert b"leyla" not in bodies["match.confirmed.v1"].lower()
    assert json.loads(bodies["person.erasure_requested.v1"])["data"]["application_ids"] == [mentee_id]
    # once those are delivered, not even the hash is left
    assert hashlib.sha256(leyla.encode()).hexdigest() not in _everything(notify.engine)


def test_an_erasure_also_clears_what_names_the_person_elsewhere(notify_mbox):
    """Notify's own events about her, a message proposing her meeting to her mentor (it names her,
    not her address), and a mail server's answer quoting her address in its own spelling."""
    notify = notify_mbox
    cohort = notify.cohort("saco")
    leyla = "leyla.rahimi@example.se"
    mentee_id = sample("application.accepted.v1")["application_id"]
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort))
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, application_id="a-other",
                                                          name="Omar Yusuf", email="omar.yusuf@example.se"))
    notify.dispatch()  # both sent: notification.sent about each of them
    _published(notify.engine)
    notify.feed("application.promoted.v1", "saco", sample("application.promoted.v1", cohort))
    notify.dispatch()  # sent too; its notification.sent waits in the outbox, unpublished
    assert {(type_, sent_at is None) for type_, sent_at in _outbox_about(notify.engine, mentee_id)} == {
        ("notification.sent.v1", False), ("notification.sent.v1", True)}
    notify.feed("meeting.proposed.v1", "saco", sample("meeting.proposed.v1", cohort, proposed_by="mentee"))
    proposal, = notify.deliveries(recipient="aino.korhonen@example.fi")
    assert proposal["status"] == "pending"
    assert "Leyla Rahimi" in proposal["body_text"] and leyla not in proposal["body_text"]
    with notify.engine.begin() as conn:  # her welcome, had it bounced with her address as the server spells it
        d = store.deliveries
        conn.execute(d.update().where(d.c.person_id == mentee_id, d.c.message == "application_accepted").values(
            status="failed", last_error="550 5.1.1 <Leyla.Rahimi@Example.SE>: mailbox unavailable"))

    notify.feed("person.erasure_requested.v1", "saco", {
        "erasure_id": "er-2", "email_sha256": hashlib.sha256(leyla.encode()).hexdigest(),
        "application_ids": [mentee_id], "nomination_ids": []})

    # published events about her are gone; the one still waiting travels (ids only), and its
    # consumers hear of the erasure right after
    assert [(type_, sent_at) for type_, sent_at in _outbox_about(notify.engine, mentee_id)] == [
        ("notification.sent.v1", None)]
    assert _outbox_about(notify.engine, "a-other")  # nobody else's
    proposal, = notify.deliveries(recipient="aino.korhonen@example.fi")
    assert proposal["status"] == "cancelled" and proposal["body_text"] is None and proposal["calendar"] is None
    welcome, = notify.deliveries(person_id=mentee_id, message="application_accepted")
    assert welcome["status"] == "failed" and welcome["last_error"] == "(erased)"  # still counted as a failure
    after = _everything(notify.engine).lower()
    assert leyla not in after and "rahimi" not in after


def test_a_short_name_erased_leaves_a_longer_name_that_contains_it_alone(notify_mbox):
    """Erasing Ali cancels nothing addressed to Alice: a name counts only as a whole word."""
    notify = notify_mbox
    cohort = notify.cohort("saco")
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, application_id="a-ali",
                                                          name="Ali", email="ali@example.se"))
    notify.feed("application.accepted.v1", "saco", sample("application.accepted.v1", cohort, application_id="a-alice",
                                                          name="Alice Berg", email="alice.berg@example.se"))
    alice, = notify.deliveries(recipient="alice.berg@example.se")
    assert "Alice" in (alice["body_text"] or "") and alice["status"] == "pending"

    notify.feed("person.erasure_requested.v1", "saco", {
        "erasure_id": "er-ali", "email_sha256": hashlib.sha256(b"ali@example.se").hexdigest(),
        "application_ids": ["a-ali"], "nomination_ids": []})

    alice_after, = notify.deliveries(recipient="alice.berg@example.se")
    assert alice_after["status"] == "pending" and alice_after["body_text"] == alice["body_text"]
    ali, = notify.deliveries(person_id="a-ali")
    assert ali["status"] == "cancelled" and ali["body_text"] is None
