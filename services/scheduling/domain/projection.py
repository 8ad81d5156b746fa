"""Keeping scheduling's copy of cohorts and participants."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from .. import store


def _upsert(conn, table: sa.Table, key: str, key_value: str, values: dict) -> None:
    if conn.execute(sa.select(table.c[key]).where(table.c[key] == key_value)).first():
        conn.execute(table.update().where(table.c[key] == key_value, table.c.tenant == values["tenant"]).values(**values))
    else:
        conn.execute(table.insert().values({key: key_value, **values}))


def record_cohort(conn, tenant: str, data: dict) -> None:
    _upsert(conn, store.cohorts, "id", data["cohort_id"], {
        "tenant": tenant, "name": data["name"], "time_zone": data["time_zone"],
        "starts_on": data.get("starts_on"), "ends_on": data.get("ends_on"),
    })


def record_participant(conn, tenant: str, data: dict) -> None:
    _upsert(conn, store.participants, "application_id", data["application_id"], {
        "tenant": tenant, "cohort_id": data["cohort_id"], "role": data["role"], "name": data["name"],
        "locale": data["locale"], "time_zone": data["time_zone"], "recorded_at": datetime.now(UTC),
    })
