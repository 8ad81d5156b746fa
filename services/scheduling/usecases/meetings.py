"""A pair's meetings: proposing a date, time and place (in person or online) and accepting it,
setting or moving it directly, logging it as held — with the checklist filled in — or as
missed, and calling it off. Each change others must hear of writes its event; each change to a
meeting on the calendar raises its SEQUENCE and re-plans its reminders.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain import agenda, messages
from ..domain import meetings as rules
from ..domain.meetings import When
from ..domain.messages import PairContext
from ..domain.pairs import OPEN, my_plan_link
from .pairs import cancel_meeting
from .phases import refresh_phase


def meeting_minutes(conn: Connection, ctx: PairContext) -> int:
    """The pair's agreed length (the agreement in force), else the programme's."""
    agreed = store.agreed_minutes(conn, ctx.tenant, ctx.pair["id"])
    return int(agreed or ctx.programme.get("meeting_minutes") or 120)


def when_from(conn: Connection, ctx: PairContext, body: dict, now: datetime) -> When:
    """The date, time and place as the pair gives them, of the pair's agreed length if they give none."""
    return rules.when_from(ctx, body, now, body.get("minutes") or meeting_minutes(conn, ctx))


def _reminders(conn: Connection, ctx: PairContext, meeting: dict, now: datetime) -> None:
    store.replace_work(conn, ctx.tenant, "meeting_reminder", meeting["id"],
                       agenda.reminders(meeting, agenda.reminder_days(ctx.programme), ctx.time_zone, now), now)


def propose(conn: Connection, ctx: PairContext, meeting, role: str, when: When, now: datetime) -> dict:
    """One of the pair proposes a time and place; the other accepts it (or proposes another)."""
    values = rules.proposed(ctx, meeting, role, when, now)
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    row = {**meeting, **values}
    store.emit(conn, "meeting.proposed.v1", ctx.tenant, f"pair/{ctx.pair['id']}", {
        **messages.meeting_data(ctx, row, {r: my_plan_link(ctx, r, now) for r in ("mentee", "mentor")}),
        "starts_at": when.starts_at, "ends_at": when.ends_at, "place": when.place,
        "mode": when.mode, "proposed_by": role})
    return row


def accept(conn: Connection, ctx: PairContext, meeting, role: str, now: datetime) -> dict:
    return schedule(conn, ctx, meeting, rules.accepted(meeting, role, now), now)


def withdraw_proposal(conn: Connection, ctx: PairContext, meeting, now: datetime) -> dict:
    values = rules.withdrawn(meeting)
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values, updated_at=now)
    return {**meeting, **values}


def schedule(conn: Connection, ctx: PairContext, meeting, when: When, now: datetime) -> dict:
    """Set (or move) the meeting's date, time and place."""
    values = rules.scheduled(ctx, meeting, when, now)
    if values is None:  # already so
        if meeting["proposal"]:
            store.update(conn, store.meetings, ctx.tenant, meeting["id"], proposal=None, updated_at=now)
        return {**meeting, "proposal": None}
    moved_from = meeting["starts_at"] if meeting["status"] == "scheduled" else None
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    row = {**meeting, **values}
    if moved_from is not None:
        store.emit(conn, "meeting.rescheduled.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
                   messages.meeting_data(ctx, row, previous_starts_at=moved_from))
    else:
        store.emit(conn, "meeting.scheduled.v1", ctx.tenant, f"pair/{ctx.pair['id']}", messages.meeting_data(ctx, row))
    _reminders(conn, ctx, row, now)
    return row


def log_held(conn: Connection, ctx: PairContext, meeting, notes: dict, held_at: datetime | None, by: str,
             now: datetime) -> dict:
    """The pair met: keep the checklist as they filled it in; the window needs no nudge."""
    timed = meeting["starts_at"] and meeting["ends_at"]
    minutes = None if timed or meeting["status"] not in OPEN else meeting_minutes(conn, ctx)
    values = rules.held(ctx, meeting, notes, held_at, by, now, minutes)
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    row = {**meeting, **values}
    store.cancel_work(conn, ctx.tenant, "meeting_reminder", [meeting["id"]])
    store.cancel_work(conn, ctx.tenant, "nudge", [meeting["id"]])
    store.emit(conn, "meeting.held.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
               {**messages.pair_data(ctx), "meeting_id": row["id"], "number": row["number"]})
    refresh_phase(conn, ctx.pair, now)
    return row


def log_missed(conn: Connection, ctx: PairContext, meeting, reason: str, by: str, now: datetime) -> dict:
    values = rules.missed(ctx, meeting, reason, by, now)
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    row = {**meeting, **values}
    store.cancel_work(conn, ctx.tenant, "meeting_reminder", [meeting["id"]])
    store.emit(conn, "meeting.missed.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
               {**messages.pair_data(ctx), "meeting_id": row["id"], "number": row["number"]})
    return row


def call_off(conn: Connection, ctx: PairContext, meeting, reason: str, now: datetime) -> dict:
    """The pair calls a set meeting off (they may set it again later)."""
    rules.may_call_off(ctx, meeting)
    if meeting["status"] == "proposed":
        return withdraw_proposal(conn, ctx, meeting, now)
    return cancel_meeting(conn, ctx, meeting, reason or "called off by the pair", now)
