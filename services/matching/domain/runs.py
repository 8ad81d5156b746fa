"""Matching runs and the coordinator's review: build the cohort's problem from matching's own
projection, solve it, keep the proposals with their breakdowns and every unmatched mentee with
the reason, then approve, reject, pin, forbid, re-run and end pairs — each with its event.

Runs are serialised per cohort (a PostgreSQL advisory lock; a process lock on SQLite)."""

from __future__ import annotations

import threading
import time
import uuid
import zlib
from collections import Counter
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.shared import clock, metrics
from services.shared.contract import new_event

from .. import store
from .explain import unmatched_reasons
from .model import DEFAULT_WEIGHTS, Mentee, Mentor, Problem, Rules
from .solver import solve, solve_stable


class ReviewRefused(Exception):
    """A coordinator's step that the state of the cohort does not allow; the text says why."""


class RunInProgress(ReviewRefused):
    pass


_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def cohort_lock(engine: Engine, cohort_id: str):
    """Only one run per cohort at a time, across every process that can reach the database."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            key = zlib.crc32(f"tandem.matching.{cohort_id}".encode())
            if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise RunInProgress("a matching run for this cohort is in progress")
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        finally:
            conn.close()
        return
    with _local_guard:
        lock = _local_locks.setdefault(cohort_id, threading.Lock())
    if not lock.acquire(blocking=False):
        raise RunInProgress("a matching run for this cohort is in progress")
    try:
        yield
    finally:
        lock.release()


# --- the problem, from the projection ----------------------------------------------------------


def _code(profession) -> str | None:
    return (profession or {}).get("code") or None


def active_pairs(conn: Connection, tenant: str, cohort_id: str):
    return store.rows(conn, store.pairs, tenant, store.pairs.c.cohort_id == cohort_id, store.pairs.c.status == "confirmed")


def build_problem(conn: Connection, tenant: str, cohort, mode: str | None = None) -> Problem:
    """The cohort's accepted mentees and mentors who are still free, with what is left of each
    mentor's capacity after the confirmed pairs, and the coordinator's pins and forbids."""
    a = store.applications
    people = store.rows(conn, a, tenant, a.c.cohort_id == cohort["id"], a.c.status == "accepted", order_by=[a.c.arrival, a.c.id])
    taken = Counter()
    paired_mentees = set()
    for pair in active_pairs(conn, tenant, cohort["id"]):
        taken[pair["mentor_id"]] += 1
        paired_mentees.add(pair["mentee_id"])
    mentees, mentors = [], []
    for p in people:
        common = dict(
            id=p["id"], arrival=p["arrival"] or 0, mentoring_languages=frozenset(p["mentoring_languages"] or []),
            education_field=p["education_field"], sector=p["sector"], city=p["city"], remote_ok=bool(p["remote_ok"]),
            experience_years=p["experience_years"], employer=p["employer"], interests=p["interests"] or "",
        )
        if p["role"] == "mentee" and p["id"] not in paired_mentees:
            mentees.append(Mentee(
                **common, wished_profession=_code(p["wished_profession"]),
                mother_tongues=frozenset(lang["language"] for lang in p["languages"] or [] if lang.get("level") == "native"),
                excluded_employers=frozenset(p["excluded_employers"] or []),
            ))
        elif p["role"] == "mentor":
            left = (p["capacity"] or 1) - taken[p["id"]]
            if left > 0:
                mentors.append(Mentor(
                    **common, profession=_code(p["profession"]), capacity=left,
                    spoken_languages=frozenset(lang["language"] for lang in p["languages"] or []),
                ))
    free_mentees, free_mentors = {m.id for m in mentees}, {m.id for m in mentors}
    o = store.overrides
    overrides = store.rows(conn, o, tenant, o.c.cohort_id == cohort["id"])
    forbidden = frozenset((r["mentee_id"], r["mentor_id"]) for r in overrides if r["kind"] == "forbid")
    pinned = frozenset((r["mentee_id"], r["mentor_id"]) for r in overrides if r["kind"] == "pin"
                       and r["mentee_id"] in free_mentees and r["mentor_id"] in free_mentors)
    programme = cohort["programme"]
    return Problem(
        mentees=tuple(mentees), mentors=tuple(mentors), rules=Rules(forbidden=forbidden, pinned=pinned),
        weights={**DEFAULT_WEIGHTS, **(programme.get("matching_weights") or {})},
        mode=mode or programme.get("matching_mode", "optimal"),
    )


# --- runs ----------------------------------------------------------------------------------


def request_run(conn: Connection, tenant: str, cohort, by: str, trigger: str, mode: str | None = None) -> dict:
    row = {
        "id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort["id"], "status": "requested", "trigger": trigger,
        "mode": mode or cohort["programme"].get("matching_mode", "optimal"), "parameters": {}, "requested_by": by,
        "requested_at": clock.now(),
    }
    conn.execute(store.runs.insert().values(**row))
    return row


def execute_run(engine: Engine, tenant: str, run_id: str) -> dict:
    """Solve the cohort for a requested run and record everything it found."""
    with engine.connect() as conn:
        run = store.one(conn, store.runs, tenant, run_id)
    with cohort_lock(engine, run["cohort_id"]):
        started = time.perf_counter()
        with engine.begin() as conn:
            store.update(conn, store.runs, tenant, run_id, status="running", started_at=clock.now())
            cohort = store.one(conn, store.cohorts, tenant, run["cohort_id"])
            problem = build_problem(conn, tenant, cohort, run["mode"])
        try:
            solution = solve_stable(problem) if problem.mode == "stable" else solve(problem)
            reasons = unmatched_reasons(problem, solution)
        except Exception as exc:
            with engine.begin() as conn:
                store.update(conn, store.runs, tenant, run_id, status="failed", error=f"{type(exc).__name__}: {exc}",
                             finished_at=clock.now())
            metrics.MATCH_RUNS.labels("matching", "failed").inc()
            raise
        elapsed = time.perf_counter() - started
        with engine.begin() as conn:
            _supersede(conn, tenant, run["cohort_id"])
            pinned = problem.rules.pinned
            for pair in solution.pairs:
                conn.execute(store.proposals.insert().values(
                    id=str(uuid.uuid4()), tenant=tenant, run_id=run_id, cohort_id=run["cohort_id"],
                    mentee_id=pair.mentee_id, mentor_id=pair.mentor_id, score=pair.score, breakdown=pair.breakdown,
                    pinned=(pair.mentee_id, pair.mentor_id) in pinned, status="proposed",
                ))
            for mentee_id, reason in reasons.items():
                conn.execute(store.unmatched.insert().values(
                    id=str(uuid.uuid4()), tenant=tenant, run_id=run_id, mentee_id=mentee_id,
                    reason_code=reason.code, reason=reason.text, details=_plain(reason.details),
                ))
            parameters = {
                "weights": problem.weights, "mode": problem.mode, "pins": len(problem.rules.pinned),
                "forbids": len(problem.rules.forbidden), "mentor_seats": sum(m.capacity for m in problem.mentors),
            }
            store.update(
                conn, store.runs, tenant, run_id, status="succeeded", finished_at=clock.now(), parameters=parameters,
                timings={**{k: round(v, 4) for k, v in solution.timings.items()}, "total": round(elapsed, 4)},
                objective=solution.objective, mentees=len(problem.mentees), mentors=len(problem.mentors),
                matched=solution.matched, unmatched=len(solution.unmatched),
            )
            store.publish(conn, new_event("match.proposed.v1", source="matching", tenant=tenant,
                                          subject=f"cohort/{run['cohort_id']}", data={
                                              "run_id": run_id, "cohort_id": run["cohort_id"], "mode": problem.mode,
                                              "proposed": solution.matched, "unmatched": len(solution.unmatched),
                                              "objective": solution.objective}))
        metrics.MATCH_RUNS.labels("matching", "succeeded").inc()
        metrics.MATCH_RUN_DURATION.labels("matching").observe(elapsed)
    with engine.connect() as conn:
        return dict(store.one(conn, store.runs, tenant, run_id))


def run_requested(engine: Engine) -> int:
    """The worker's timer: run what was requested (e.g. by a cohort closing)."""
    done = 0
    with engine.connect() as conn:
        waiting = conn.execute(sa.select(store.runs.c.id, store.runs.c.tenant).where(store.runs.c.status == "requested")
                               .order_by(store.runs.c.requested_at)).all()
    for run_id, tenant in waiting:
        try:
            execute_run(engine, tenant, run_id)
            done += 1
        except RunInProgress:
            continue
    return done


