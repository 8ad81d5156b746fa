"""Erasure of a person, by e-mail, within a tenant."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit, clock
from services.shared.api import service
from services.shared.errors import Invalid, NotFound
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
            raise Invalid("An operator names the tenant.", {"tenant": ["required for an operator"]})
        if not principal.is_operator and body["tenant"] not in (None, principal.tenant):
            raise NotFound("No such tenant.")
        with service().engine.begin() as conn:
            erased = erase_person(conn, tenant, body["email"], principal.sub, clock.now())
        # the row names the person by the hash the erasure keeps: it outlives their data
        audit.note(audit.CHANGE, "person", erased["id"], person_sha256=erased["email_sha256"], tenant=tenant)
        return erased
