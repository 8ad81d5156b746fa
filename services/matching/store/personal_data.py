"""The queries of one person's data in matching: their addresses (the audit log names a person by
its hash), their applications found by address, every row that names one of those applications,
and the erasure of the free texts written about them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import applications, overrides, pairs, proposals, unmatched


def emails(conn: Connection, tenant: str, ids) -> dict[str, str]:
    """The address of each of the applications ``ids`` that matching knows."""
    a = applications
    if not ids:
        return {}
    return dict(conn.execute(sa.select(a.c.id, a.c.email).where(a.c.tenant == tenant, a.c.id.in_(list(ids)))).all())


def contacts(conn: Connection, tenant: str, ids: list[str]):
    """The name, address and phone of each of the applications ``ids``."""
    a = applications
    return conn.execute(sa.select(a.c.id, a.c.name, a.c.email, a.c.phone)
                        .where(a.c.tenant == tenant, a.c.id.in_(ids))).mappings().all()


def applications_of(conn: Connection, tenant: str, email: str):
    """The tenant's applications made with this address (any case), oldest first."""
    a = applications
    return rows(conn, a, tenant, sa.func.lower(a.c.email) == email.strip().lower(), order_by=[a.c.submitted_at, a.c.id])


def naming(conn: Connection, tenant: str, ids: list[str]) -> dict[str, list]:
    """Every proposal, pin or forbid, pair and unmatched record of the tenant that names one of
    the applications ``ids``, by table."""
    if not ids:
        return {"proposals": [], "overrides": [], "pairs": [], "unmatched": []}

    def either(table: sa.Table, *order_by):
        return rows(conn, table, tenant, sa.or_(table.c.mentee_id.in_(ids), table.c.mentor_id.in_(ids)),
                    order_by=[*order_by, table.c.id])

    p, o, pr, u = proposals, overrides, pairs, unmatched
    return {
        "proposals": either(p, p.c.run_id),
        "overrides": either(o, o.c.created_at),
        "pairs": either(pr, pr.c.confirmed_at),
        "unmatched": rows(conn, u, tenant, u.c.mentee_id.in_(ids), order_by=[u.c.run_id, u.c.id]),
    }


def clear_override_reasons(conn: Connection, tenant: str, ids: list[str], reason: str) -> None:
    """The coordinators' words on the pins and forbids about these applications go."""
    o = overrides
    conn.execute(o.update().where(o.c.tenant == tenant, sa.or_(o.c.mentee_id.in_(ids), o.c.mentor_id.in_(ids)))
                 .values(reason=reason))


def end_reasons(conn: Connection, tenant: str, ids: list[str]) -> list[str]:
    """Why the pairs of these applications ended, in whoever ended them's words."""
    p = pairs
    return conn.execute(sa.select(p.c.end_reason).distinct().where(
        p.c.tenant == tenant, p.c.end_reason.is_not(None), sa.or_(p.c.mentee_id.in_(ids), p.c.mentor_id.in_(ids)))).scalars().all()


def clear_end_reasons(conn: Connection, tenant: str, ids: list[str]) -> None:
    """Why their pairs ended, in whoever ended them's words, goes."""
    p = pairs
    conn.execute(p.update().where(p.c.tenant == tenant, p.c.end_reason.is_not(None),
                                  sa.or_(p.c.mentee_id.in_(ids), p.c.mentor_id.in_(ids))).values(end_reason=None))
