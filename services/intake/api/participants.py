"""What an applicant does with their personal link: see their application, withdraw it, answer surveys."""

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.contract import new_event
from services.shared.tenancy import current_principal, current_tenant, require

from .. import store
from ..domain.programmes import localized
from ..domain.surveys import KINDS, check_answers, questions_for
from ..schemas import ApplicationOut, SurveyAnswersIn, SurveyOut
from ..usecases import applications
from .common import asked_locale, cohort_and_programme

blp = Blueprint("participants", __name__, url_prefix="/", description="An applicant's own application and surveys (personal link).")
SECURITY = [{"bearer": []}]


def own_application(conn):
    return applications.own(conn, current_principal())


@blp.route("/applications/mine")
class MyApplication(MethodView):
    @require("participant")
    @blp.response(200, ApplicationOut)
    @blp.doc(security=SECURITY, description="The token may come as ``?token=`` from the personal link.")
    def get(self):
        """My application and where it stands (with my place on the waiting list, and until when my data is kept)."""
        with service().engine.connect() as conn:
            return applications.mine(conn, current_principal())


@blp.route("/applications/mine/withdraw")
class WithdrawMyApplication(MethodView):
    @require("participant")
    @blp.response(200, ApplicationOut)
    @blp.doc(security=SECURITY)
    def post(self):
        """Withdraw my application; my place, if I had one, goes to the first on the waiting list."""
        with service().engine.begin() as conn:
            return applications.withdraw(conn, current_principal(), service().settings)


@blp.route("/surveys/<kind>")
class MySurvey(MethodView):
    @require("participant")
    @blp.response(200, SurveyOut)
    @blp.doc(security=SECURITY)
    def get(self, kind):
        """The mid-point or closing survey's questions, in my language."""
        if kind not in KINDS:
            abort(404, message="No such survey.")
        with service().engine.connect() as conn:
            application = own_application(conn)
            cohort, programme = cohort_and_programme(conn, current_tenant(), application["cohort_id"])
            answered = store.survey_answered(conn, application["id"], kind)
        locale = asked_locale() or application["locale"]
        questions = [{"id": q["id"], "kind": q["kind"], "choices": q.get("choices"),
                      "text": localized(q["text"], locale, programme["locale"])}
                     for q in questions_for(programme["surveys"], kind, application["role"])]
        return {"kind": kind, "cohort": cohort["name"], "questions": questions, "answered": bool(answered)}

    @require("participant")
    @blp.arguments(SurveyAnswersIn)
    @blp.response(201, SurveyOut)
    @blp.alt_response(409, description="Answered already.")
    @blp.doc(security=SECURITY)
    def post(self, body, kind):
        """Answer the survey (once)."""
        if kind not in KINDS:
            abort(404, message="No such survey.")
        with service().engine.begin() as conn:
            application = own_application(conn)
            if application["status"] != "accepted":
                abort(409, message="Only participants of the cohort answer its surveys.")
            cohort, programme = cohort_and_programme(conn, current_tenant(), application["cohort_id"])
            questions = questions_for(programme["surveys"], kind, application["role"])
            errors = check_answers(questions, body["answers"])
            if errors:
                abort(422, message="Some answers do not fit their question.", errors={"json": {"answers": errors}})
            if not store.insert_survey_response(conn, {
                    "id": str(uuid.uuid4()), "tenant": current_tenant(), "cohort_id": cohort["id"],
                    "application_id": application["id"], "role": application["role"], "kind": kind,
                    "answers": body["answers"], "answered_at": clock.now()}):
                abort(409, message="This survey is answered already.")
            store.publish(conn, new_event("survey.answered.v1", source="intake", tenant=current_tenant(),
                                          subject=f"application/{application['id']}",
                                          data={"cohort_id": cohort["id"], "application_id": application["id"],
                                                "role": application["role"], "kind": kind}))
        return {"kind": kind, "cohort": cohort["name"], "questions": [], "answered": True}
