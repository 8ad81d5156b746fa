"""A person's own data in notify, as JSON: through their personal link (``/export/mine``), or
produced by a coordinator for a request received by post or e-mail (``/export/person``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared import audit
from services.shared.api import service
from services.shared.errors import Forbidden
from services.shared.tenancy import current_principal, require

from ..schemas import ExportMineQuery, ExportOut, ExportPersonQuery
from ..usecases import export
from .common import tenant_of

APPLICATION_SCOPE = "application"

blp = Blueprint("export", __name__, url_prefix="/export",
                description="What notify holds of a person, handed back to them (GDPR Art. 15 and 20).")


@blp.route("/mine")
class MyData(MethodView):
    @require("participant")
    @blp.arguments(ExportMineQuery, location="query")
    @blp.response(200, ExportOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, _query):
        """Everything notify holds of the person whose personal link this is (``?token=`` or a
        bearer token): the link decides who, for every application of their address in the tenant."""
        principal = current_principal()
        if principal.scope != APPLICATION_SCOPE:
            raise Forbidden("This link is not an application's personal link.")
        return export.mine(service().engine, principal.tenant, principal.sub)


@blp.route("/person")
class PersonData(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(ExportPersonQuery, location="query")
    @blp.response(200, ExportOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query):
        """The same document for a person's request received by post or e-mail: the tenant's rows
        of the address (an operator names the tenant); an unknown address has empty sections."""
        document = export.person(service().engine, tenant_of(query), query["email"])
        audit.note(audit.READ, "export", None, email=query["email"])
        return document
