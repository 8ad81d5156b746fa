"""Keeping matching's copy of the applications it matches."""

from __future__ import annotations

import sqlalchemy as sa

from .. import store


def record_application(conn, tenant: str, data: dict) -> None:
    values = {
        "tenant": tenant,
        "cohort_id": data["cohort_id"],
        "role": data["role"],
        "name": data["name"],
        "email": data["email"],
        "locale": data["locale"],
        "submitted_at": data["submitted_at"],
    }
    table = store.applications
    exists = conn.execute(sa.select(table.c.id).where(table.c.id == data["application_id"])).first()
    if exists:
        conn.execute(table.update().where(table.c.id == data["application_id"], table.c.tenant == tenant).values(**values))
    else:
        conn.execute(table.insert().values(id=data["application_id"], **values))
