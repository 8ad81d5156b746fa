"""The mentors and mentees matching knows of in a cohort, and the coordinator's pins and forbids."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, current_tenant, require

from ..schemas import CandidateOut, OverrideIn, OverrideOut
from ..usecases import reading, review

blp = Blueprint("candidates", __name__, url_prefix="/", description="Candidates, pins and forbids.")
SECURITY = [{"bearer": []}]


@blp.route("/cohorts/<cohort_id>/candidates")
class Candidates(MethodView):
    @require("coordinator")
    @blp.response(200, CandidateOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's mentors and mentees as matching has recorded them, in arrival order."""
        return reading.candidates(service().engine, current_tenant(), cohort_id)


@blp.route("/cohorts/<cohort_id>/overrides")
class Overrides(MethodView):
    @require("coordinator")
    @blp.arguments(OverrideIn)
    @blp.response(201, OverrideOut)
    @blp.doc(security=SECURITY)
    def post(self, body, cohort_id):
        """Pin a pair (every run proposes it) or forbid it (no run proposes it)."""
        return review.add_override(service().engine, current_tenant(), cohort_id, body["kind"], body["mentee_id"],
                                   body["mentor_id"], body["reason"], current_principal().sub)

    @require("coordinator")
    @blp.response(200, OverrideOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's pins and forbids (rejected proposals are forbids)."""
        return reading.overrides(service().engine, current_tenant(), cohort_id)


@blp.route("/overrides/<override_id>")
class Override(MethodView):
    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, override_id):
        """Lift a pin or a forbid."""
        review.lift_override(service().engine, current_tenant(), override_id)
