"""Matching runs and the coordinator's review: build the cohort's problem from matching's own
projection, solve it, keep the proposals with their breakdowns and every unmatched mentee with
the reason, then approve, reject, pin, forbid, re-run and end pairs — each with its event.

A run is requested (by a coordinator or a closing cohort) as a queued row; the worker executes it.
A cohort has at most one queued or running run (a unique index), a worker claims a queued run by
the one status change only one worker can make, and it holds the run under a lease it keeps
renewing: a run whose worker stopped is queued again (``MAX_ATTEMPTS`` times at most, then
failed), and a worker that lost its lease writes nothing."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.shared import clock, metrics
from services.shared.contract import new_event
from services.shared.errors import INVALID, Refused

from .. import store
from .explain import unmatched_reasons
from .model import DEFAULT_WEIGHTS, Mentee, Mentor, Problem, Rules
from .scoring import pair_rule, resolve_weights
from .solver import RULE_TEXTS, solve, solve_stable

log = logging.getLogger(__name__)

#: How long a worker's claim on a run lasts unless renewed, and how often the worker renews it.
LEASE_SECONDS = 120.0
HEARTBEAT_SECONDS = 20.0
#: Times a run whose worker stopped mid-way is taken up again before it is failed.
MAX_ATTEMPTS = 3

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
ACTIVE = (QUEUED, RUNNING)


class ReviewRefused(Refused):
    """A coordinator's step that the state of the cohort does not allow (a conflict, unless it
    names fields of the request that do not fit); the text says why."""


class RunInProgress(ReviewRefused):
    """The cohort has a queued or running run already; a second one would only race it."""

    def __init__(self, run_id: str | None):
        super().__init__("a matching run of this cohort is already queued or running"
                         + (f" (run {run_id})" if run_id else "") + "; its result is shown when it has finished")
        self.run_id = run_id


class RunCannotSucceed(Exception):
    """What keeps a cohort from being matched, in words a coordinator can act on."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


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
    required = frozenset(programme.get("required_mentor_languages") or [])
    return Problem(
        mentees=tuple(mentees), mentors=tuple(mentors),
        rules=Rules(forbidden=forbidden, pinned=pinned, required_mentor_languages=required),
        weights={**DEFAULT_WEIGHTS, **(programme.get("matching_weights") or {})},
        mode=mode or programme.get("matching_mode", "optimal"),
    )


# --- runs ----------------------------------------------------------------------------------


def active_run(conn: Connection, tenant: str, cohort_id: str):
    """The cohort's queued or running run, if any."""
    r = store.runs
    return conn.execute(sa.select(r).where(r.c.tenant == tenant, r.c.cohort_id == cohort_id, r.c.status.in_(ACTIVE))
                        ).mappings().first()


def request_run(conn: Connection, tenant: str, cohort, by: str, trigger: str, mode: str | None = None) -> dict:
    """Queue a run of the whole cohort for the worker; RunInProgress while one is queued or running."""
    existing = active_run(conn, tenant, cohort["id"])
    if existing is not None:
        raise RunInProgress(existing["id"])
    row = {
        "id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort["id"], "status": QUEUED, "trigger": trigger,
        "mode": mode or cohort["programme"].get("matching_mode", "optimal"), "parameters": {}, "requested_by": by,
        "requested_at": clock.now(), "attempts": 0,
    }
    try:
        conn.execute(store.runs.insert().values(**row))
    except sa.exc.IntegrityError as exc:  # another request queued one between the look and the insert
        raise RunInProgress(None) from exc
    return row


def work_on_runs(engine: Engine, worker: str, lease: float = LEASE_SECONDS, heartbeat: float = HEARTBEAT_SECONDS) -> int:
    """The worker's timer: queue again the runs whose worker stopped, then execute every queued
    run, one at a time. Returns how many runs this worker executed."""
    recover_abandoned(engine)
    done = 0
    while (run := claim_next(engine, worker, lease)) is not None:
        execute_claimed(engine, run, worker, lease, heartbeat)
        done += 1
    return done


def claim_next(engine: Engine, worker: str, lease: float = LEASE_SECONDS):
    """The oldest queued run, now running under this worker's lease; None when none is left.
    Of several workers after the same run, exactly one changes its status from queued."""
    r = store.runs
    with engine.connect() as conn:
        waiting = conn.execute(sa.select(r.c.id).where(r.c.status == QUEUED).order_by(r.c.requested_at).limit(20)).scalars().all()
    for run_id in waiting:
        now = clock.now()
        with engine.begin() as conn:
            won = conn.execute(r.update().where(r.c.id == run_id, r.c.status == QUEUED).values(
                status=RUNNING, claimed_by=worker, lease_until=now + timedelta(seconds=lease), started_at=now,
                attempts=r.c.attempts + 1)).rowcount
            if won:
                return conn.execute(sa.select(r).where(r.c.id == run_id)).mappings().one()
    return None