def _supersede(conn: Connection, tenant: str, cohort_id: str) -> None:
    p = store.proposals
    conn.execute(p.update().where(p.c.tenant == tenant, p.c.cohort_id == cohort_id, p.c.status == "proposed")
                 .values(status="superseded"))


def latest_run(conn: Connection, tenant: str, cohort_id: str):
    r = store.runs
    return conn.execute(sa.select(r).where(r.c.tenant == tenant, r.c.cohort_id == cohort_id, r.c.status == "succeeded")
                        .order_by(r.c.finished_at.desc()).limit(1)).mappings().first()


# --- review ------------------------------------------------------------------------------------


def approve(conn: Connection, proposal, by: str) -> dict:
    if proposal["status"] != "proposed":
        raise ReviewRefused(f"the proposal is {proposal['status']}")
    tenant, cohort_id = proposal["tenant"], proposal["cohort_id"]
    taken = active_pairs(conn, tenant, cohort_id)
    if any(p["mentee_id"] == proposal["mentee_id"] for p in taken):
        raise ReviewRefused("the mentee has a confirmed mentor already")
    mentor = store.one(conn, store.applications, tenant, proposal["mentor_id"])
    if sum(1 for p in taken if p["mentor_id"] == proposal["mentor_id"]) >= (mentor["capacity"] or 1):
        raise ReviewRefused("the mentor is at capacity")
    now = clock.now()
    store.update(conn, store.proposals, tenant, proposal["id"], status="approved", decided_by=by, decided_at=now)
    pair = {
        "id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort_id, "mentee_id": proposal["mentee_id"],
        "mentor_id": proposal["mentor_id"], "run_id": proposal["run_id"], "score": proposal["score"],
        "breakdown": proposal["breakdown"], "status": "confirmed", "confirmed_by": by, "confirmed_at": now,
    }
    conn.execute(store.pairs.insert().values(**pair))
    cohort = store.one(conn, store.cohorts, tenant, cohort_id)
    mentee = store.one(conn, store.applications, tenant, proposal["mentee_id"])
    share = cohort["programme"].get("share_contact_details") or ["email"]
    shared = sorted(set(mentee["mentoring_languages"] or []) & set(mentor["mentoring_languages"] or []),
                    key=lambda lang: _language_order(cohort, lang))
    store.publish(conn, new_event("match.confirmed.v1", source="matching", tenant=tenant, subject=f"pair/{pair['id']}", data={
        **_cohort_data(cohort), "pair_id": pair["id"], "mentee": _person(mentee, share), "mentor": _person(mentor, share),
        "shared_languages": shared, "share_contact_details": share, "score": pair["score"], "confirmed_at": now,
    }))
    return pair


