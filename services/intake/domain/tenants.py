"""Tenants: the organisations running programmes on Tandem. A new one is a row and its
``tenant.created.v1`` event, which the other services take their own record of the tenant from."""

from __future__ import annotations

from datetime import datetime

from services.shared.contract import Event, new_event


def new_tenant(slug: str, name: str, now: datetime) -> dict:
    return {"slug": slug, "name": name, "created_at": now}


def created(tenant: dict) -> Event:
    """The event that tells the other services of a new tenant."""
    slug = tenant["slug"]
    return new_event("tenant.created.v1", source="intake", tenant=slug, subject=slug,
                     data={"slug": slug, "name": tenant["name"]})
