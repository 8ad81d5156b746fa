"""A pair, its agreement and its meeting plan — for the pair (each with their own link) and for
coordinators."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit, clock
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import AgreementChangeIn, AgreementOut, MeetingOut, PairOut, SignIn
from ..usecases import agreements, pair_view
from ..usecases.audit_notes import note_pair
from .common import PARTICIPANT_LINK, SECURITY, only_the_pair, pair_access

blp = Blueprint("pairs", __name__, url_prefix="/pairs", description="A pair, its agreement and its meeting plan.")


@blp.route("/<pair_id>")
class Pair(MethodView):
    @require("coordinator", "participant")
    @blp.response(200, PairOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self, pair_id):
        """The pair with its agreement (latest version) and every meeting of its plan."""
        with service().engine.connect() as conn:
            ctx, role = pair_access(conn, pair_id)
            note_pair(audit.READ, "pair", pair_id, ctx)
            return pair_view.pair_view(conn, ctx, role)


@blp.route("/<pair_id>/meetings")
class PairMeetings(MethodView):
    @require("coordinator", "participant")
    @blp.response(200, MeetingOut(many=True))
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self, pair_id):
        """The meeting plan: one meeting per due window, with its topic and checklist."""
        with service().engine.connect() as conn:
            ctx, role = pair_access(conn, pair_id)
            note_pair(audit.READ, "meeting_plan", pair_id, ctx)
            return pair_view.pair_view(conn, ctx, role)["meetings"]


@blp.route("/<pair_id>/agreement")
class Agreement(MethodView):
    @require("coordinator", "participant")
    @blp.response(200, AgreementOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self, pair_id):
        """The latest version of the agreement, which version is in force, and the history."""
        with service().engine.connect() as conn:
            ctx, _role = pair_access(conn, pair_id)
            agreement = pair_view.latest_agreement(conn, ctx)
            note_pair(audit.READ, "agreement", agreement and agreement["id"], ctx)
            return agreement

    @require("coordinator", "participant")
    @blp.arguments(AgreementChangeIn)
    @blp.response(200, AgreementOut)
    @blp.alt_response(409, description="Not the latest version, or the pair has ended.")
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def patch(self, body, pair_id):
        """Change the agreement. An untouched draft changes in place; a version that anyone has
        signed never changes — the change becomes a new version, which both sign again."""
        based_on = body.pop("based_on_version")
        with service().engine.begin() as conn:
            ctx, role = pair_access(conn, pair_id, for_update=True)
            by = role if role != "coordinator" else current_principal().sub
            row = agreements.change(conn, ctx, body, based_on, by, clock.now())
            note_pair(audit.CHANGE, "agreement", row["id"], ctx)
            return pair_view.agreement_view(conn, ctx, row)


@blp.route("/<pair_id>/agreement/sign")
class SignAgreement(MethodView):
    @require("participant")
    @blp.arguments(SignIn)
    @blp.response(200, AgreementOut)
    @blp.alt_response(409, description="Not the latest version, signed already, or no goals yet.")
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def post(self, body, pair_id):
        """Sign the version you read, with your own link; the second signature puts it in force."""
        with service().engine.begin() as conn:
            ctx, role = pair_access(conn, pair_id, for_update=True)
            only_the_pair(role)
            row = agreements.sign(conn, ctx, role, body["version"], clock.now())
            return pair_view.agreement_view(conn, ctx, row)


@blp.route("/<pair_id>/agreement/versions/<int:number>")
class AgreementVersion(MethodView):
    @require("coordinator", "participant")
    @blp.response(200, AgreementOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self, pair_id, number):
        """One version as it was signed (or drafted)."""
        with service().engine.connect() as conn:
            ctx, _role = pair_access(conn, pair_id)
            agreement = pair_view.agreement_version(conn, ctx, number)
            note_pair(audit.READ, "agreement", agreement["id"], ctx)
            return agreement

