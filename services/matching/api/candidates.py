"""The mentors and mentees matching knows of in a cohort, and the coordinator's pins and forbids."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain.runs import add_override
from ..schemas import CandidateOut, OverrideIn, OverrideOut

blp = Blueprint("candidates", __name__, url_prefix="/", description="Candidates, pins and forbids.")
SECURITY = [{"bearer": []}]


@blp.route("/cohorts/<cohort_id>/candidates")
class Candidates(MethodView):
    @require("coordinator")
    @blp.response(200, CandidateOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's mentors and mentees as matching has recorded them, in arrival order."""
        t = store.applications
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id)
            return conn.execute(
                sa.select(t).where(t.c.tenant == current_tenant(), t.c.cohort_id == cohort_id).order_by(t.c.role, t.c.arrival)
            ).mappings().all()


@blp.route("/cohorts/<cohort_id>/overrides")
class Overrides(MethodView):
    @require("coordinator")
    @blp.arguments(OverrideIn)
    @blp.response(201, OverrideOut)
    @blp.doc(security=SECURITY)
    def post(self, body, cohort_id):
        """Pin a pair (every run proposes it) or forbid it (no run proposes it)."""
        with service().engine.begin() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id)
            return add_override(conn, current_tenant(), cohort_id, body["kind"], body["mentee_id"], body["mentor_id"],
                                body["reason"], current_principal().sub)

    @require("coordinator")
    @blp.response(200, OverrideOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """The cohort's pins and forbids (rejected proposals are forbids)."""
        o = store.overrides
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id)
            return store.rows(conn, o, current_tenant(), o.c.cohort_id == cohort_id, order_by=o.c.created_at)


@blp.route("/overrides/<override_id>")
class Override(MethodView):
    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=SECURITY)
    def delete(self, override_id):
        """Lift a pin or a forbid."""
        with service().engine.begin() as conn:
            found(conn, store.overrides, current_tenant(), override_id, "pin or forbid")
            conn.execute(store.overrides.delete().where(store.overrides.c.id == override_id,
                                                        store.overrides.c.tenant == current_tenant()))
