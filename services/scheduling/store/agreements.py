"""Queries of pairs' agreements and their versions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import agreements


def latest_agreement(conn: Connection, tenant: str, pair_id: str, for_update: bool = False):
    a = agreements
    query = sa.select(a).where(a.c.tenant == tenant, a.c.pair_id == pair_id).order_by(a.c.version.desc()).limit(1)
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).mappings().first()


def agreement_versions(conn: Connection, tenant: str, pair_id: str) -> list[dict]:
    a = agreements
    return [dict(r) for r in rows(conn, a, tenant, a.c.pair_id == pair_id, order_by=a.c.version)]


def agreement_version(conn: Connection, tenant: str, pair_id: str, number: int):
    a = agreements
    return conn.execute(sa.select(a).where(a.c.tenant == tenant, a.c.pair_id == pair_id, a.c.version == number)).mappings().first()


def version_in_force(conn: Connection, tenant: str, pair_id: str) -> int | None:
    a = agreements
    return conn.execute(sa.select(a.c.version).where(a.c.tenant == tenant, a.c.pair_id == pair_id, a.c.status == "signed")
                        ).scalar()


def agreed_minutes(conn: Connection, tenant: str, pair_id: str) -> int | None:
    """The meeting length of the newest signed version, if any."""
    a = agreements
    return conn.execute(sa.select(a.c.meeting_minutes).where(
        a.c.tenant == tenant, a.c.pair_id == pair_id, a.c.signed_at.is_not(None)).order_by(a.c.version.desc())).scalar()


def signed_count(conn: Connection, tenant: str, pair_id: str) -> int:
    a = agreements
    return conn.execute(sa.select(sa.func.count()).select_from(a).where(
        a.c.tenant == tenant, a.c.pair_id == pair_id, a.c.signed_at.is_not(None))).scalar_one()


def add_agreement(conn: Connection, row: dict) -> None:
    conn.execute(agreements.insert().values(**row))


def supersede_signed(conn: Connection, tenant: str, pair_id: str, below: int, now: datetime) -> None:
    """The one in force is the newest signed: the signed versions before ``below`` give way."""
    a = agreements
    conn.execute(a.update().where(a.c.tenant == tenant, a.c.pair_id == pair_id, a.c.status == "signed",
                                  a.c.version < below).values(status="superseded", updated_at=now))
