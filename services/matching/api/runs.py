"""Matching runs and the coordinator's review of their proposals."""

import sqlalchemy as sa
from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain import runs as domain
from ..domain.explain import why_not
from ..schemas import (
    ApproveAllOut,
    PageQuery,
    ProposalOut,
    ProposalPageOut,
    ProposalsQuery,
    RejectIn,
    RunDetailOut,
    RunIn,
    RunOut,
    UnmatchedPageOut,
    WhyNotOut,
    WhyNotQuery,
)

blp = Blueprint("runs", __name__, url_prefix="/", description="Matching runs and their review.")
SECURITY = [{"bearer": []}]


def names(conn, ids) -> dict[str, str]:
    a = store.applications
    if not ids:
        return {}
    return dict(conn.execute(sa.select(a.c.id, a.c.name).where(a.c.tenant == current_tenant(), a.c.id.in_(list(ids)))).all())


def run_detail(conn, run) -> dict:
    p, u = store.proposals, store.unmatched
    proposals = store.rows(conn, p, current_tenant(), p.c.run_id == run["id"], order_by=p.c.score.desc())
    left = store.rows(conn, u, current_tenant(), u.c.run_id == run["id"])
    who = names(conn, {r["mentee_id"] for r in [*proposals, *left]} | {r["mentor_id"] for r in proposals})
    return {
        **run,
        "proposals": [{**r, "mentee": who.get(r["mentee_id"]), "mentor": who.get(r["mentor_id"])} for r in proposals],
        "unmatched_mentees": [{**r, "mentee": who.get(r["mentee_id"])} for r in left],
    }


@blp.route("/cohorts/<cohort_id>/runs")
class CohortRuns(MethodView):
    @require("coordinator")
    @blp.arguments(RunIn)
    @blp.response(202, RunOut, headers={"Location": {"description": "the run, to follow its status",
                                                     "schema": {"type": "string"}}})
    @blp.alt_response(409, description="A run of this cohort is queued or running already: wait for its result.")
    @blp.doc(security=SECURITY)
    def post(self, body, cohort_id):
        """Queue a run of the whole cohort: the worker matches it (confirmed pairs stay, pins are
        honoured, forbids respected). Follow it at the Location: queued, running, then succeeded
        with its proposals or failed with the reason. One run per cohort at a time: while one is
        queued or running, another request answers 409 (changes made meanwhile go in the next run)."""
        with service().engine.begin() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id)
            run = domain.request_run(conn, current_tenant(), cohort, current_principal().sub, "coordinator", body["mode"])
        return run, {"Location": url_for("runs.Run", run_id=run["id"])}

    @require("coordinator")
    @blp.response(200, RunOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's runs, newest first."""
        r = store.runs
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id)
            return store.rows(conn, r, current_tenant(), r.c.cohort_id == cohort_id, order_by=r.c.requested_at.desc())


@blp.route("/runs/<run_id>")
class Run(MethodView):
    @require("coordinator")
    @blp.response(200, RunDetailOut)
    @blp.doc(security=SECURITY)
    def get(self, run_id):
        """A run: queued, running, succeeded or failed (with the reason); its parameters, timings,
        objective and counts, every proposal with its breakdown, and every mentee left unmatched
        with the reason."""
        with service().engine.connect() as conn:
            return run_detail(conn, found(conn, store.runs, current_tenant(), run_id))


@blp.route("/runs/<run_id>/proposals")
class RunProposals(MethodView):
    @require("coordinator")
    @blp.arguments(ProposalsQuery, location="query")
    @blp.response(200, ProposalPageOut)
    @blp.doc(security=SECURITY)
    def get(self, query, run_id):
        """One page of the run's proposals, best score first, with the run itself, its proposals
        counted by status and the cohort's confirmed pairs (kept by every run): what a review page
        needs in one call, however large the cohort."""
        p, pairs = store.proposals, store.pairs
        with service().engine.connect() as conn:
            run = found(conn, store.runs, current_tenant(), run_id)
            mine = [p.c.tenant == current_tenant(), p.c.run_id == run_id]
            counts = dict(conn.execute(sa.select(p.c.status, sa.func.count()).where(*mine).group_by(p.c.status)).all())
            if query["status"]:
                mine.append(p.c.status == query["status"])
            total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*mine)).scalar_one()
            rows = conn.execute(sa.select(p).where(*mine).order_by(p.c.score.desc(), p.c.id)
                                .limit(query["page_size"]).offset((query["page"] - 1) * query["page_size"])).mappings().all()
            kept = conn.execute(sa.select(sa.func.count()).select_from(pairs).where(
                pairs.c.tenant == current_tenant(), pairs.c.cohort_id == run["cohort_id"], pairs.c.status == "confirmed")
            ).scalar_one()
            who = names(conn, {r["mentee_id"] for r in rows} | {r["mentor_id"] for r in rows})
        return {"run": run, "counts": counts, "kept": kept, "total": total, "page": query["page"],
                "page_size": query["page_size"],
                "items": [{**r, "mentee": who.get(r["mentee_id"]), "mentor": who.get(r["mentor_id"])} for r in rows]}


