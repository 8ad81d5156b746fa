"""Matching runs, from the request to the recorded result: queue a run of a cohort, and the
worker's part: take up runs whose worker stopped, claim the next queued run, hold it under a
lease while it is solved, and record its proposals and unmatched mentees (or why it failed).

The rules are ``domain.runs``; the queries ``store``. See the domain's docstring for the lease."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy.engine import Connection, Engine

from services.shared import clock, metrics

from .. import store
from ..domain import runs as rules
from ..domain.explain import unmatched_reasons
from ..domain.model import Problem
from ..domain.runs import (
    FAILED,
    HEARTBEAT_SECONDS,
    LEASE_SECONDS,
    MAX_ATTEMPTS,
    SUCCEEDED,
    RunCannotSucceed,
    RunInProgress,
)
from ..domain.solver import solve, solve_stable
from ..store import people
from ..store import runs_and_proposals as run_rows

log = logging.getLogger(__name__)


def load_problem(conn: Connection, tenant: str, cohort, mode: str | None = None) -> Problem:
    """The cohort's problem as it stands: its free accepted people, pins and forbids."""
    return rules.build_problem(cohort, people.accepted(conn, tenant, cohort["id"]),
                               people.confirmed_pairs(conn, tenant, cohort["id"]),
                               people.cohort_overrides(conn, tenant, cohort["id"]), mode)


def queue_run(conn: Connection, tenant: str, cohort, by: str, trigger: str, mode: str | None = None) -> dict:
    """Queue a run of the whole cohort for the worker; RunInProgress while one is queued or running."""
    existing = run_rows.active_run(conn, tenant, cohort["id"])
    if existing is not None:
        raise RunInProgress(existing["id"])
    row = rules.new_run(tenant, cohort, by, trigger, mode, clock.now())
    try:
        run_rows.add_run(conn, row)
    except run_rows.RunAlreadyActive as exc:  # another request queued one between the look and the insert
        raise RunInProgress(None) from exc
    return row


def request_run(engine: Engine, tenant: str, cohort_id: str, by: str, mode: str | None = None) -> dict:
    """A coordinator asks for a run of the cohort."""
    with engine.begin() as conn:
        cohort = store.found(conn, store.cohorts, tenant, cohort_id)
        return queue_run(conn, tenant, cohort, by, "coordinator", mode)


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
    with engine.connect() as conn:
        waiting = run_rows.queued_run_ids(conn)
    for run_id in waiting:
        now = clock.now()
        with engine.begin() as conn:
            run = run_rows.claim(conn, run_id, worker, now, now + timedelta(seconds=lease))
            if run is not None:
                return run
    return None


def recover_abandoned(engine: Engine, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Runs still "running" whose lease ran out (their worker stopped): queued again, or failed
    once they have been tried ``max_attempts`` times."""
    with engine.begin() as conn:
        given_up, requeued = run_rows.requeue_abandoned(conn, clock.now(), max_attempts, rules.abandoned_reason(max_attempts))
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
        while not self.stop.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    held = run_rows.renew_lease(conn, self.run_id, self.worker, clock.now() + timedelta(seconds=self.lease))
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
                problem = load_problem(conn, tenant, cohort, run["mode"])
                rules.check_problem(problem, people.roles_and_statuses(conn, tenant, cohort["id"]),
                                    people.cohort_names(conn, tenant, cohort["id"]))
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
        code, reason = "unexpected", rules.unexpected_failure(run_id)
    try:
        with engine.begin() as conn:
            _end(conn, run, worker, FAILED, failure_code=code, failure_reason=reason)
    except _LeaseLost:
        return "lost"
    metrics.MATCH_RUNS.labels("matching", FAILED).inc()
    return FAILED


def _end(conn: Connection, run, worker: str, status: str, **values) -> None:
    """End the run, if it is still this worker's (else _LeaseLost and nothing is written)."""
    if not run_rows.end_run(conn, run["id"], worker, status, clock.now(), **values):
        raise _LeaseLost(run["id"])


def _record_success(engine: Engine, run, worker: str, problem: Problem, solution, reasons, elapsed: float) -> None:
    with engine.begin() as conn:
        _end(conn, run, worker, SUCCEEDED, **rules.outcome(problem, solution, elapsed))
        run_rows.supersede_proposals(conn, run["tenant"], run["cohort_id"])
        for row in rules.proposals(run, problem, solution):
            run_rows.add_proposal(conn, row)
        for row in rules.left_unmatched(run, reasons):
            run_rows.add_unmatched(conn, row)
        store.publish(conn, rules.proposed(run, problem, solution))
    metrics.MATCH_RUNS.labels("matching", SUCCEEDED).inc()
    metrics.MATCH_RUN_DURATION.labels("matching").observe(elapsed)
