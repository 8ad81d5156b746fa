"""What notify's blueprints share: its settings, whose data a request may see, and who was shown."""

from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from services.shared.tenancy import current_principal, current_tenant

from ..settings import NotifySettings


def notify_settings() -> NotifySettings:
    return current_app.extensions["notify.settings"]


def people_shown(deliveries) -> list[tuple]:
    """The audit log's items for a page of the delivery log: one per person it shows (by the hash
    of their address, with the application or nomination their first message there was about);
    a webhook's delivery names nobody."""
    shown: dict[str, tuple] = {}
    for row in deliveries:
        if row["recipient_hash"] and row["recipient_hash"] not in shown:
            shown[row["recipient_hash"]] = (row["person_id"], None, row["recipient_hash"])
    return list(shown.values())


def tenant_of(query: dict | None = None) -> str:
    """The tenant a request works in: the coordinator's own; an operator names one."""
    principal = current_principal()
    if not principal.is_operator:
        return current_tenant()
    tenant = (query or {}).get("tenant")
    if not tenant:
        abort(422, message="An operator names the tenant.", errors={"query": {"tenant": ["Missing data for required field."]}})
    return tenant
