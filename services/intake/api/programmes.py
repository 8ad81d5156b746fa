"""Programmes of a tenant, for its coordinators: settings and status (open, paused, closed)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_tenant, require

from ..domain.programmes import to_api
from ..schemas import PauseIn, ProgrammeFields, ProgrammeIn, ProgrammeOut
from ..usecases import programmes

blp = Blueprint("programmes", __name__, url_prefix="/programmes", description="Programmes of the tenant.")
SECURITY = [{"bearer": []}]


@blp.route("")
class Programmes(MethodView):
    @require("coordinator")
    @blp.arguments(ProgrammeIn)
    @blp.response(201, ProgrammeOut)
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Create a programme; settings not given take the defaults (six-step meeting plan, monthly 2 h meetings...)."""
        with service().engine.begin() as conn:
            return to_api(programmes.create(conn, current_tenant(), body))

    @require("coordinator")
    @blp.response(200, ProgrammeOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self):
        """The tenant's programmes."""
        with service().engine.connect() as conn:
            return [to_api(r) for r in programmes.of_tenant(conn, current_tenant())]


@blp.route("/<programme_id>")
class Programme(MethodView):
    @require("coordinator")
    @blp.response(200, ProgrammeOut)
    @blp.doc(security=SECURITY)
    def get(self, programme_id):
        """One programme."""
        with service().engine.connect() as conn:
            return to_api(programmes.one(conn, current_tenant(), programme_id))

    @require("coordinator")
    @blp.arguments(ProgrammeFields)
    @blp.response(200, ProgrammeOut)
    @blp.doc(security=SECURITY)
    def patch(self, body, programme_id):
        """Change settings; cohorts under way hear of it through cohort.updated.v1."""
        with service().engine.begin() as conn:
            return to_api(programmes.update(conn, current_tenant(), programme_id, body))


@blp.route("/<programme_id>/pause")
class PauseProgramme(MethodView):
    @require("coordinator")
    @blp.arguments(PauseIn)
    @blp.response(200, ProgrammeOut)
    @blp.doc(security=SECURITY)
    def post(self, body, programme_id):
        """Pause: the public pages show the notice (default: temporarily unavailable while the programme is evaluated and improved) and take nothing."""
        with service().engine.begin() as conn:
            return to_api(programmes.set_status(conn, current_tenant(), programme_id, "paused", body.get("notice")))


@blp.route("/<programme_id>/resume")
class ResumeProgramme(MethodView):
    @require("coordinator")
    @blp.response(200, ProgrammeOut)
    @blp.doc(security=SECURITY)
    def post(self, programme_id):
        """Open the programme again."""
        with service().engine.begin() as conn:
            return to_api(programmes.set_status(conn, current_tenant(), programme_id, "open"))


@blp.route("/<programme_id>/close")
class CloseProgramme(MethodView):
    @require("coordinator")
    @blp.response(200, ProgrammeOut)
    @blp.doc(security=SECURITY)
    def post(self, programme_id):
        """Close the programme for good: its public pages say so and take nothing."""
        with service().engine.begin() as conn:
            return to_api(programmes.set_status(conn, current_tenant(), programme_id, "closed"))
