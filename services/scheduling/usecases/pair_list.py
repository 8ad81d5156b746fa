"""The coordinator's list of a cohort's pairs, a page at a time: each pair's phase, meetings held
against those due, the state of its agreement and when anything last happened in it.

A page takes a fixed number of queries whatever its size (the pairs, their people, their meetings,
their agreements), so the list of a cohort of 900 pairs reads as fast as one of nine.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import store
from ..domain import timing
from ..domain.pair_list import ACTIVE_MEETING, agreement_status
from ..domain.reports import meeting_counts


def page_of_pairs(conn: Connection, tenant: str, cohort, now: datetime, page: int, page_size: int,
                  status: str | None = None, quiet_since: datetime | None = None) -> dict:
    p, m, a = store.pairs, store.meetings, store.agreements
    where = [p.c.tenant == tenant, p.c.cohort_id == cohort["id"]]
    if status:
        where.append(p.c.status == status)
    if quiet_since is not None:  # active, and no meeting held since then
        held_since = sa.select(m.c.id).where(m.c.tenant == tenant, m.c.pair_id == p.c.id, m.c.status == "held",
                                             sa.func.coalesce(m.c.starts_at, m.c.updated_at) >= quiet_since)
        where += [p.c.status == "active", p.c.confirmed_at < quiet_since, ~sa.exists(held_since)]
    total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*where)).scalar_one()
    pairs = conn.execute(sa.select(p).where(*where).order_by(p.c.confirmed_at, p.c.id)
                         .limit(page_size).offset((page - 1) * page_size)).mappings().all()
    ids = [pair["id"] for pair in pairs]
    people = store.names_of(conn, tenant, {pair["mentee_id"] for pair in pairs} | {pair["mentor_id"] for pair in pairs})
    meetings: dict[str, list[dict]] = {}
    versions: dict[str, list[dict]] = {}
    if ids:
        for row in conn.execute(sa.select(m.c.pair_id, m.c.number, m.c.status, m.c.window_start, m.c.window_end,
                                          m.c.starts_at, m.c.updated_at).where(m.c.tenant == tenant, m.c.pair_id.in_(ids))
                                .order_by(m.c.number)).mappings():
            meetings.setdefault(row["pair_id"], []).append(dict(row))
        for row in conn.execute(sa.select(a.c.pair_id, a.c.version, a.c.status, a.c.mentee_signed_at, a.c.mentor_signed_at,
                                          a.c.updated_at).where(a.c.tenant == tenant, a.c.pair_id.in_(ids))
                                .order_by(a.c.version)).mappings():
            versions.setdefault(row["pair_id"], []).append(dict(row))
    today = timing.today(now, cohort["time_zone"])
    items = []
    for pair in pairs:
        own = meetings.get(pair["id"], [])
        history = versions.get(pair["id"], [])
        counts = meeting_counts(own, today, pair["status"] == "ended")
        moments = [pair["confirmed_at"], pair["ended_at"], *(v["updated_at"] for v in history),
                   *(mt["updated_at"] for mt in own if mt["status"] in ACTIVE_MEETING)]
        held = [mt["starts_at"] or mt["updated_at"] for mt in own if mt["status"] == "held"]
        upcoming = next((mt for mt in own if mt["status"] == "scheduled" and mt["starts_at"] and mt["starts_at"] > now), None)
        items.append({
            "pair_id": pair["id"], "status": pair["status"], "phase": pair["phase"],
            "mentee": people.get(pair["mentee_id"]), "mentor": people.get(pair["mentor_id"]),
            "confirmed_at": pair["confirmed_at"], "ended_at": pair["ended_at"], "end_reason": pair["end_reason"],
            "meetings_held": counts["held"], "meetings_due": counts["due"], "meetings_planned": counts["planned"],
            "meetings_overdue": counts["overdue"],
            "agreement_status": agreement_status(history),
            "agreement_in_force": next((v["version"] for v in reversed(history) if v["status"] == "signed"), None),
            "last_activity_at": max((t for t in moments if t is not None), default=None),
            "next_meeting_at": upcoming["starts_at"] if upcoming else None,
            "last_meeting_at": max(held, default=None),
        })
    return {"total": total, "page": page, "page_size": page_size, "items": items}
