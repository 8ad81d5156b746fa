"""Erasure of a person, by e-mail, within a tenant."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import ErasureIn, ErasureOut
from ..usecases.erasure import erase_person

blp = Blueprint("erasures", __name__, url_prefix="/erasures", description="Erase a person's data everywhere.")


@blp.route("")
class Erasures(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(ErasureIn)
    @blp.response(201, ErasureOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body):
        """Anonymise every row intake holds of the person and publish person.erasure_requested.v1
        so that matching, scheduling and notify do the same."""
        principal = current_principal()
        tenant = body["tenant"] if principal.is_operator else principal.tenant
        if not tenant:
            abort(422, message="An operator names the tenant.", errors={"json": {"tenant": ["required for an operator"]}})
        if not principal.is_operator and body["tenant"] not in (None, principal.tenant):
            abort(404, message="No such tenant.")
        with service().engine.begin() as conn:
            return erase_person(conn, tenant, body["email"], principal.sub, clock.now())
