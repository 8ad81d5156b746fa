"""A tenant's own wording of a message in a language: checked (it must parse, and render in the
sandbox against sample data, within limits of time and memory) before it is used; previewed
against the samples."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import MessageKindOut, PreviewIn, RenderedOut, TemplateIn, TemplateOut
from ..usecases import templates
from .common import tenant_of

blp = Blueprint("templates", __name__, url_prefix="/templates",
                description="The messages notify sends, and a tenant's own wording of them.")


@blp.route("")
class MessageKinds(MethodView):
    @require("coordinator")
    @blp.response(200, MessageKindOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """Every kind of message, whether one may opt out of it, and which languages the tenant
        has its own wording for."""
        return templates.kinds(service().engine, tenant_of())


@blp.route("/<message>/<locale>")
class Template(MethodView):
    @require("coordinator")
    @blp.response(200, TemplateOut)
    @blp.doc(security=[{"bearer": []}])
    def get(self, message, locale):
        """The wording in use: the tenant's own, or the platform's."""
        return templates.template(service().engine, tenant_of(), message, locale)

    @require("coordinator")
    @blp.arguments(TemplateIn)
    @blp.response(200, TemplateOut)
    @blp.doc(security=[{"bearer": []}])
    def put(self, body, message, locale):
        """Use the tenant's own wording; a part left out keeps the platform's. Refused (422, per
        part) unless it parses and renders against the sample data in the sandbox."""
        return templates.save(service().engine, tenant_of(), message, locale, body, current_principal().sub)

    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, message, locale):
        """Go back to the platform's wording."""
        templates.reset(service().engine, tenant_of(), message, locale)


@blp.route("/<message>/<locale>/preview")
class TemplatePreview(MethodView):
    @require("coordinator")
    @blp.arguments(PreviewIn)
    @blp.response(200, RenderedOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body, message, locale):
        """The message as a sample reader would get it: with the wording posted (checked as for a
        save), else the wording in use."""
        return templates.preview_template(service().engine, tenant_of(), message, locale, body["role"], body)
