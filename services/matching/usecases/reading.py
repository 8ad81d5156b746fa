"""What a coordinator looks at: the cohort's candidates, pins and forbids, runs and pairs; a run
with its proposals and unmatched mentees, a page at a time; and why a pair was not proposed.
Each notes whose data it showed (``access``)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.shared.errors import NotFound

from .. import store
from ..domain.explain import why_not as explain_why_not
from ..store import people
from ..store import runs_and_proposals as run_rows
from .access import both, mentees, shown
from .runs import load_problem


def candidates(engine: Engine, tenant: str, cohort_id: str):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        found = people.candidates(conn, tenant, cohort_id)
        shown(conn, tenant, "application", [(r["id"], r["id"]) for r in found])
        return found


def overrides(engine: Engine, tenant: str, cohort_id: str):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        found = people.cohort_overrides_in_order(conn, tenant, cohort_id)
        shown(conn, tenant, "override", both(found))
        return found


def pairs(engine: Engine, tenant: str, cohort_id: str) -> list[dict]:
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        found = people.cohort_pairs(conn, tenant, cohort_id)
        shown(conn, tenant, "pair", both(found))
        return found


def runs(engine: Engine, tenant: str, cohort_id: str):
    with engine.connect() as conn:
        store.found(conn, store.cohorts, tenant, cohort_id)
        return run_rows.cohort_runs(conn, tenant, cohort_id)


def run(engine: Engine, tenant: str, run_id: str) -> dict:
    with engine.connect() as conn:
        detail = run_rows.run_detail(conn, tenant, store.found(conn, store.runs, tenant, run_id))
        shown(conn, tenant, "proposal", both(detail["proposals"]))
        shown(conn, tenant, "unmatched", mentees(detail["unmatched_mentees"]))
        return detail


def proposals(engine: Engine, tenant: str, run_id: str, status: str | None, page: int, page_size: int) -> dict:
    with engine.connect() as conn:
        found = store.found(conn, store.runs, tenant, run_id)
        answer = run_rows.proposal_page(conn, tenant, found, status, page, page_size)
        shown(conn, tenant, "proposal", both(answer["items"]))
        return answer


def unmatched(engine: Engine, tenant: str, run_id: str, page: int, page_size: int) -> dict:
    with engine.connect() as conn:
        store.found(conn, store.runs, tenant, run_id)
        answer = run_rows.unmatched_page(conn, tenant, run_id, page, page_size)
        shown(conn, tenant, "unmatched", mentees(answer["items"]))
        return answer


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
    with engine.connect() as conn:
        shown(conn, tenant, "why_not", [(run_id, mentee_id), (run_id, mentor_id)])
    return {"mentee_id": mentee_id, "mentor_id": mentor_id, **explain_why_not(problem, solution, mentee_id, mentor_id)}
