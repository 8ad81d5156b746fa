"""The queries of the coordinator's list of pairs: a page takes a fixed number of them whatever
its size (the pairs, their people, their meetings, their agreements)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import agreements, meetings, pairs


def page_of_pairs(conn: Connection, tenant: str, cohort_id: str, page: int, page_size: int,
                  status: str | None = None, quiet_since: datetime | None = None) -> tuple[int, list]:
    """How many of the cohort's pairs there are with this status (or quiet since then: active,
    and no meeting held since), and one page of them in the order they were confirmed."""
    p, m = pairs, meetings
    where = [p.c.tenant == tenant, p.c.cohort_id == cohort_id]
    if status:
        where.append(p.c.status == status)
    if quiet_since is not None:  # active, and no meeting held since then
        held_since = sa.select(m.c.id).where(m.c.tenant == tenant, m.c.pair_id == p.c.id, m.c.status == "held",
                                             sa.func.coalesce(m.c.starts_at, m.c.updated_at) >= quiet_since)
        where += [p.c.status == "active", p.c.confirmed_at < quiet_since, ~sa.exists(held_since)]
    total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*where)).scalar_one()
    found = conn.execute(sa.select(p).where(*where).order_by(p.c.confirmed_at, p.c.id)
                         .limit(page_size).offset((page - 1) * page_size)).mappings().all()
    return total, found


def meeting_briefs(conn: Connection, tenant: str, pair_ids: list[str]) -> dict[str, list[dict]]:
    """pair id -> its meetings by number: their state, window and times."""
    m = meetings
    out: dict[str, list[dict]] = {}
    if pair_ids:
        for row in conn.execute(sa.select(m.c.pair_id, m.c.number, m.c.status, m.c.window_start, m.c.window_end,
                                          m.c.starts_at, m.c.updated_at).where(m.c.tenant == tenant, m.c.pair_id.in_(pair_ids))
                                .order_by(m.c.number)).mappings():
            out.setdefault(row["pair_id"], []).append(dict(row))
    return out


def version_briefs(conn: Connection, tenant: str, pair_ids: list[str]) -> dict[str, list[dict]]:
    """pair id -> its agreement's versions in order: their state and signatures."""
    a = agreements
    out: dict[str, list[dict]] = {}
    if pair_ids:
        for row in conn.execute(sa.select(a.c.pair_id, a.c.version, a.c.status, a.c.mentee_signed_at, a.c.mentor_signed_at,
                                          a.c.updated_at).where(a.c.tenant == tenant, a.c.pair_id.in_(pair_ids))
                                .order_by(a.c.version)).mappings():
            out.setdefault(row["pair_id"], []).append(dict(row))
    return out
