"""Keeping matching's own copy of the cohorts and applications it matches, from intake's events.

Every write is an upsert keyed by the producer's id, so applying an event twice changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.shared import clock, dates

from .. import store

ERASED = "erased"


def _upsert(conn, table: sa.Table, id_: str, tenant: str, values: dict) -> None:
    exists = conn.execute(sa.select(table.c.id).where(table.c.id == id_, table.c.tenant == tenant)).first()
    if exists:
        conn.execute(table.update().where(table.c.id == id_, table.c.tenant == tenant).values(**values))
    else:
        conn.execute(table.insert().values(id=id_, tenant=tenant, **values))


def record_cohort(conn, tenant: str, data: dict) -> None:
    _upsert(conn, store.cohorts, data["cohort_id"], tenant, {
        "name": data["name"], "status": data["status"], "time_zone": data["time_zone"],
        "starts_on": data["starts_on"], "ends_on": data["ends_on"], "programme": dates.iso(data["programme"]),
        "updated_at": clock.now(),
    })


def record_application(conn, tenant: str, data: dict) -> None:
    _upsert(conn, store.applications, data["application_id"], tenant, {
        "cohort_id": data["cohort_id"], "role": data["role"], "status": data.get("status", "submitted"),
        "name": data["name"], "email": data["email"], "phone": data.get("phone"), "locale": data["locale"],
        "arrival": data.get("arrival"), "languages": data.get("languages") or [],
        "mentoring_languages": data.get("mentoring_languages") or [],
        "profession": data.get("profession"), "wished_profession": data.get("wished_profession"),
        "education_field": data.get("education_field"), "sector": data.get("sector"), "city": data.get("city"),
        "remote_ok": bool(data.get("remote_ok")), "experience_years": data.get("experience_years"),
        "employer": data.get("employer"), "excluded_employers": data.get("excluded_employers") or [],
        "capacity": data.get("capacity") or 1, "interests": data.get("interests") or "",
        "submitted_at": data["submitted_at"],
    })


def record_status(conn, tenant: str, data: dict) -> None:
    """A decision on an application; an event that overtakes its submission still lands."""
    table = store.applications
    row = conn.execute(sa.select(table.c.id).where(table.c.id == data["application_id"], table.c.tenant == tenant)).first()
    if row is None:
        record_application(conn, tenant, {**data, "submitted_at": clock.now()})
        return
    conn.execute(table.update().where(table.c.id == data["application_id"], table.c.tenant == tenant).values(status=data["status"]))


def erase(conn, tenant: str, application_ids: list[str]) -> None:
    """Keep the pairs' history, lose the person."""
    if not application_ids:
        return
    table = store.applications
    conn.execute(table.update().where(table.c.tenant == tenant, table.c.id.in_(application_ids)).values(
        name=ERASED, email=f"{ERASED}@erased.invalid", phone=None, employer=None, excluded_employers=[],
        city=None, interests="", education_field=None,
    ))
