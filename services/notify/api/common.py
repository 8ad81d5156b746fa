"""What notify's blueprints share: its settings, whose data a request may see, and who was shown."""

from __future__ import annotations

from flask import current_app

from services.shared.tenancy import current_principal

from ..settings import NotifySettings
from ..usecases import access


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
    return access.tenant_of(current_principal(), (query or {}).get("tenant"))
