"""Confirmed pairs, and ending one early."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain import runs as domain
from ..schemas import EndPairIn, PairOut
from .runs import names

blp = Blueprint("pairs", __name__, url_prefix="/", description="Confirmed pairs.")
SECURITY = [{"bearer": []}]


@blp.route("/cohorts/<cohort_id>/pairs")
class CohortPairs(MethodView):
    @require("coordinator")
    @blp.response(200, PairOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's pairs, confirmed and ended."""
        p = store.pairs
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id)
            rows = store.rows(conn, p, current_tenant(), p.c.cohort_id == cohort_id, order_by=p.c.confirmed_at)
            who = names(conn, {r["mentee_id"] for r in rows} | {r["mentor_id"] for r in rows})
        return [{**r, "mentee": who.get(r["mentee_id"]), "mentor": who.get(r["mentor_id"])} for r in rows]


@blp.route("/pairs/<pair_id>/end")
class EndPair(MethodView):
    @require("coordinator")
    @blp.arguments(EndPairIn)
    @blp.response(200, PairOut)
    @blp.doc(security=SECURITY)
    def post(self, body, pair_id):
        """End a pair early (the reason is kept): the mentee is free for the next run, other pairs stay."""
        with service().engine.begin() as conn:
            pair = found(conn, store.pairs, current_tenant(), pair_id, for_update=True)
            return domain.end_pair(conn, pair, current_principal().sub, body["reason"])
