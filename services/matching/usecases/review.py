"""The coordinator's review: approve one proposal or all of a run's, reject one, pin or forbid a
pair or lift it, and end a pair early — each loads and locks what it decides on, asks
``domain.runs`` whether it may, writes, and tells the other services through the outbox. A
coordinator's change is recorded in the audit log in the same transaction (``access``)."""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

from services.shared import clock

from .. import store
from ..domain import runs as rules
from ..store import people
from ..store import runs_and_proposals as run_rows
from .access import both, changed, mentees


def _approve(conn: Connection, proposal, by: str) -> dict:
    tenant, cohort_id = proposal["tenant"], proposal["cohort_id"]
    rules.check_open(proposal)
    mentor = store.one(conn, store.applications, tenant, proposal["mentor_id"])
    rules.check_approval(proposal, people.confirmed_pairs(conn, tenant, cohort_id), mentor)
    now = clock.now()
    store.update(conn, store.proposals, tenant, proposal["id"], status="approved", decided_by=by, decided_at=now)
    pair = rules.new_pair(proposal, by, now)
    people.add_pair(conn, pair)
    cohort = store.one(conn, store.cohorts, tenant, cohort_id)
    mentee = store.one(conn, store.applications, tenant, proposal["mentee_id"])
    store.publish(conn, rules.confirmed(pair, cohort, mentee, mentor))
    return pair


def approve(engine: Engine, tenant: str, proposal_id: str, by: str):
    """Approve one proposal: the pair is confirmed and both people hear of each other."""
    with engine.begin() as conn:
        proposal = store.found(conn, store.proposals, tenant, proposal_id, for_update=True)
        _approve(conn, proposal, by)
        changed(conn, tenant, "proposal", both([proposal]))
        return store.one(conn, store.proposals, tenant, proposal_id)


def approve_all(engine: Engine, tenant: str, run_id: str, by: str) -> dict:
    """Confirm every open proposal of the cohort's latest run; tell those left over why, and what
    happens next."""
    with engine.begin() as conn:
        run = store.found(conn, store.runs, tenant, run_id)
        latest = run_rows.latest_run(conn, tenant, run["cohort_id"])
        if latest is None or latest["id"] != run_id:
            raise rules.ReviewRefused("Only the cohort's latest run can be approved.")
        approved = run_rows.open_proposals(conn, tenant, run_id)
        for proposal in approved:
            _approve(conn, proposal, by)
        told = _notify_unmatched(conn, run)
        changed(conn, tenant, "proposal", both(approved))
        changed(conn, tenant, "unmatched", mentees(told))
        return {"confirmed": len(approved), "unmatched_told": len(told)}


def _notify_unmatched(conn: Connection, run) -> list:
    """Tell each mentee the run left unmatched, and not yet told, why; the rows of those told."""
    tenant = run["tenant"]
    cohort = store.one(conn, store.cohorts, tenant, run["cohort_id"])
    paired = {p["mentee_id"] for p in people.confirmed_pairs(conn, tenant, run["cohort_id"])}
    told = []
    for row in run_rows.untold_unmatched(conn, tenant, run["id"]):
        if row["mentee_id"] in paired:
            continue
        mentee = store.one(conn, store.applications, tenant, row["mentee_id"])
        store.publish(conn, rules.unmatched_told(run, cohort, row, mentee))
        store.update(conn, store.unmatched, tenant, row["id"], notified_at=clock.now())
        told.append(row)
    return told


def reject(engine: Engine, tenant: str, proposal_id: str, by: str, reason: str):
    """Reject a proposed pair: it is forbidden from now on."""
    with engine.begin() as conn:
        proposal = store.found(conn, store.proposals, tenant, proposal_id, for_update=True)
        rules.check_open(proposal)
        store.update(conn, store.proposals, tenant, proposal_id, status="rejected", decided_by=by, decided_at=clock.now())
        forbid = _override(conn, tenant, proposal["cohort_id"], "forbid", proposal["mentee_id"], proposal["mentor_id"],
                           reason or "rejected by the coordinator", by)
        changed(conn, tenant, "proposal", both([proposal]))
        changed(conn, tenant, "override", both([forbid]))
        return store.one(conn, store.proposals, tenant, proposal_id)


def _override(conn: Connection, tenant: str, cohort_id: str, kind: str, mentee_id: str, mentor_id: str, reason: str,
              by: str) -> dict:
    rules.check_override_people(people.people_of_cohort(conn, tenant, cohort_id, [mentee_id, mentor_id]), mentee_id, mentor_id)
    existing = people.override(conn, tenant, cohort_id, kind, mentee_id, mentor_id)
    if existing:
        return dict(existing)
    people.remove_override_of(conn, tenant, cohort_id, rules.opposite(kind), mentee_id, mentor_id)
    row = rules.new_override(tenant, cohort_id, kind, mentee_id, mentor_id, reason, by, clock.now())
    people.add_override(conn, row)
    return row


def add_override(engine: Engine, tenant: str, cohort_id: str, kind: str, mentee_id: str, mentor_id: str, reason: str,
                 by: str) -> dict:
    """Pin a pair (every run proposes it) or forbid it (no run proposes it)."""
    with engine.begin() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        row = _override(conn, tenant, cohort_id, kind, mentee_id, mentor_id, reason, by)
        changed(conn, tenant, "override", both([row]))
        return row


def lift_override(engine: Engine, tenant: str, override_id: str) -> None:
    """Lift a pin or a forbid."""
    with engine.begin() as conn:
        lifted = store.found(conn, store.overrides, tenant, override_id, "pin or forbid")
        people.remove_override(conn, tenant, override_id)
        changed(conn, tenant, "override", both([lifted]))


def end_confirmed_pair(conn: Connection, pair, by: str, reason: str) -> dict:
    """End a pair early: the mentee is free for the next run, no other pair moves, and the pair
    that did not work is not proposed again."""
    rules.check_confirmed(pair)
    tenant, now = pair["tenant"], clock.now()
    store.update(conn, store.pairs, tenant, pair["id"], status="ended", ended_by=by, ended_at=now, end_reason=reason)
    _override(conn, tenant, pair["cohort_id"], "forbid", pair["mentee_id"], pair["mentor_id"], f"ended early: {reason}", by)
    cohort = store.one(conn, store.cohorts, tenant, pair["cohort_id"])
    mentee = store.one(conn, store.applications, tenant, pair["mentee_id"])
    mentor = store.one(conn, store.applications, tenant, pair["mentor_id"])
    store.publish(conn, rules.ended(pair, cohort, mentee, mentor, by, reason, now))
    return {**pair, "status": "ended", "ended_by": by, "ended_at": now, "end_reason": reason}


def end_pair(engine: Engine, tenant: str, pair_id: str, by: str, reason: str) -> dict:
    """A coordinator ends a pair early (the reason is kept)."""
    with engine.begin() as conn:
        pair = store.found(conn, store.pairs, tenant, pair_id, for_update=True)
        ended = end_confirmed_pair(conn, pair, by, reason)
        changed(conn, tenant, "pair", both([pair]))
        return ended
