"""The people scheduling will plan for in a cohort."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_tenant, require

from .. import store
from ..schemas import ParticipantOut

blp = Blueprint("participants", __name__, url_prefix="/cohorts", description="Participants of cohorts.")


@blp.route("/<cohort_id>/participants")
class Participants(MethodView):
    @require("coordinator")
    @blp.response(200, ParticipantOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self, cohort_id):
        """The cohort's participants as scheduling has recorded them."""
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id, "cohort")
            people = store.participants_of_cohort(conn, current_tenant(), cohort_id)
        audit.note_many(audit.READ, "participant", [(p["application_id"], p["email"], None) for p in people])
        return people
