"""Programmes: a coordinator creates one, changes its settings, pauses, reopens or closes it."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from services.shared import clock

from .. import store
from ..domain import programmes as rules
from .cohorts import publish_snapshot


def create(conn: Connection, tenant: str, body: dict) -> dict:
    row = rules.new_programme(tenant, body, clock.now())
    store.insert_programme(conn, row)
    return row


def update(conn: Connection, programme, body: dict) -> dict:
    """Change settings; every cohort past draft hears of it (its snapshot carries them)."""
    now = clock.now()
    values = rules.columns(body)
    store.update(conn, store.programmes, programme["tenant"], programme["id"], updated_at=now, **values)
    row = {**programme, **values, "updated_at": now}
    for cohort in store.cohorts_past_draft(conn, programme["tenant"], programme["id"]):
        publish_snapshot(conn, "cohort.updated.v1", cohort, row)
    return row


def set_status(conn: Connection, programme, status: str, notice: dict | None = None) -> dict:
    """Open, pause (with a notice for the public) or close the programme."""
    values = rules.status_change(programme, status, clock.now(), notice)
    store.update(conn, store.programmes, programme["tenant"], programme["id"], **values)
    return {**programme, **values}
