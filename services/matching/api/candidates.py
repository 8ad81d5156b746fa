"""The mentors and mentees matching knows of in a cohort."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_tenant, require

from .. import store
from ..schemas import CandidateOut

blp = Blueprint("candidates", __name__, url_prefix="/cohorts", description="Candidates for matching.")


@blp.route("/<cohort_id>/candidates")
class Candidates(MethodView):
    @require("coordinator")
    @blp.response(200, CandidateOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        """The cohort's mentors and mentees as matching has recorded them."""
        t = store.applications
        with service().engine.connect() as conn:
            return conn.execute(
                sa.select(t).where(t.c.tenant == current_tenant(), t.c.cohort_id == cohort_id).order_by(t.c.submitted_at)
            ).mappings().all()
