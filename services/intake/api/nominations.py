"""Nominations: representatives nominate and rank mentors for their member organisation;
coordinators see them ranked per organisation and accept or decline them."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from services.shared import clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain import nominations as domain
from ..domain.programmes import localized
from ..schemas import NominationDecisionIn, NominationIn, NominationOut
from .common import asked_locale, cohort_and_programme

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
            cohort, programme = cohort_and_programme(conn, current_tenant(), cohort_id, for_update=True)
            members = {m["id"] for m in programme["member_organisations"]}
            if principal.org not in members:
                abort(403, message=f"{principal.org} is not a member organisation of this programme.")
            refusal = domain.nomination_refusal(cohort, clock.now())
            if refusal:
                abort(409, message=refusal, errors={"nomination_deadline": [refusal]})
            return domain.nominate(conn, cohort, programme, principal.org, principal.sub, body, clock.now())

    @require("representative", "coordinator")
    @blp.response(200, NominationOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, cohort_id):
        """Nominations ranked per organisation (a representative sees their organisation's)."""
        principal = current_principal()
        t = store.nominations
        where = [t.c.cohort_id == cohort_id]
        if principal.role == "representative":
            where.append(t.c.organisation == principal.org)
        with service().engine.connect() as conn:
            found(conn, store.cohorts, current_tenant(), cohort_id)
            return store.rows(conn, t, current_tenant(), *where, order_by=[t.c.organisation, t.c.rank])


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
        principal = current_principal()
        c, now, locale = store.cohorts, clock.now(), asked_locale()
        with service().engine.connect() as conn:
            programmes = {p["id"]: p for p in store.rows(conn, store.programmes, current_tenant())
                          if principal.org in {m["id"] for m in p["member_organisations"]}}
            cohorts = store.rows(conn, c, current_tenant(), c.c.programme_id.in_(programmes),
                                 order_by=[c.c.nomination_deadline, c.c.name])
        return [{**cohort, "programme": localized(programmes[cohort["programme_id"]]["names"], locale,
                                                  programmes[cohort["programme_id"]]["locale"])}
                for cohort in cohorts if domain.nomination_refusal(cohort, now) is None]


@blp.route("/nominations/<nomination_id>/decision")
class NominationDecision(MethodView):
    @require("coordinator")
    @blp.arguments(NominationDecisionIn)
    @blp.response(200, NominationOut)
    @blp.doc(security=SECURITY)
    def post(self, body, nomination_id):
        """Accept (the mentor is sent a personal link to the prefilled mentor form) or decline."""
        with service().engine.begin() as conn:
            nomination = found(conn, store.nominations, current_tenant(), nomination_id)
            cohort, programme = cohort_and_programme(conn, current_tenant(), nomination["cohort_id"])
            return domain.decide(conn, nomination, body["decision"], cohort, programme, clock.now(), service().settings)

