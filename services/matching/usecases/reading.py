"""What a coordinator looks at: the cohort's candidates, pins and forbids, runs and pairs; a run
with its proposals and unmatched mentees, a page at a time; and why a pair was not proposed."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared.errors import NotFound

from .. import store
from ..domain.explain import why_not as explain_why_not
from ..store import people
from ..store import runs_and_proposals as run_rows
from .runs import load_problem


def candidates(engine: Engine, tenant: str, cohort_id: str):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        return people.candidates(conn, tenant, cohort_id)


def overrides(engine: Engine, tenant: str, cohort_id: str):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        return people.cohort_overrides_in_order(conn, tenant, cohort_id)


def pairs(engine: Engine, tenant: str, cohort_id: str) -> list[dict]:
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        return people.cohort_pairs(conn, tenant, cohort_id)


def runs(engine: Engine, tenant: str, cohort_id: str):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        return run_rows.cohort_runs(conn, tenant, cohort_id)


def run(engine: Engine, tenant: str, run_id: str) -> dict:
    with engine.connect() as conn:
        return run_rows.run_detail(conn, tenant, store.found(conn, store.runs, tenant, run_id))


def proposals(engine: Engine, tenant: str, run_id: str, status: str | None, page: int, page_size: int) -> dict:
    with engine.connect() as conn:
        found = store.found(conn, store.runs, tenant, run_id)
        return run_rows.proposal_page(conn, tenant, found, status, page, page_size)


def unmatched(engine: Engine, tenant: str, run_id: str, page: int, page_size: int) -> dict:
    with engine.connect() as conn:
        store.found(conn, store.runs, tenant, run_id)
        return run_rows.unmatched_page(conn, tenant, run_id, page, page_size)


def why_not(engine: Engine, tenant: str, run_id: str, mentee_id: str, mentor_id: str) -> dict:
    """The total score the cohort would lose if the pair were pinned, or the hard rule that forbids it."""
    with engine.connect() as conn:
        found = store.found(conn, store.runs, tenant, run_id)
        cohort = store.one(conn, store.cohorts, tenant, found["cohort_id"])
        problem = load_problem(conn, tenant, cohort, found["mode"])
    ids = {m.id for m in problem.mentees} | {m.id for m in problem.mentors}
    if mentee_id not in ids or mentor_id not in ids:
        raise NotFound("Both must be free candidates of this cohort (not in a confirmed pair).")
    from ..domain.solver import solve, solve_stable

    solution = solve_stable(problem) if problem.mode == "stable" else solve(problem)
    return {"mentee_id": mentee_id, "mentor_id": mentor_id, **explain_why_not(problem, solution, mentee_id, mentor_id)}
