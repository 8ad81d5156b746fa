"""What notify's blueprints share: its settings, and whose data a request may see."""

from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from services.shared.tenancy import current_principal, current_tenant

from ..settings import NotifySettings


def notify_settings() -> NotifySettings:
    return current_app.extensions["notify.settings"]


def tenant_of(query: dict | None = None) -> str:
    """The tenant a request works in: the coordinator's own; an operator names one."""
    principal = current_principal()
    if not principal.is_operator:
        return current_tenant()
    tenant = (query or {}).get("tenant")
    if not tenant:
        abort(422, message="An operator names the tenant.", errors={"query": {"tenant": ["Missing data for required field."]}})
    return tenant
