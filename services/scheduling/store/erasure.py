"""Forgetting people on an erasure request: what each table keeps of them, removed in place."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared import outbox

from .tables import OUTBOX, agreements, attendance, calendar_feeds, meetings, pairs, participants


def forget_people(conn: Connection, tenant: str, application_ids: list[str], erased_name: str,
                  now: datetime) -> tuple[list[str], list[str]]:
    """Their name and contact details, the coordinator's notes on their attendance, the notes,
    agreement texts and reasons for ending of their pairs (which speak of them), and their
    calendar links; returns their pairs' ids and those pairs' meetings' ids."""
    t, p, m, a, f, r = participants, pairs, meetings, agreements, calendar_feeds, attendance
    conn.execute(t.update().where(t.c.tenant == tenant, t.c.application_id.in_(application_ids)).values(
        name=erased_name, email=None, phone=None, erased=True))
    conn.execute(r.update().where(r.c.tenant == tenant, r.c.application_id.in_(application_ids)).values(note=""))
    pair_ids = list(conn.execute(sa.select(p.c.id).where(
        p.c.tenant == tenant, sa.or_(p.c.mentee_id.in_(application_ids), p.c.mentor_id.in_(application_ids)))).scalars())
    meeting_ids: list[str] = []
    if pair_ids:
        conn.execute(p.update().where(p.c.tenant == tenant, p.c.id.in_(pair_ids)).values(end_reason=None))
        conn.execute(m.update().where(m.c.tenant == tenant, m.c.pair_id.in_(pair_ids)).values(
            notes=None, proposal=None, place="", cancel_reason=None))
        conn.execute(a.update().where(a.c.tenant == tenant, a.c.pair_id.in_(pair_ids)).values(
            goals=[], keep_in_touch="", expectations={"mentee": "", "mentor": ""}))
        meeting_ids = list(conn.execute(sa.select(m.c.id).where(m.c.tenant == tenant, m.c.pair_id.in_(pair_ids))).scalars())
    conn.execute(f.update().where(f.c.tenant == tenant, f.c.owner_kind == "person", f.c.owner_id.in_(application_ids),
                                  f.c.revoked_at.is_(None)).values(revoked_at=now))
    return pair_ids, meeting_ids


def texts_of_pairs(conn: Connection, tenant: str, application_ids: list[str]) -> list[str]:
    """The free texts of the people's pairs that events carry: why a pair ended, where its meetings
    were and why they were cancelled (as the events wrote them)."""
    p, m = pairs, meetings
    theirs = sa.select(p.c.id).where(p.c.tenant == tenant, sa.or_(p.c.mentee_id.in_(application_ids),
                                                                   p.c.mentor_id.in_(application_ids)))
    texts = set(conn.execute(sa.select(p.c.end_reason).where(p.c.tenant == tenant, p.c.id.in_(theirs))).scalars())
    for place, reason in conn.execute(sa.select(m.c.place, m.c.cancel_reason).where(m.c.tenant == tenant, m.c.pair_id.in_(theirs))):
        texts |= {place, reason}
    return sorted(t for t in texts if t)


def scrub_outbox(conn: Connection, tenant: str, needles: list[str], replacements: dict[str, str]) -> None:
    """Events about the people leave the outbox once published; pending ones lose their details."""
    outbox.scrub(conn, OUTBOX, tenant, needles, replacements)
