"""A person's own data, as JSON: from their personal link, or produced by a coordinator for a
request received by post or e-mail (that read is on the audit log)."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.shared import audit
from services.shared.api import service
from services.shared.errors import Invalid, NotFound
from services.shared.tenancy import current_principal, require

from ..usecases import export

blp = Blueprint("export", __name__, url_prefix="/export", description="A person's own data, as one JSON document.")
SECURITY = [{"bearer": []}]


class ExportOut(Schema):
    service = fields.String()
    generated_at = fields.String(metadata={"description": "ISO 8601"})
    tenant = fields.String()
    person_sha256 = fields.String(metadata={"description": "SHA-256 of the lower-cased e-mail address"})
    sections = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()),
                           metadata={"description": "per section, the person's rows as plain JSON (dates ISO 8601): "
                                                    ", ".join(sorted({s for both in export.SECTIONS.values() for s in both}))})


class PersonQuery(Schema):
    email = fields.Email(required=True, metadata={"description": "The person's e-mail address."})
    tenant = fields.String(load_default=None, metadata={"description": "An operator names the tenant."})


@blp.route("/mine")
class MyData(MethodView):
    @require("participant")
    @blp.response(200, ExportOut)
    @blp.doc(security=SECURITY, description="The token may come as ``?token=`` from the personal link.")
    def get(self):
        """Everything intake holds of me (everyone with my application's address in this
        organisation): my applications, consent, place on the waiting list, nominations, survey
        answers and requests for my links."""
        with service().engine.connect() as conn:
            return export.mine(conn, current_principal())


@blp.route("/person")
class PersonData(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, ExportOut)
    @blp.doc(security=SECURITY)
    def get(self, query):
        """The same document for a person of my tenant, by address (an operator names the
        tenant); empty sections when intake holds nothing of the address."""
        principal = current_principal()
        if principal.is_operator:
            if not query["tenant"]:
                raise Invalid("An operator names the tenant.", {"tenant": ["required for an operator"]})
            tenant = query["tenant"]
        elif query["tenant"] not in (None, principal.tenant):
            raise NotFound("No such tenant.")
        else:
            tenant = principal.tenant
        with service().engine.connect() as conn:
            document = export.of_person(conn, tenant, query["email"])
        audit.note(audit.READ, "export", None, email=query["email"], tenant=tenant)
        return document
