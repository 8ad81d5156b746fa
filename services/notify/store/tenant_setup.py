"""The queries of what a tenant sets up in notify: its own wording of messages, its webhooks and
their signing secret, and its coordinators' announcements."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..domain.rendering import Override
from .tables import announcements, template_overrides, webhook_endpoints, webhook_secrets

# --- the tenant's own wording ------------------------------------------------------------------


def override(conn: Connection, tenant: str, message: str, locale: str):
    t = template_overrides
    return conn.execute(sa.select(t).where(t.c.tenant == tenant, t.c.message == message,
                                           t.c.locale == locale)).mappings().first()


def overrides_of(conn: Connection, tenant: str, kind: str) -> dict[str, Override]:
    """The tenant's own versions of ``kind``, by locale."""
    t = template_overrides
    return {r["locale"]: Override(r["subject"], r["text"], r["html"]) for r in conn.execute(
        sa.select(t).where(t.c.tenant == tenant, t.c.message == kind)).mappings()}


def overridden_locales(conn: Connection, tenant: str) -> dict[str, list[str]]:
    """Message kind -> the locales the tenant has its own wording for."""
    t = template_overrides
    overridden: dict[str, list[str]] = {}
    for row in conn.execute(sa.select(t.c.message, t.c.locale).where(t.c.tenant == tenant)):
        overridden.setdefault(row.message, []).append(row.locale)
    return overridden


def save_override(conn: Connection, tenant: str, message: str, locale: str, new_id: str, values: dict) -> None:
    t = template_overrides
    row = override(conn, tenant, message, locale)
    if row is None:
        conn.execute(t.insert().values(id=new_id, tenant=tenant, message=message, locale=locale, **values))
    else:
        conn.execute(t.update().where(t.c.id == row["id"], t.c.tenant == tenant).values(**values))


def delete_override(conn: Connection, tenant: str, message: str, locale: str) -> int:
    t = template_overrides
    return conn.execute(t.delete().where(t.c.tenant == tenant, t.c.message == message, t.c.locale == locale)).rowcount


# --- webhooks ----------------------------------------------------------------------------------


def secret(conn: Connection, tenant: str):
    s = webhook_secrets
    return conn.execute(sa.select(s).where(s.c.tenant == tenant)).mappings().first()


def add_secret(conn: Connection, tenant: str, value: str, now) -> None:
    conn.execute(webhook_secrets.insert().values(tenant=tenant, secret=value, rotated_at=now))


def replace_secret(conn: Connection, tenant: str, value: str, previous: str, previous_valid_until, now) -> None:
    s = webhook_secrets
    conn.execute(s.update().where(s.c.tenant == tenant).values(
        secret=value, previous_secret=previous, previous_valid_until=previous_valid_until, rotated_at=now))


def secrets_of(conn: Connection, tenants: set[str]):
    """The signing secrets of these tenants, a row each."""
    s = webhook_secrets
    return conn.execute(sa.select(s).where(s.c.tenant.in_(tenants))).mappings().all()


def add_endpoint(conn: Connection, row: dict) -> None:
    conn.execute(webhook_endpoints.insert().values(**row))


def remove_endpoint(conn: Connection, tenant: str, endpoint_id: str) -> None:
    e = webhook_endpoints
    conn.execute(e.delete().where(e.c.id == endpoint_id, e.c.tenant == tenant))


def active_endpoints(conn: Connection, tenant: str):
    e = webhook_endpoints
    return conn.execute(sa.select(e).where(e.c.tenant == tenant, e.c.active.is_(True))).mappings().all()


def endpoints(conn: Connection, ids: set[str]) -> dict[str, dict]:
    """These webhook endpoints, by id, whoever's and whether on or off (gone ones are missing)."""
    e = webhook_endpoints
    return {r["id"]: r for r in conn.execute(sa.select(e).where(e.c.id.in_(ids))).mappings()}


# --- announcements -----------------------------------------------------------------------------


def cohort_announcements(conn: Connection, tenant: str, cohort_id: str, limit: int | None, offset: int):
    """The cohort's announcements, newest first (``limit`` None: all from ``offset``)."""
    a = announcements
    select = (sa.select(a).where(a.c.tenant == tenant, a.c.cohort_id == cohort_id)
              .order_by(a.c.created_at.desc(), a.c.id).offset(offset))
    if limit:
        select = select.limit(limit)
    return conn.execute(select).mappings().all()


def count_announcements(conn: Connection, tenant: str, cohort_id: str) -> int:
    a = announcements
    return conn.execute(sa.select(sa.func.count()).select_from(a).where(
        a.c.tenant == tenant, a.c.cohort_id == cohort_id)).scalar_one()


def add_announcement(conn: Connection, row: dict) -> None:
    conn.execute(announcements.insert().values(**row))
