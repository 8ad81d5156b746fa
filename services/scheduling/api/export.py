"""What scheduling holds about a person, as one JSON document: the person's own, through their
personal link, and a coordinator's copy for a request received by post or e-mail (audited)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.shared import audit, clock
from services.shared.api import service
from services.shared.tenancy import current_principal, current_tenant, require

from ..usecases import export
from .common import PARTICIPANT_LINK, SECURITY, own_application_id

blp = Blueprint("export", __name__, url_prefix="/export", description="A person's own data, as one JSON document.")


class ExportQuery(Schema):
    email = fields.Email(required=True, metadata={"description": "The person's e-mail address."})
    tenant = fields.String(load_default=None, metadata={"description": "An operator's choice of tenant."})


class ExportOut(Schema):
    service = fields.String(metadata={"description": "scheduling"})
    generated_at = fields.String(metadata={"description": "ISO 8601"})
    tenant = fields.String()
    person_sha256 = fields.String(allow_none=True, metadata={"description": "SHA-256 of the lower-cased address"})
    sections = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()), metadata={
        "description": "participants, pairs, agreements (each version with the partner's name), meetings (with "
                       "their notes and checklist), attendance, calendar_feeds (not their secret) and due_work: "
                       "rows of the tenant, dates as ISO 8601"})


@blp.route("/mine")
class MyData(MethodView):
    @require("participant")
    @blp.response(200, ExportOut)
    @blp.doc(security=SECURITY, description=PARTICIPANT_LINK)
    def get(self):
        """Everything scheduling holds about me, under every application of mine in the tenant."""
        with service().engine.connect() as conn:
            return export.of_application(conn, current_tenant(), own_application_id(), clock.now())


@blp.route("/person")
class PersonData(MethodView):
    @require("coordinator", "operator")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, ExportOut)
    @blp.doc(security=SECURITY)
    def get(self, query):
        """Everything scheduling holds about the person with this address in the tenant (empty
        sections for an address it does not know)."""
        tenant = export.tenant_for(current_principal(), query["tenant"])
        with service().engine.connect() as conn:
            found = export.of_person(conn, tenant, query["email"], clock.now())
        audit.note(audit.READ, "export", None, email=query["email"], tenant=tenant)
        return found
