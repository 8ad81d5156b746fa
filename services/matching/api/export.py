"""A person's own data in matching: from their personal link, or for a coordinator who received
the request by post or e-mail."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import PersonalDataOut, PersonQuery
from ..usecases import export

blp = Blueprint("export", __name__, url_prefix="/export", description="A person's own data, as JSON.")
SECURITY = [{"bearer": []}]


@blp.route("/mine")
class Mine(MethodView):
    @require("participant")
    @blp.response(200, PersonalDataOut)
    @blp.doc(security=SECURITY)
    def get(self):
        """Everything matching holds of the person whose personal link this is (its token also
        comes as ``?token=``): their applications in the tenant under the link's address, the
        proposals, pins and forbids, pairs and unmatched records that name them."""
        return export.mine(service().engine, current_principal())


@blp.route("/person")
class Person(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, PersonalDataOut)
    @blp.doc(security=SECURITY)
    def get(self, query):
        """The same document for a person of the coordinator's tenant (the operator names the
        tenant), for a request received by post or e-mail; an unknown address gives empty
        sections. The read is on record in the audit log."""
        return export.person(service().engine, current_principal(), query["email"], query["tenant"])
