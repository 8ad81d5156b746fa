"""Programmes: a coordinator creates one, changes its settings, pauses, reopens or closes it."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock
from services.shared.db import found

from .. import store
from ..domain import programmes as rules
from .cohorts import publish_snapshot


def create(conn: Connection, tenant: str, body: dict) -> dict:
    row = rules.new_programme(tenant, body, clock.now())
    store.insert_programme(conn, row)
    return row


def of_tenant(conn: Connection, tenant: str) -> list:
    """The tenant's programmes, the oldest first."""
    return store.rows(conn, store.programmes, tenant, order_by=store.programmes.c.created_at)


def one(conn: Connection, tenant: str, programme_id: str):
    return found(conn, store.programmes, tenant, programme_id)


def update(conn: Connection, tenant: str, programme_id: str, body: dict) -> dict:
    """Change settings; every cohort past draft hears of it (its snapshot carries them)."""
    programme = one(conn, tenant, programme_id)
    now = clock.now()
    values = rules.columns(body)
    store.update(conn, store.programmes, programme["tenant"], programme["id"], updated_at=now, **values)
    row = {**programme, **values, "updated_at": now}
    for cohort in store.cohorts_past_draft(conn, programme["tenant"], programme["id"]):
        publish_snapshot(conn, "cohort.updated.v1", cohort, row)
    return row


def set_status(conn: Connection, tenant: str, programme_id: str, status: str, notice: dict | None = None) -> dict:
    """Open, pause (with a notice for the public) or close the programme."""
    programme = one(conn, tenant, programme_id)
    values = rules.status_change(programme, status, clock.now(), notice)
    store.update(conn, store.programmes, programme["tenant"], programme["id"], **values)
    return {**programme, **values}
