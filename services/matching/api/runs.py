"""Matching runs and the coordinator's review of their proposals."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, current_tenant, require

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
from ..usecases import reading, review
from ..usecases.runs import request_run

blp = Blueprint("runs", __name__, url_prefix="/", description="Matching runs and their review.")
SECURITY = [{"bearer": []}]


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
        run = request_run(service().engine, current_tenant(), cohort_id, current_principal().sub, body["mode"])
        return run, {"Location": url_for("runs.Run", run_id=run["id"])}

    @require("coordinator")
    @blp.response(200, RunOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's runs, newest first."""
        return reading.runs(service().engine, current_tenant(), cohort_id)


@blp.route("/runs/<run_id>")
class Run(MethodView):
    @require("coordinator")
    @blp.response(200, RunDetailOut)
    @blp.doc(security=SECURITY)
    def get(self, run_id):
        """A run: queued, running, succeeded or failed (with the reason); its parameters, timings,
        objective and counts, every proposal with its breakdown, and every mentee left unmatched
        with the reason."""
        return reading.run(service().engine, current_tenant(), run_id)


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
        return reading.proposals(service().engine, current_tenant(), run_id, query["status"], query["page"],
                                 query["page_size"])


@blp.route("/runs/<run_id>/unmatched")
class RunUnmatched(MethodView):
    @require("coordinator")
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, UnmatchedPageOut)
    @blp.doc(security=SECURITY)
    def get(self, query, run_id):
        """One page of the mentees the run left without a mentor, each with the reason."""
        return reading.unmatched(service().engine, current_tenant(), run_id, query["page"], query["page_size"])


@blp.route("/runs/<run_id>/approve")
class ApproveRun(MethodView):
    @require("coordinator")
    @blp.response(200, ApproveAllOut)
    @blp.doc(security=SECURITY)
    def post(self, run_id):
        """Approve every open proposal of the run; the mentees left over are told why."""
        return review.approve_all(service().engine, current_tenant(), run_id, current_principal().sub)


@blp.route("/runs/<run_id>/why-not")
class WhyNot(MethodView):
    @require("coordinator")
    @blp.arguments(WhyNotQuery, location="query")
    @blp.response(200, WhyNotOut)
    @blp.doc(security=SECURITY)
    def get(self, query, run_id):
        """Why not this mentor? The total score the cohort would lose if the pair were pinned, or the
        hard rule that forbids it."""
        return reading.why_not(service().engine, current_tenant(), run_id, query["mentee_id"], query["mentor_id"])


@blp.route("/proposals/<proposal_id>/approve")
class ApproveProposal(MethodView):
    @require("coordinator")
    @blp.response(200, ProposalOut)
    @blp.doc(security=SECURITY)
    def post(self, proposal_id):
        """Approve one proposal: the pair is confirmed and both people hear of each other."""
        return review.approve(service().engine, current_tenant(), proposal_id, current_principal().sub)


@blp.route("/proposals/<proposal_id>/reject")
class RejectProposal(MethodView):
    @require("coordinator")
    @blp.arguments(RejectIn)
    @blp.response(200, ProposalOut)
    @blp.doc(security=SECURITY)
    def post(self, body, proposal_id):
        """Reject one proposal: the pair is forbidden in the next runs."""
        return review.reject(service().engine, current_tenant(), proposal_id, current_principal().sub, body["reason"])