@blp.route("/runs/<run_id>/unmatched")
class RunUnmatched(MethodView):
    @require("coordinator")
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, UnmatchedPageOut)
    @blp.doc(security=SECURITY)
    def get(self, query, run_id):
        """One page of the mentees the run left without a mentor, each with the reason."""
        u = store.unmatched
        with service().engine.connect() as conn:
            found(conn, store.runs, current_tenant(), run_id)
            mine = [u.c.tenant == current_tenant(), u.c.run_id == run_id]
            total = conn.execute(sa.select(sa.func.count()).select_from(u).where(*mine)).scalar_one()
            a = store.applications
            rows = conn.execute(sa.select(u, a.c.name.label("mentee")).join(
                a, (a.c.id == u.c.mentee_id) & (a.c.tenant == u.c.tenant), isouter=True).where(*mine)
                .order_by(a.c.name, u.c.mentee_id)
                .limit(query["page_size"]).offset((query["page"] - 1) * query["page_size"])).mappings().all()
        return {"total": total, "page": query["page"], "page_size": query["page_size"], "items": rows}


@blp.route("/runs/<run_id>/approve")
class ApproveRun(MethodView):
    @require("coordinator")
    @blp.response(200, ApproveAllOut)
    @blp.doc(security=SECURITY)
    def post(self, run_id):
        """Approve every open proposal of the run; the mentees left over are told why."""
        with service().engine.begin() as conn:
            run = found(conn, store.runs, current_tenant(), run_id)
            latest = domain.latest_run(conn, current_tenant(), run["cohort_id"])
            if latest is None or latest["id"] != run_id:
                abort(409, message="Only the cohort's latest run can be approved.")
            return domain.approve_all(conn, run, current_principal().sub)


@blp.route("/runs/<run_id>/why-not")
class WhyNot(MethodView):
    @require("coordinator")
    @blp.arguments(WhyNotQuery, location="query")
    @blp.response(200, WhyNotOut)
    @blp.doc(security=SECURITY)
    def get(self, query, run_id):
        """Why not this mentor? The total score the cohort would lose if the pair were pinned, or the
        hard rule that forbids it."""
        with service().engine.connect() as conn:
            run = found(conn, store.runs, current_tenant(), run_id)
            cohort = store.one(conn, store.cohorts, current_tenant(), run["cohort_id"])
            problem = domain.build_problem(conn, current_tenant(), cohort, run["mode"])
        ids = {m.id for m in problem.mentees} | {m.id for m in problem.mentors}
        if query["mentee_id"] not in ids or query["mentor_id"] not in ids:
            abort(404, message="Both must be free candidates of this cohort (not in a confirmed pair).")
        from ..domain.solver import solve, solve_stable

        solution = solve_stable(problem) if problem.mode == "stable" else solve(problem)
        return {"mentee_id": query["mentee_id"], "mentor_id": query["mentor_id"],
                **why_not(problem, solution, query["mentee_id"], query["mentor_id"])}


@blp.route("/proposals/<proposal_id>/approve")
class ApproveProposal(MethodView):
    @require("coordinator")
    @blp.response(200, ProposalOut)
    @blp.doc(security=SECURITY)
    def post(self, proposal_id):
        """Approve one proposal: the pair is confirmed and both people hear of each other."""
        with service().engine.begin() as conn:
            proposal = found(conn, store.proposals, current_tenant(), proposal_id, for_update=True)
            domain.approve(conn, proposal, current_principal().sub)
            return store.one(conn, store.proposals, current_tenant(), proposal_id)


@blp.route("/proposals/<proposal_id>/reject")
class RejectProposal(MethodView):
    @require("coordinator")
    @blp.arguments(RejectIn)
    @blp.response(200, ProposalOut)
    @blp.doc(security=SECURITY)
    def post(self, body, proposal_id):
        """Reject one proposal: the pair is forbidden in the next runs."""
        with service().engine.begin() as conn:
            proposal = found(conn, store.proposals, current_tenant(), proposal_id, for_update=True)
            domain.reject(conn, proposal, current_principal().sub, body["reason"])
            return store.one(conn, store.proposals, current_tenant(), proposal_id)

