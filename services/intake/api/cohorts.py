"""Cohorts of a programme, their applications and their outcome report, for coordinators."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.shared.api import service
from services.shared.tenancy import current_tenant, require

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
)
from ..usecases import applications, cohorts


class OutcomesOut(OutcomeReportOut):
    headline = fields.Dict(metadata={"description": "the closing survey's figures as programmes report them: "
                                                    "qualified_work (mentees in qualified work), mentor_helped (of "
                                                    "those, who say the mentor helped), mentors_meaningful; each "
                                                    "{answered, yes, share, suppressed}, null when not asked"})

blp = Blueprint("cohorts", __name__, url_prefix="/", description="Cohorts, their applications and outcomes.")
SECURITY = [{"bearer": []}]


@blp.route("/programmes/<programme_id>/cohorts")
class ProgrammeCohorts(MethodView):
    @require("coordinator")
    @blp.arguments(CohortIn)
    @blp.response(201, CohortOut)
    @blp.doc(security=SECURITY)
    def post(self, body, programme_id):
        """Create a cohort (a draft; ``open: true`` opens it at once)."""
        with service().engine.begin() as conn:
            return cohorts.create(conn, current_tenant(), programme_id, body)

    @require("coordinator")
    @blp.response(200, CohortOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, programme_id):
        """The programme's cohorts."""
        with service().engine.connect() as conn:
            return cohorts.of_programme(conn, current_tenant(), programme_id)


@blp.route("/cohorts/<cohort_id>")
class Cohort(MethodView):
    @require("coordinator")
    @blp.response(200, CohortOut)
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """One cohort, with its group events and how many are accepted and waitlisted."""
        with service().engine.connect() as conn:
            return cohorts.one(conn, current_tenant(), cohort_id)

    @require("coordinator")
    @blp.arguments(CohortFields)
    @blp.response(200, CohortOut)
    @blp.doc(security=SECURITY)
    def patch(self, body, cohort_id):
        """Change a cohort (``group_events`` replaces them all); past draft, the others hear of it."""
        with service().engine.begin() as conn:
            return cohorts.update(conn, current_tenant(), cohort_id, body)


def _transition_view(status: str, summary: str):
    class Transition(MethodView):
        @require("coordinator")
        @blp.response(200, CohortOut)
        @blp.doc(security=SECURITY, summary=summary)
        def post(self, cohort_id):
            with service().engine.begin() as conn:
                return cohorts.transition(conn, current_tenant(), cohort_id, status)

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
            return cohorts.outcomes(conn, current_tenant(), cohort_id)
