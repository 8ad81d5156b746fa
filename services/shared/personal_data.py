"""A person's own data, as one JSON document per service (GDPR Art. 15 and 20): the ``/export``
blueprint every service answers the same way, each with its own use cases.

``GET /<service>/export/mine`` answers the person whose personal link it is (the link decides
who); ``GET /<service>/export/person?email=`` answers a coordinator who received the person's
request by post or e-mail, in the coordinator's own tenant, or the one an operator names. That
read is staff access to a person's data, so it is noted on the service's audit log, in the
person's tenant also when the operator asked.
"""

from __future__ import annotations

from collections.abc import Callable

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from . import audit
from .api import service
from .errors import Invalid, NotFound
from .tenancy import Principal, current_principal, require

SECURITY = [{"bearer": []}]
PERSONAL_LINK = "A participant's token may come as ``?token=`` from their personal link."


class PersonQuery(Schema):
    email = fields.Email(required=True, metadata={"description": "The person's e-mail address."})
    tenant = fields.String(load_default=None, metadata={"description": "An operator names the person's tenant."})


def export_schema(service_name: str, sections_doc: str) -> type[Schema]:
    """The document's shape; ``sections_doc`` says which sections the service hands back."""
    return Schema.from_dict({
        "service": fields.String(metadata={"description": service_name}),
        "generated_at": fields.String(metadata={"description": "ISO 8601"}),
        "tenant": fields.String(),
        "person_sha256": fields.String(allow_none=True, metadata={
            "description": "SHA-256 of the lower-cased e-mail address, as erasure and the audit log name the person"}),
        "sections": fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()),
                                metadata={"description": sections_doc}),
    }, name="ExportOut")


def tenant_for(principal: Principal, asked: str | None) -> str:
    """Whose data a staff request reads: a coordinator's own tenant (another's people are not
    there), the tenant an operator names (``?tenant=``, refused as missing when they name none)."""
    if principal.is_operator:
        if not asked:
            raise Invalid("An operator names the tenant.", {"tenant": ["Missing data for required field."]},
                          location="query")
        return asked
    if asked and asked != principal.tenant:
        raise NotFound("No such tenant.")
    return principal.tenant


def blueprint(service_name: str, mine: Callable[..., dict], of_person: Callable[..., dict],
              sections_doc: str) -> Blueprint:
    """The service's ``/export`` blueprint. ``mine(conn, principal)`` is the document of the person
    a personal link is for (refusing a token that is not such a link); ``of_person(conn, tenant,
    email)`` the document of the address in the tenant, with empty sections when the service
    holds nothing of it."""
    blp = Blueprint("export", __name__, url_prefix="/export", description="A person's own data, as one JSON document.")
    document = export_schema(service_name, sections_doc)

    @blp.route("/mine")
    class MyData(MethodView):
        @require("participant")
        @blp.response(200, document)
        @blp.doc(security=SECURITY, description=PERSONAL_LINK,
                 summary=f"Everything {service_name} holds of the person whose personal link this is, "
                         "under every application of their address in the tenant (the link decides who).")
        def get(self):
            with service().engine.connect() as conn:
                return mine(conn, current_principal())

    @blp.route("/person")
    class PersonData(MethodView):
        @require("coordinator", "operator")
        @blp.arguments(PersonQuery, location="query")
        @blp.response(200, document)
        @blp.doc(security=SECURITY,
                 summary=f"The same document for a person of the coordinator's tenant (an operator names the "
                         f"tenant), for a request received by post or e-mail; empty sections when {service_name} "
                         "holds nothing of the address. The read is on the audit log.")
        def get(self, query):
            tenant = tenant_for(current_principal(), query["tenant"])
            with service().engine.connect() as conn:
                found = of_person(conn, tenant, query["email"])
            audit.note(audit.READ, "export", None, email=query["email"], tenant=tenant)
            return found

    return blp
