"""Cohorts: creating and opening them, each change with its event."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared.contract import new_event

from .. import store


def create_cohort(conn: Connection, programme, body: dict, now: datetime) -> dict:
    row = {
        "id": str(uuid.uuid4()),
        "tenant": programme["tenant"],
        "programme_id": programme["id"],
        "name": body["name"],
        "time_zone": body["time_zone"],
        "status": "draft",
        "application_deadline": body["application_deadline"],
        "starts_on": body["starts_on"],
        "ends_on": body["ends_on"],
        "created_at": now,
    }
    conn.execute(store.cohorts.insert().values(**row))
    if body.get("open"):
        row = open_cohort(conn, row, programme)
    return row


def open_cohort(conn: Connection, cohort, programme=None) -> dict:
    if programme is None:
        programme = store.one(conn, store.programmes, cohort["tenant"], cohort["programme_id"])
    conn.execute(store.cohorts.update().where(store.cohorts.c.id == cohort["id"]).values(status="open"))
    row = dict(cohort, status="open")
    store.publish(conn, new_event(
        "cohort.opened.v1", source="intake", tenant=row["tenant"], subject=f"cohort/{row['id']}",
        data={
            "cohort_id": row["id"], "programme_id": programme["id"], "name": row["name"],
            "programme_name": programme["name"], "time_zone": row["time_zone"], "locale": programme["locale"],
            "application_deadline": row["application_deadline"], "starts_on": row["starts_on"], "ends_on": row["ends_on"],
        },
    ))
    return row