def approve_all(conn: Connection, run, by: str) -> dict:
    """Confirm every open proposal of the run; tell those left over why, and what happens next."""
    p = store.proposals
    confirmed = [approve(conn, proposal, by) for proposal in
                 store.rows(conn, p, run["tenant"], p.c.run_id == run["id"], p.c.status == "proposed", order_by=p.c.score.desc())]
    told = notify_unmatched(conn, run)
    return {"confirmed": len(confirmed), "unmatched_told": told}


def notify_unmatched(conn: Connection, run) -> int:
    u = store.unmatched
    cohort = store.one(conn, store.cohorts, run["tenant"], run["cohort_id"])
    paired = {p["mentee_id"] for p in active_pairs(conn, run["tenant"], run["cohort_id"])}
    told = 0
    for row in store.rows(conn, u, run["tenant"], u.c.run_id == run["id"], u.c.notified_at.is_(None)):
        if row["mentee_id"] in paired:
            continue
        mentee = store.one(conn, store.applications, run["tenant"], row["mentee_id"])
        store.publish(conn, new_event("match.unmatched.v1", source="matching", tenant=run["tenant"],
                                      subject=f"application/{row['mentee_id']}", data={
                                          **_cohort_data(cohort), "run_id": run["id"], "mentee": _person(mentee, ["email"]),
                                          "reason_code": row["reason_code"], "reason": row["reason"]}))
        store.update(conn, u, run["tenant"], row["id"], notified_at=clock.now())
        told += 1
    return told