def recover_abandoned(engine: Engine, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Runs still "running" whose lease ran out (their worker stopped): queued again, or failed
    once they have been tried ``max_attempts`` times."""
    r = store.runs
    now = clock.now()
    stale = sa.and_(r.c.status == RUNNING, sa.or_(r.c.lease_until.is_(None), r.c.lease_until < now))
    with engine.begin() as conn:
        given_up = conn.execute(r.update().where(stale, r.c.attempts >= max_attempts).values(
            status=FAILED, finished_at=now, claimed_by=None, lease_until=None, failure_code="interrupted",
            failure_reason=f"the run was interrupted {max_attempts} times before it could finish; "
                           "the operators have the details in the log")).rowcount
        requeued = conn.execute(r.update().where(stale).values(status=QUEUED, claimed_by=None, lease_until=None)).rowcount
    if given_up or requeued:
        log.warning("matching runs whose worker stopped: %d queued again, %d failed after %d attempts",
                    requeued, given_up, max_attempts)
        metrics.MATCH_RUNS.labels("matching", FAILED).inc(given_up)
    return given_up + requeued


class _Lease:
    """Keeps pushing a claimed run's lease forward while the worker solves it."""

    def __init__(self, engine: Engine, run_id: str, worker: str, lease: float, every: float):
        self.engine, self.run_id, self.worker, self.lease, self.every = engine, run_id, worker, lease, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"matching-lease-{run_id[:8]}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _renew(self) -> None:
        r = store.runs
        while not self.stop.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    held = conn.execute(r.update().where(r.c.id == self.run_id, r.c.status == RUNNING,
                                                         r.c.claimed_by == self.worker)
                                        .values(lease_until=clock.now() + timedelta(seconds=self.lease))).rowcount
            except Exception:
                log.exception("could not renew the lease of matching run %s; trying again", self.run_id)
                continue
            if not held:
                log.warning("matching run %s is no longer this worker's; its result will be discarded", self.run_id)
                return


class _LeaseLost(Exception):
    pass


def execute_claimed(engine: Engine, run, worker: str, lease: float = LEASE_SECONDS,
                    heartbeat: float = HEARTBEAT_SECONDS) -> str:
    """Solve the cohort of a run this worker has claimed and record what it found, or why it
    could not be matched. Returns the run's final status (or "lost" if another worker took it)."""
    tenant, run_id = run["tenant"], run["id"]
    started = time.perf_counter()
    try:
        with _Lease(engine, run_id, worker, lease, heartbeat):
            with engine.connect() as conn:
                cohort = store.one(conn, store.cohorts, tenant, run["cohort_id"])
                problem = build_problem(conn, tenant, cohort, run["mode"])
                check_problem(conn, tenant, cohort, problem)
            solution = solve_stable(problem) if problem.mode == "stable" else solve(problem)
            reasons = unmatched_reasons(problem, solution)
        _record_success(engine, run, worker, problem, solution, reasons, time.perf_counter() - started)
        return SUCCEEDED
    except _LeaseLost:
        log.warning("matching run %s was taken over by another worker; this result is discarded", run_id)
        return "lost"
    except RunCannotSucceed as failure:
        log.info("matching run %s of cohort %s cannot succeed: %s", run_id, run["cohort_id"], failure.reason,
                 extra={"tenant": tenant})
        code, reason = failure.code, failure.reason
    except Exception:
        log.exception("matching run %s of cohort %s failed", run_id, run["cohort_id"], extra={"tenant": tenant})
        code, reason = "unexpected", f"the run failed unexpectedly; the operators have the details in the log (run {run_id})"
    try:
        _finish(engine, run, worker, FAILED, failure_code=code, failure_reason=reason)
    except _LeaseLost:
        return "lost"
    metrics.MATCH_RUNS.labels("matching", FAILED).inc()
    return FAILED


def check_problem(conn: Connection, tenant: str, cohort, problem: Problem) -> None:
    """Raise RunCannotSucceed when the cohort cannot be matched as it stands, saying what to do."""
    a = store.applications
    counts = Counter((role, status) for role, status in conn.execute(
        sa.select(a.c.role, a.c.status).where(a.c.tenant == tenant, a.c.cohort_id == cohort["id"])))
    for role, people, plural in (("mentee", problem.mentees, "mentees"), ("mentor", problem.mentors, "mentors")):
        if people:
            continue
        if not any(count for (r, _), count in counts.items() if r == role):
            raise RunCannotSucceed(f"no_{plural}", f"no {plural} have applied to this cohort yet")
        if not counts[(role, "accepted")]:
            raise RunCannotSucceed(f"no_{plural}", f"the cohort has no accepted {plural}; accept {plural}' applications first")
        if role == "mentee":
            raise RunCannotSucceed("all_mentees_paired", "every accepted mentee already has a confirmed mentor")
        raise RunCannotSucceed("all_mentors_full", "every accepted mentor already has as many confirmed mentees as they can take")
    try:
        resolve_weights(problem.weights)
    except ValueError:
        raise RunCannotSucceed("invalid_weights", "the programme's matching weights are not valid; correct them in the programme") from None
    mentees = {m.id: m for m in problem.mentees}
    mentors = {m.id: m for m in problem.mentors}
    names = dict(conn.execute(sa.select(a.c.id, a.c.name).where(a.c.tenant == tenant, a.c.cohort_id == cohort["id"])).all())
    pinned: dict[str, str] = {}
    for mentee_id, mentor_id in sorted(problem.rules.pinned):
        if mentee_id in pinned:
            raise RunCannotSucceed("pin_conflict", f"{names.get(mentee_id)} is pinned to two mentors ({names.get(pinned[mentee_id])} "
                                                   f"and {names.get(mentor_id)}); remove one of the pins")
        pinned[mentee_id] = mentor_id
        rule = pair_rule(mentees[mentee_id], mentors[mentor_id], problem.rules.forbidden, problem.rules.required_mentor_languages)
        if rule is not None:
            raise RunCannotSucceed("pin_breaks_rule", f"the pin of {names.get(mentee_id)} with {names.get(mentor_id)} breaks a hard "
                                                      f"rule ({RULE_TEXTS.get(rule, rule)}); remove the pin")


def _finish(engine: Engine, run, worker: str, status: str, **values) -> None:
    """End the run, if it is still this worker's (else _LeaseLost and nothing is written)."""
    with engine.begin() as conn:
        _end(conn, run, worker, status, **values)


def _end(conn: Connection, run, worker: str, status: str, **values) -> None:
    r = store.runs
    # First, so that on PostgreSQL the row is locked for the rest of the transaction.
    held = conn.execute(r.update().where(r.c.id == run["id"], r.c.status == RUNNING, r.c.claimed_by == worker).values(
        status=status, finished_at=clock.now(), claimed_by=None, lease_until=None, **values)).rowcount
    if not held:
        raise _LeaseLost(run["id"])


def _record_success(engine: Engine, run, worker: str, problem: Problem, solution, reasons, elapsed: float) -> None:
    tenant, run_id = run["tenant"], run["id"]
    with engine.begin() as conn:
        parameters = {
            "weights": problem.weights, "mode": problem.mode, "pins": len(problem.rules.pinned),
            "forbids": len(problem.rules.forbidden), "mentor_seats": sum(m.capacity for m in problem.mentors),
            "required_mentor_languages": sorted(problem.rules.required_mentor_languages),
        }
        _end(conn, run, worker, SUCCEEDED, parameters=parameters,
             timings={**{k: round(v, 4) for k, v in solution.timings.items()}, "total": round(elapsed, 4)},
             objective=solution.objective, mentees=len(problem.mentees), mentors=len(problem.mentors),
             matched=solution.matched, unmatched=len(solution.unmatched))
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
        store.publish(conn, new_event("match.proposed.v1", source="matching", tenant=tenant,
                                      subject=f"cohort/{run['cohort_id']}", data={
                                          "run_id": run_id, "cohort_id": run["cohort_id"], "mode": problem.mode,
                                          "proposed": solution.matched, "unmatched": len(solution.unmatched),
                                          "objective": solution.objective}))
    metrics.MATCH_RUNS.labels("matching", SUCCEEDED).inc()
    metrics.MATCH_RUN_DURATION.labels("matching").observe(elapsed)


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
        refusal = "name a mentee and a mentor of this cohort"
        raise ReviewRefused(refusal, {"mentee_id": [refusal]}, INVALID)
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
