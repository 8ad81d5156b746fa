"""A tenant's webhooks: its endpoints (https, a public address) and the secret that signs every
request to them, rotated with a while in which the previous one signs too."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.engine import Engine

from services.shared import clock
from services.shared.errors import Invalid

from .. import store
from ..domain.webhooks import new_secret, url_refusal
from ..settings import NotifySettings
from ..store import tenant_setup


def _check_url(url: str, settings: NotifySettings) -> None:
    refusal = url_refusal(url, settings.webhook_allow_http_loopback)
    if refusal:
        raise Invalid("The webhook URL is refused.", {"url": [refusal]})


def endpoints(engine: Engine, tenant: str):
    e = store.webhook_endpoints
    with engine.connect() as conn:
        return store.rows(conn, e, tenant, order_by=e.c.created_at)


def add(engine: Engine, tenant: str, body: dict, by: str, settings: NotifySettings) -> dict:
    """Add an endpoint; the tenant's signing secret is made with its first one and shown then only."""
    _check_url(body["url"], settings)
    now = clock.now()
    row = {"id": str(uuid.uuid4()), "tenant": tenant, "url": body["url"], "event_types": body["event_types"],
           "active": body["active"], "description": body["description"], "created_at": now, "created_by": by}
    shown = None
    with engine.begin() as conn:
        tenant_setup.add_endpoint(conn, row)
        if tenant_setup.secret(conn, tenant) is None:
            shown = new_secret()
            tenant_setup.add_secret(conn, tenant, shown, now)
    return {**row, "secret": shown}


def change(engine: Engine, tenant: str, endpoint_id: str, body: dict, settings: NotifySettings):
    if "url" in body:
        _check_url(body["url"], settings)
    e = store.webhook_endpoints
    with engine.begin() as conn:
        store.found(conn, e, tenant, endpoint_id, "webhook")
        if body:
            store.update(conn, e, tenant, endpoint_id, **body)
        return store.one(conn, e, tenant, endpoint_id)


def remove(engine: Engine, tenant: str, endpoint_id: str) -> None:
    with engine.begin() as conn:
        store.found(conn, store.webhook_endpoints, tenant, endpoint_id, "webhook")
        tenant_setup.remove_endpoint(conn, tenant, endpoint_id)


def rotate_secret(engine: Engine, tenant: str, settings: NotifySettings) -> dict:
    """A new signing secret, shown once; the previous one signs too until ``previous_valid_until``."""
    now = clock.now()
    secret = new_secret()
    until = now + timedelta(hours=settings.previous_secret_hours)
    with engine.begin() as conn:
        current = tenant_setup.secret(conn, tenant)
        if current is None:
            tenant_setup.add_secret(conn, tenant, secret, now)
            until = None
        else:
            tenant_setup.replace_secret(conn, tenant, secret, current["secret"], until, now)
    return {"secret": secret, "previous_valid_until": until}
