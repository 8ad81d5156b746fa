"""A tenant's webhooks: endpoints that receive the events notify hears of, each POST signed with
HMAC-SHA256 over timestamp and body with the tenant's secret (rotatable)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.shared.api import service
from services.shared.tenancy import current_principal, require

from ..schemas import SecretOut, WebhookCreatedOut, WebhookIn, WebhookOut, WebhookPatch
from ..usecases import webhooks
from .common import notify_settings, tenant_of

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="The tenant's own systems hear of every event, signed with the tenant's secret.")


@blp.route("")
class Webhooks(MethodView):
    @require("coordinator")
    @blp.response(200, WebhookOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        return webhooks.endpoints(service().engine, tenant_of())

    @require("coordinator")
    @blp.arguments(WebhookIn)
    @blp.response(201, WebhookCreatedOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body):
        """Add an endpoint (https, a public address). The tenant's signing secret is made with its
        first endpoint and shown in that answer only; rotate it to see a new one."""
        return webhooks.add(service().engine, tenant_of(), body, current_principal().sub, notify_settings())


@blp.route("/<endpoint_id>")
class Webhook(MethodView):
    @require("coordinator")
    @blp.arguments(WebhookPatch)
    @blp.response(200, WebhookOut)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, body, endpoint_id):
        return webhooks.change(service().engine, tenant_of(), endpoint_id, body, notify_settings())

    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, endpoint_id):
        """Remove an endpoint; what was waiting for it fails, visibly, in the log."""
        webhooks.remove(service().engine, tenant_of(), endpoint_id)


@blp.route("/secret/rotate")
class RotateSecret(MethodView):
    @require("coordinator")
    @blp.response(200, SecretOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self):
        """A new signing secret, shown once. For a while (a day by default) every request carries
        a signature with the old secret too, so the receiving system can switch without a gap."""
        return webhooks.rotate_secret(service().engine, tenant_of(), notify_settings())
