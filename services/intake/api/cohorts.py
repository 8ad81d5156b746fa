"""Cohorts of a programme, for coordinators."""

from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared.api import service
from services.shared.tenancy import current_tenant, require

from .. import store
from ..domain.cohorts import create_cohort, open_cohort
from ..schemas import ApplicationOut, CohortIn, CohortOut

blp = Blueprint("cohorts", __name__, url_prefix="/", description="Cohorts and their applications.")


@blp.route("/programmes/<programme_id>/cohorts")
class ProgrammeCohorts(MethodView):
    @require("coordinator")
    @blp.arguments(CohortIn)
    @blp.response(201, CohortOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, programme_id):
        """Create a cohort of the programme (``open: true`` opens it at once)."""
        with service().engine.begin() as conn:
            programme = store.one(conn, store.programmes, current_tenant(), programme_id)
            if programme is None:
                abort(404, message="No such programme.")
            return create_cohort(conn, programme, body, datetime.now(UTC))

    @require("coordinator")
    @blp.response(200, CohortOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, programme_id):
        """The programme's cohorts."""
        with service().engine.connect() as conn:
            if store.one(conn, store.programmes, current_tenant(), programme_id) is None:
                abort(404, message="No such programme.")
            return store.rows(conn, store.cohorts, current_tenant(), store.cohorts.c.programme_id == programme_id,
                              order_by=store.cohorts.c.created_at)


@blp.route("/cohorts/<cohort_id>")
class Cohort(MethodView):
    @require("coordinator")
    @blp.response(200, CohortOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        """One cohort of the tenant."""
        with service().engine.connect() as conn:
            row = store.one(conn, store.cohorts, current_tenant(), cohort_id)
        if row is None:
            abort(404, message="No such cohort.")
        return row


@blp.route("/cohorts/<cohort_id>/open")
class OpenCohort(MethodView):
    @require("coordinator")
    @blp.response(200, CohortOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, cohort_id):
        """Open a draft cohort for applications."""
        with service().engine.begin() as conn:
            cohort = store.one(conn, store.cohorts, current_tenant(), cohort_id)
            if cohort is None:
                abort(404, message="No such cohort.")
            if cohort["status"] != "draft":
                abort(409, message=f"The cohort is {cohort['status']}; only a draft can be opened.")
            return open_cohort(conn, cohort)


@blp.route("/cohorts/<cohort_id>/applications")
class CohortApplications(MethodView):
    @require("coordinator")
    @blp.response(200, ApplicationOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        """The cohort's applications in arrival order."""
        with service().engine.connect() as conn:
            if store.one(conn, store.cohorts, current_tenant(), cohort_id) is None:
                abort(404, message="No such cohort.")
            return store.rows(conn, store.applications, current_tenant(), store.applications.c.cohort_id == cohort_id,
                              order_by=store.applications.c.submitted_at)
