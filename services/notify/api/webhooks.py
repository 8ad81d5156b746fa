"""A tenant's webhooks: endpoints that receive the events notify hears of, each POST signed with
HMAC-SHA256 over timestamp and body with the tenant's secret (rotatable)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.shared import clock
from services.shared.api import service
from services.shared.db import found
from services.shared.tenancy import current_principal, require

from .. import store
from ..domain.webhooks import new_secret, url_refusal
from ..schemas import SecretOut, WebhookCreatedOut, WebhookIn, WebhookOut, WebhookPatch
from .common import notify_settings, tenant_of

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="The tenant's own systems hear of every event, signed with the tenant's secret.")


def _check_url(url: str) -> None:
    refusal = url_refusal(url, notify_settings().webhook_allow_http_loopback)
    if refusal:
        abort(422, message="The webhook URL is refused.", errors={"json": {"url": [refusal]}})


def _secret(conn, tenant: str):
    s = store.webhook_secrets
    return conn.execute(sa.select(s).where(s.c.tenant == tenant)).mappings().first()


@blp.route("")
class Webhooks(MethodView):
    @require("coordinator")
    @blp.response(200, WebhookOut(many=True))
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        e = store.webhook_endpoints
        with service().engine.connect() as conn:
            return store.rows(conn, e, tenant_of(), order_by=e.c.created_at)

    @require("coordinator")
    @blp.arguments(WebhookIn)
    @blp.response(201, WebhookCreatedOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self, body):
        """Add an endpoint (https, a public address). The tenant's signing secret is made with its
        first endpoint and shown in that answer only; rotate it to see a new one."""
        _check_url(body["url"])
        tenant, now = tenant_of(), clock.now()
        row = {"id": str(uuid.uuid4()), "tenant": tenant, "url": body["url"], "event_types": body["event_types"],
               "active": body["active"], "description": body["description"], "created_at": now,
               "created_by": current_principal().sub}
        shown = None
        with service().engine.begin() as conn:
            conn.execute(store.webhook_endpoints.insert().values(**row))
            if _secret(conn, tenant) is None:
                shown = new_secret()
                conn.execute(store.webhook_secrets.insert().values(tenant=tenant, secret=shown, rotated_at=now))
        return {**row, "secret": shown}


@blp.route("/<endpoint_id>")
class Webhook(MethodView):
    @require("coordinator")
    @blp.arguments(WebhookPatch)
    @blp.response(200, WebhookOut)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, body, endpoint_id):
        if "url" in body:
            _check_url(body["url"])
        e = store.webhook_endpoints
        with service().engine.begin() as conn:
            found(conn, e, tenant_of(), endpoint_id, "webhook")
            if body:
                store.update(conn, e, tenant_of(), endpoint_id, **body)
            return store.one(conn, e, tenant_of(), endpoint_id)

    @require("coordinator")
    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, endpoint_id):
        """Remove an endpoint; what was waiting for it fails, visibly, in the log."""
        e = store.webhook_endpoints
        with service().engine.begin() as conn:
            found(conn, e, tenant_of(), endpoint_id, "webhook")
            conn.execute(e.delete().where(e.c.id == endpoint_id, e.c.tenant == tenant_of()))


@blp.route("/secret/rotate")
class RotateSecret(MethodView):
    @require("coordinator")
    @blp.response(200, SecretOut)
    @blp.doc(security=[{"bearer": []}])
    def post(self):
        """A new signing secret, shown once. For a while (a day by default) every request carries
        a signature with the old secret too, so the receiving system can switch without a gap."""
        tenant, now = tenant_of(), clock.now()
        s = store.webhook_secrets
        secret = new_secret()
        until = now + timedelta(hours=notify_settings().previous_secret_hours)
        with service().engine.begin() as conn:
            current = _secret(conn, tenant)
            if current is None:
                conn.execute(s.insert().values(tenant=tenant, secret=secret, rotated_at=now))
                until = None
            else:
                conn.execute(s.update().where(s.c.tenant == tenant).values(
                    secret=secret, previous_secret=current["secret"], previous_valid_until=until, rotated_at=now))
        return {"secret": secret, "previous_valid_until": until}