def reject(conn: Connection, proposal, by: str, reason: str) -> None:
    """Reject a proposed pair: it is forbidden from now on."""
    if proposal["status"] != "proposed":
        raise ReviewRefused(f"the proposal is {proposal['status']}")
    store.update(conn, store.proposals, proposal["tenant"], proposal["id"], status="rejected", decided_by=by, decided_at=clock.now())
    add_override(conn, proposal["tenant"], proposal["cohort_id"], "forbid", proposal["mentee_id"], proposal["mentor_id"],
                 reason or "rejected by the coordinator", by)


def add_override(conn: Connection, tenant: str, cohort_id: str, kind: str, mentee_id: str, mentor_id: str, reason: str, by: str) -> dict:
    a = store.applications
    people = {r["id"]: r for r in store.rows(conn, a, tenant, a.c.cohort_id == cohort_id, a.c.id.in_([mentee_id, mentor_id]))}
    if people.get(mentee_id, {}).get("role") != "mentee" or people.get(mentor_id, {}).get("role") != "mentor":
        raise ReviewRefused("name a mentee and a mentor of this cohort")
    o = store.overrides
    existing = conn.execute(sa.select(o).where(o.c.tenant == tenant, o.c.cohort_id == cohort_id, o.c.kind == kind,
                                               o.c.mentee_id == mentee_id, o.c.mentor_id == mentor_id)).mappings().first()
    if existing:
        return dict(existing)
    opposite = "forbid" if kind == "pin" else "pin"
    conn.execute(o.delete().where(o.c.tenant == tenant, o.c.cohort_id == cohort_id, o.c.kind == opposite,
                                  o.c.mentee_id == mentee_id, o.c.mentor_id == mentor_id))
    row = {"id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort_id, "kind": kind, "mentee_id": mentee_id,
           "mentor_id": mentor_id, "reason": reason or "", "created_by": by, "created_at": clock.now()}
    conn.execute(o.insert().values(**row))
    return row


def end_pair(conn: Connection, pair, by: str, reason: str) -> dict:
    """End a pair early: the mentee is free for the next run, no other pair moves, and the pair
    that did not work is not proposed again."""
    if pair["status"] != "confirmed":
        raise ReviewRefused(f"the pair is {pair['status']}")
    now = clock.now()
    store.update(conn, store.pairs, pair["tenant"], pair["id"], status="ended", ended_by=by, ended_at=now, end_reason=reason)
    add_override(conn, pair["tenant"], pair["cohort_id"], "forbid", pair["mentee_id"], pair["mentor_id"],
                 f"ended early: {reason}", by)
    cohort = store.one(conn, store.cohorts, pair["tenant"], pair["cohort_id"])
    mentee = store.one(conn, store.applications, pair["tenant"], pair["mentee_id"])
    mentor = store.one(conn, store.applications, pair["tenant"], pair["mentor_id"])
    store.publish(conn, new_event("match.ended.v1", source="matching", tenant=pair["tenant"], subject=f"pair/{pair['id']}", data={
        **_cohort_data(cohort), "pair_id": pair["id"], "mentee": _person(mentee, ["email"]), "mentor": _person(mentor, ["email"]),
        "reason": reason, "ended_by": by, "ended_at": now,
    }))
    return {**pair, "status": "ended", "ended_by": by, "ended_at": now, "end_reason": reason}


def _cohort_data(cohort) -> dict:
    programme = cohort["programme"]
    return {"cohort_id": cohort["id"], "cohort_name": cohort["name"], "programme_id": programme.get("id", ""),
            "programme_name": programme.get("name") or {}, "time_zone": cohort["time_zone"],
            "starts_on": cohort["starts_on"], "ends_on": cohort["ends_on"]}


def _person(application, share: list[str]) -> dict:
    profession = application["profession"] if application["role"] == "mentor" else application["wished_profession"]
    return {
        "application_id": application["id"], "name": application["name"], "email": application["email"],
        "locale": application["locale"], "phone": application["phone"] if "phone" in share else None,
        "languages": list(application["mentoring_languages"] or []),
        "profession": (profession or {}).get("code"), "profession_title": (profession or {}).get("title"),
    }


def _language_order(cohort, language: str) -> tuple[int, str]:
    offered = cohort["programme"].get("languages") or []
    return (offered.index(language) if language in offered else len(offered), language)


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in sorted(value) if v is not None] if isinstance(value, set | frozenset) else [_plain(v) for v in value]
    return value
