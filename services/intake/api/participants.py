"""What an applicant does with their personal link: see their application, withdraw it, answer surveys."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import ApplicationOut, SurveyAnswersIn, SurveyOut
from ..usecases import applications, surveys
from .common import asked_locale

blp = Blueprint("participants", __name__, url_prefix="/", description="An applicant's own application and surveys (personal link).")
SECURITY = [{"bearer": []}]


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
        with service().engine.connect() as conn:
            return surveys.survey(conn, current_principal(), kind, asked_locale())

    @require("participant")
    @blp.arguments(SurveyAnswersIn)
    @blp.response(201, SurveyOut)
    @blp.alt_response(409, description="Answered already.")
    @blp.doc(security=SECURITY)
    def post(self, body, kind):
        """Answer the survey (once)."""
        with service().engine.begin() as conn:
            return surveys.answer(conn, current_principal(), kind, body["answers"])
