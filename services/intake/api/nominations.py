"""Nominations: representatives nominate and rank mentors for their member organisation;
coordinators see them ranked per organisation and accept or decline them."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.shared.api import service
from services.shared.tenancy import current_principal, current_tenant, require

from ..schemas import NominationDecisionIn, NominationIn, NominationOut
from ..usecases import nominations
from . import audited
from .common import asked_locale

blp = Blueprint("nominations", __name__, url_prefix="/", description="Nominations of mentors by member organisations.")
SECURITY = [{"bearer": []}]


@blp.route("/cohorts/<cohort_id>/nominations")
class CohortNominations(MethodView):
    @require("representative")
    @blp.arguments(NominationIn)
    @blp.response(201, NominationOut)
    @blp.alt_response(409, description="After the deadline, a rank or an e-mail given twice.")
    @blp.doc(security=SECURITY)
    def post(self, body, cohort_id):
        """Nominate a mentor for my organisation, with a rank and a note, until the nomination deadline."""
        principal = current_principal()
        with service().engine.begin() as conn:
            return audited.changed("nomination", nominations.nominate(conn, current_tenant(), cohort_id, principal.org, principal.sub, body))

    @require("representative", "coordinator")
    @blp.response(200, NominationOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Nominations ranked per organisation (a representative sees their organisation's)."""
        with service().engine.connect() as conn:
            return audited.read_many("nomination", nominations.of_cohort(conn, current_tenant(), cohort_id, current_principal()))


class NominatingCohortOut(Schema):
    id = fields.String()
    name = fields.String()
    programme = fields.String(metadata={"description": "the programme's name in the asked language"})
    time_zone = fields.String()
    nomination_deadline = fields.AwareDateTime(allow_none=True)


@blp.route("/nominations/cohorts")
class NominatingCohorts(MethodView):
    @require("representative")
    @blp.response(200, NominatingCohortOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self):
        """The cohorts my organisation may nominate mentors to now: open or in draft, before the
        nomination deadline, in a programme that has my organisation as a member."""
        with service().engine.connect() as conn:
            return nominations.nominating_cohorts(conn, current_tenant(), current_principal().org, asked_locale())


@blp.route("/nominations/<nomination_id>/decision")
class NominationDecision(MethodView):
    @require("coordinator")
    @blp.arguments(NominationDecisionIn)
    @blp.response(200, NominationOut)
    @blp.doc(security=SECURITY)
    def post(self, body, nomination_id):
        """Accept (the mentor is sent a personal link to the prefilled mentor form) or decline."""
        with service().engine.begin() as conn:
            return audited.changed("nomination", nominations.decide(conn, current_tenant(), nomination_id, body["decision"], service().settings))

