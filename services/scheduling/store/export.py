"""Queries for a person's own data: who they are in the tenant (every application under their
address) and each table's rows about them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.shared.db import rows

from .tables import agreements, attendance, calendar_feeds, due_work, meetings, pairs, participants


def applications_of(conn: Connection, tenant: str, email: str) -> list[str]:
    """Every application of the tenant under this address (a mentor in one cohort may be a
    mentee in another), however its letters were cased."""
    t = participants
    return list(conn.execute(sa.select(t.c.application_id).where(
        t.c.tenant == tenant, sa.func.lower(t.c.email) == email.strip().lower()).order_by(t.c.recorded_at)).scalars())


def rows_about(conn: Connection, tenant: str, application_ids: list[str]) -> dict[str, list]:
    """table name -> the tenant's rows about these people: their participant records, their pairs
    with those pairs' agreement versions and meetings, their attendance, their calendar feeds, and
    the work due about them, their pairs or their pairs' meetings."""
    p, m, w = pairs, meetings, due_work
    theirs = rows(conn, p, tenant, sa.or_(p.c.mentee_id.in_(application_ids), p.c.mentor_id.in_(application_ids)),
                  order_by=[p.c.confirmed_at, p.c.id])
    pair_ids = [pair["id"] for pair in theirs]
    their_meetings = rows(conn, m, tenant, m.c.pair_id.in_(pair_ids), order_by=[m.c.pair_id, m.c.number])
    meeting_ids = [meeting["id"] for meeting in their_meetings]
    return {
        "participants": rows(conn, participants, tenant, participants.c.application_id.in_(application_ids),
                             order_by=participants.c.recorded_at),
        "pairs": theirs,
        "agreements": rows(conn, agreements, tenant, agreements.c.pair_id.in_(pair_ids),
                           order_by=[agreements.c.pair_id, agreements.c.version]),
        "meetings": their_meetings,
        "attendance": rows(conn, attendance, tenant, attendance.c.application_id.in_(application_ids),
                           order_by=attendance.c.recorded_at),
        "calendar_feeds": rows(conn, calendar_feeds, tenant, calendar_feeds.c.owner_kind == "person",
                               calendar_feeds.c.owner_id.in_(application_ids), order_by=calendar_feeds.c.created_at),
        "due_work": rows(conn, w, tenant, sa.or_(
            (w.c.kind == "survey") & w.c.subject_id.in_(application_ids),
            (w.c.kind == "phase") & w.c.subject_id.in_(pair_ids),
            w.c.kind.in_(("meeting_reminder", "nudge")) & w.c.subject_id.in_(meeting_ids)), order_by=[w.c.due_at, w.c.id]),
    }
