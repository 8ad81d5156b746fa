"""The queries of staff members, the tenant's directory of them, and their sign-in codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import insert_new

from .tables import sign_in_codes, staff


def insert_staff(conn: Connection, row: dict) -> bool:
    """Write a new staff member; False (writing nothing) when the address is the tenant's staff already."""
    return insert_new(conn, staff, row)


def revive_staff(conn: Connection, row: dict) -> str | None:
    """Bring back the tenant's deactivated staff member with ``row``'s address, with ``row``'s
    other values; their id, or None when the address is active staff."""
    s = staff
    values = {k: v for k, v in row.items() if k not in ("id", "tenant", "email")}
    return conn.execute(s.update().where(s.c.tenant == row["tenant"], s.c.email == row["email"], s.c.active.is_(False))
                        .values(**values).returning(s.c.id)).scalar()


def active_staff_with_email(conn: Connection, email: str) -> list:
    """Every tenant's active staff member with this address (across tenants: signing in asks by address alone)."""
    s = staff
    return conn.execute(sa.select(s).where(s.c.email == email, s.c.active.is_(True)).order_by(s.c.tenant)).mappings().all()


def codes_sent_since(conn: Connection, tenant: str, staff_id: str, since: datetime) -> int:
    c = sign_in_codes
    return conn.execute(sa.select(sa.func.count()).select_from(c).where(
        c.c.tenant == tenant, c.c.staff_id == staff_id, c.c.created_at > since)).scalar_one()


def insert_sign_in_code(conn: Connection, row: dict) -> None:
    conn.execute(sign_in_codes.insert().values(**row))


def use_sign_in_code(conn: Connection, digest: str, now: datetime) -> bool:
    """Mark the code used, if it is unused and unexpired; whether it was (across tenants: a code is
    all its holder has). The update is the check: of two redeeming at once, only one moves used_at."""
    c = sign_in_codes
    used = conn.execute(c.update().where(c.c.code_sha256 == digest, c.c.used_at.is_(None), c.c.expires_at > now)
                        .values(used_at=now))
    return used.rowcount == 1


def active_staff_of_code(conn: Connection, digest: str):
    """The active staff member a code was made for, or None (the code names its tenant)."""
    c, s = sign_in_codes, staff
    return conn.execute(sa.select(s).join(c, sa.and_(c.c.staff_id == s.c.id, c.c.tenant == s.c.tenant))
                        .where(c.c.code_sha256 == digest, s.c.active.is_(True))).mappings().first()


def staff_page(conn: Connection, tenant: str, limit: int, offset: int) -> tuple[int, list]:
    """How many staff the tenant has, active and deactivated, and one page of them by name."""
    mine = staff.c.tenant == tenant
    total = conn.execute(sa.select(sa.func.count()).where(mine)).scalar_one()
    page = conn.execute(sa.select(staff).where(mine).order_by(staff.c.name, staff.c.email, staff.c.id)
                        .limit(limit).offset(offset)).mappings().all()
    return total, page
