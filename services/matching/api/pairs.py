"""Confirmed pairs, and ending one early."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, current_tenant, require

from ..schemas import EndPairIn, PairOut
from ..usecases import reading, review

blp = Blueprint("pairs", __name__, url_prefix="/", description="Confirmed pairs.")
SECURITY = [{"bearer": []}]


@blp.route("/cohorts/<cohort_id>/pairs")
class CohortPairs(MethodView):
    @require("coordinator")
    @blp.response(200, PairOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's pairs, confirmed and ended."""
        return reading.pairs(service().engine, current_tenant(), cohort_id)


@blp.route("/pairs/<pair_id>/end")
class EndPair(MethodView):
    @require("coordinator")
    @blp.arguments(EndPairIn)
    @blp.response(200, PairOut)
    @blp.doc(security=SECURITY)
    def post(self, body, pair_id):
        """End a pair early (the reason is kept): the mentee is free for the next run, other pairs stay."""
        return review.end_pair(service().engine, current_tenant(), pair_id, current_principal().sub, body["reason"])
