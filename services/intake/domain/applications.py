"""Applications: taking one in and telling the other services."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.engine import Connection

from services.shared.contract import new_event

from .. import store


def submit_application(conn: Connection, cohort, body: dict, now: datetime) -> dict:
    row = {
        "id": str(uuid.uuid4()),
        "tenant": cohort["tenant"],
        "cohort_id": cohort["id"],
        "role": body["role"],
        "name": body["name"].strip(),
        "email": body["email"].lower(),
        "locale": body["locale"],
        "status": "submitted",
        "submitted_at": now,
    }
    conn.execute(store.applications.insert().values(**row))
    store.publish(conn, new_event(
        "application.submitted.v1", source="intake", tenant=row["tenant"], subject=f"application/{row['id']}",
        data={
            "application_id": row["id"], "cohort_id": cohort["id"], "programme_id": cohort["programme_id"],
            "programme_name": cohort["programme"], "cohort_name": cohort["name"], "role": row["role"],
            "name": row["name"], "email": row["email"], "locale": row["locale"],
            "time_zone": cohort["time_zone"], "submitted_at": now,
        },
    ))
    return row
