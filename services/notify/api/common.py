"""What notify's blueprints share: whose data a request may see, and finding a tenant's object or
answering 404."""

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


def found(row, what: str):
    """The row, or 404 — another tenant's object is simply not there."""
    if row is None:
        abort(404, message=f"No such {what}.")
    return row
