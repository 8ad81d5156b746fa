"""What notify keeps of other services' news: each cohort's programme settings (which messages,
which language, whom to contact) and the people of each cohort (to write to them all at once).
Only what sending needs: a name, an address, a language, a time zone, a status."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import store
from .deliveries import email_hash


def _upsert(conn: Connection, table: sa.Table, tenant: str, key: str, values: dict) -> None:
    exists = conn.execute(sa.select(table.c.id).where(table.c.id == key, table.c.tenant == tenant)).first()
    if exists:
        conn.execute(table.update().where(table.c.id == key, table.c.tenant == tenant).values(**values))
    else:
        conn.execute(table.insert().values(id=key, tenant=tenant, **values))


def record_cohort(conn: Connection, tenant: str, snapshot: dict, now: datetime) -> None:
    programme = snapshot["programme"]
    _upsert(conn, store.cohorts, tenant, snapshot["cohort_id"], {
        "name": snapshot["name"], "status": snapshot["status"], "time_zone": snapshot["time_zone"],
        "starts_on": snapshot.get("starts_on"), "ends_on": snapshot.get("ends_on"), "programme_id": programme["id"],
        "programme_name": programme["name"], "programme_locale": programme["locale"],
        "messages": programme.get("messages") or {},
        "contacts": [{k: c.get(k) for k in ("name", "email", "phone", "role")} for c in programme.get("contacts") or []],
        "updated_at": now,
    })


def record_application(conn: Connection, tenant: str, data: dict, now: datetime) -> None:
    """An applicant as intake last described them (name, address and language may change)."""
    _upsert(conn, store.recipients, tenant, data["application_id"], {
        "cohort_id": data["cohort_id"], "role": data["role"], "name": data["name"],
        "email": data["email"].strip().lower(), "email_sha256": email_hash(data["email"]), "locale": data["locale"],
        "time_zone": data["time_zone"], "status": data["status"], "updated_at": now,
    })


def record_pair(conn: Connection, tenant: str, application_ids: list[str], pair_id: str | None, now: datetime) -> None:
    r = store.recipients
    conn.execute(r.update().where(r.c.tenant == tenant, r.c.id.in_(application_ids)).values(pair_id=pair_id, updated_at=now))
