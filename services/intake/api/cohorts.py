"""Cohorts of a programme, their applications and their outcome report, for coordinators."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from services.shared import clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_tenant, require

from .. import store
from ..domain import cohorts as domain
from ..domain.surveys import headline, outcome_report
from ..schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    CohortFields,
    CohortIn,
    CohortOut,
    DecisionIn,
    OutcomeReportOut,
    SubmittedOut,
    changed_past_dates,
)
from ..usecases import applications
from .common import cohort_and_programme


class OutcomesOut(OutcomeReportOut):
    headline = fields.Dict(metadata={"description": "the closing survey's figures as programmes report them: "
                                                    "qualified_work (mentees in qualified work), mentor_helped (of "
                                                    "those, who say the mentor helped), mentors_meaningful; each "
                                                    "{answered, yes, share, suppressed}, null when not asked"})

blp = Blueprint("cohorts", __name__, url_prefix="/", description="Cohorts, their applications and outcomes.")
SECURITY = [{"bearer": []}]


def cohort_out(conn, cohort) -> dict:
    accepted, waitlisted = domain.counts(conn, cohort)
    return {**cohort, "group_events": domain.group_events(conn, cohort), "accepted": accepted, "waitlisted": waitlisted}


@blp.route("/programmes/<programme_id>/cohorts")
class ProgrammeCohorts(MethodView):
    @require("coordinator")
    @blp.arguments(CohortIn)
    @blp.response(201, CohortOut)
    @blp.doc(security=SECURITY)
    def post(self, body, programme_id):
        """Create a cohort (a draft; ``open: true`` opens it at once)."""
        with service().engine.begin() as conn:
            programme = found(conn, store.programmes, current_tenant(), programme_id)
            return cohort_out(conn, domain.create_cohort(conn, programme, body, clock.now()))

    @require("coordinator")
    @blp.response(200, CohortOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, programme_id):
        """The programme's cohorts."""
        with service().engine.connect() as conn:
            found(conn, store.programmes, current_tenant(), programme_id)
            rows = store.rows(conn, store.cohorts, current_tenant(), store.cohorts.c.programme_id == programme_id,
                              order_by=store.cohorts.c.created_at)
            return [cohort_out(conn, r) for r in rows]


@blp.route("/cohorts/<cohort_id>")
class Cohort(MethodView):
    @require("coordinator")
    @blp.response(200, CohortOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """One cohort, with its group events and how many are accepted and waitlisted."""
        with service().engine.connect() as conn:
            return cohort_out(conn, found(conn, store.cohorts, current_tenant(), cohort_id))

    @require("coordinator")
    @blp.arguments(CohortFields)
    @blp.response(200, CohortOut)
    @blp.doc(security=SECURITY)
    def patch(self, body, cohort_id):
        """Change a cohort (``group_events`` replaces them all); past draft, the others hear of it."""
        with service().engine.begin() as conn:
            cohort = found(conn, store.cohorts, current_tenant(), cohort_id)
            if cohort["status"] == "finished":
                abort(409, message="A finished cohort does not change.")
            past = changed_past_dates(cohort, body, clock.now())
            if past:
                abort(422, message="A deadline or the start would be in the past.", errors={"json": past})
            return cohort_out(conn, domain.update_cohort(conn, cohort, body, clock.now()))


def _transition_view(status: str, summary: str):
    class Transition(MethodView):
        @require("coordinator")
        @blp.response(200, CohortOut)
        @blp.doc(security=SECURITY, summary=summary)
        def post(self, cohort_id):
            with service().engine.begin() as conn:
                cohort = found(conn, store.cohorts, current_tenant(), cohort_id, for_update=True)
                return cohort_out(conn, domain.transition(conn, cohort, status))

    Transition.__name__ = f"Cohort{status.capitalize()}"
    return Transition


for _path, _status, _summary in (
    ("open", "open", "Open for applications (a draft, or a closed cohort again)."),
    ("close", "closed", "Stop taking applications (happens by itself at the deadline)."),
    ("start", "running", "Start the mentoring period (happens by itself on the start date)."),
    ("finish", "finished", "End the mentoring period (happens by itself after the end date)."),
):
    blp.route(f"/cohorts/<cohort_id>/{_path}")(_transition_view(_status, _summary))


class ApplicationListQuery(ApplicationQuery):
    profession = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{1,4}$", error="an ISCO-08 code"),
                               metadata={"description": "ISCO-08 code of the profession (mentors) or wished profession (mentees)"})
    q = fields.String(load_default=None, validate=validate.Length(max=320),
                      metadata={"description": "part of the name or e-mail address, in any case"})


@blp.route("/cohorts/<cohort_id>/applications")
class CohortApplications(MethodView):
    @require("coordinator")
    @blp.arguments(ApplicationListQuery, location="query")
    @blp.response(200, ApplicationOut(many=True))
    @blp.paginate(page_size=1000, max_page_size=1000)
    @blp.doc(security=SECURITY)
    def get(self, query, cohort_id, pagination_parameters):
        """The cohort's applications in arrival order, filtered by role, status, profession and a
        name or address, a page at a time (``page``, ``page_size``; the total is in the
        X-Pagination header). Waitlisted applications in arrival order are the waiting list."""
        with service().engine.connect() as conn:
            total, page = applications.page(conn, current_tenant(), cohort_id, query,
                                            pagination_parameters.page_size, pagination_parameters.first_item)
        pagination_parameters.item_count = total
        return page

    @require("coordinator")
    @blp.arguments(ApplicationIn)
    @blp.response(201, SubmittedOut)
    @blp.alt_response(409, description="The same e-mail applied to this cohort in this role already.")
    @blp.doc(security=SECURITY)
    def post(self, body, cohort_id):
        """Enter an application for someone (e.g. from a paper form), in any cohort not yet finished."""
        return applications.enter(service().engine.begin, current_tenant(), cohort_id, body, service().settings)


@blp.route("/applications/<application_id>")
class Application(MethodView):
    @require("coordinator")
    @blp.response(200, ApplicationOut)
    @blp.doc(security=SECURITY)
    def get(self, application_id):
        """One application."""
        with service().engine.connect() as conn:
            return applications.one(conn, current_tenant(), application_id)


@blp.route("/applications/<application_id>/decision")
class ApplicationDecision(MethodView):
    @require("coordinator")
    @blp.arguments(DecisionIn)
    @blp.response(200, ApplicationOut)
    @blp.doc(security=SECURITY)
    def post(self, body, application_id):
        """Accept, waitlist, reject or withdraw; a freed place before the start goes to the first waitlisted."""
        with service().engine.begin() as conn:
            return applications.decide(conn, current_tenant(), application_id, body["status"], service().settings)


@blp.route("/cohorts/<cohort_id>/outcomes")
class Outcomes(MethodView):
    @require("coordinator")
    @blp.response(200, OutcomesOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Response rates and outcome figures of the cohort's surveys, and the programme's headline
        figures from the closing survey; small groups are suppressed."""
        with service().engine.connect() as conn:
            cohort, programme = cohort_and_programme(conn, current_tenant(), cohort_id)
            accepted, _ = domain.counts(conn, cohort)
            responses = store.survey_responses_of(conn, current_tenant(), cohort_id)
        least = programme["min_report_group"]
        return {"cohort_id": cohort_id, "min_group": least,
                "surveys": outcome_report(programme["surveys"], accepted, responses, least),
                "headline": headline(programme["surveys"], responses, least)}
