"""A pair's meetings: proposing a date, time and place (in person or online) and accepting it,
setting or moving it directly, logging it as held — with the checklist filled in — or as
missed, and calling it off. Each change others must hear of writes its event; each change to a
meeting on the calendar raises its SEQUENCE and re-plans its reminders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from services.shared.errors import INVALID

from .. import store
from ..domain import agenda, messages, timing
from ..domain import meetings as rules
from ..domain.meetings import MeetingRefused, When
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
    rules.require_active(ctx)
    if meeting["status"] not in (*OPEN, "cancelled"):
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']}.")
    proposal = {"starts_at": when.starts_at.isoformat(), "ends_at": when.ends_at.isoformat(), "place": when.place,
                "mode": when.mode, "by": role, "at": now.isoformat()}
    # a scheduled (or called-off) meeting keeps its calendar entry until the proposal is accepted
    status = "proposed" if meeting["status"] == "planned" else meeting["status"]
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], proposal=proposal, status=status, updated_at=now)
    row = {**meeting, "proposal": proposal, "status": status, "updated_at": now}
    store.emit(conn, "meeting.proposed.v1", ctx.tenant, f"pair/{ctx.pair['id']}", {
        **messages.meeting_data(ctx, row, {r: my_plan_link(ctx, r, now) for r in ("mentee", "mentor")}),
        "starts_at": when.starts_at, "ends_at": when.ends_at, "place": when.place,
        "mode": when.mode, "proposed_by": role})
    return row


def accept(conn: Connection, ctx: PairContext, meeting, role: str, now: datetime) -> dict:
    proposal = meeting["proposal"]
    if not proposal:
        raise MeetingRefused("There is no proposal to accept.")
    if proposal["by"] == role:
        raise MeetingRefused("The other one of the pair accepts a proposal.", {"role": [f"the {role} proposed it"]})
    when = When(datetime.fromisoformat(proposal["starts_at"]), datetime.fromisoformat(proposal["ends_at"]),
                proposal["place"], proposal["mode"])
    if when.starts_at <= now:
        raise MeetingRefused("The proposed time has passed; propose another.", {"starts_at": ["in the past"]})
    return schedule(conn, ctx, meeting, when, now)


def withdraw_proposal(conn: Connection, ctx: PairContext, meeting, now: datetime) -> dict:
    if not meeting["proposal"]:
        raise MeetingRefused("There is no proposal.")
    status = "planned" if meeting["status"] == "proposed" else meeting["status"]
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], proposal=None, status=status, updated_at=now)
    return {**meeting, "proposal": None, "status": status}


def schedule(conn: Connection, ctx: PairContext, meeting, when: When, now: datetime) -> dict:
    """Set (or move) the meeting's date, time and place."""
    rules.require_active(ctx)
    if meeting["status"] not in (*OPEN, "cancelled"):
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']} and is not moved.")
    unchanged = meeting["status"] == "scheduled" and (meeting["starts_at"], meeting["ends_at"], meeting["place"], meeting["mode"]) \
        == (when.starts_at, when.ends_at, when.place, when.mode)
    if unchanged:
        if meeting["proposal"]:
            store.update(conn, store.meetings, ctx.tenant, meeting["id"], proposal=None, updated_at=now)
        return {**meeting, "proposal": None}
    moved_from = meeting["starts_at"] if meeting["status"] == "scheduled" else None
    values = {"status": "scheduled", "starts_at": when.starts_at, "ends_at": when.ends_at, "place": when.place,
              "mode": when.mode, "proposal": None, "cancel_reason": None, "updated_at": now,
              "sequence": meeting["sequence"] + (1 if meeting["starts_at"] is not None else 0)}
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
    if meeting["status"] not in OPEN:
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']} already.")
    if held_at is not None:
        try:
            held_at = timing.to_utc(held_at, ctx.time_zone)
        except timing.NoSuchLocalTime as exc:
            raise MeetingRefused(str(exc), {"held_at": [str(exc)]}, INVALID) from None
    elif meeting["starts_at"] is not None and meeting["status"] == "scheduled":
        held_at = meeting["starts_at"]
    else:
        held_at = now
    if held_at > now:
        raise MeetingRefused("The meeting has not happened yet.", {"held_at": ["in the future"]})
    values = {"status": "held", "notes": notes, "logged_by": by, "logged_at": now, "proposal": None, "updated_at": now}
    if held_at != meeting["starts_at"]:
        length = (meeting["ends_at"] - meeting["starts_at"]) if meeting["starts_at"] and meeting["ends_at"] \
            else timedelta(minutes=meeting_minutes(conn, ctx))
        values.update(starts_at=held_at, ends_at=held_at + length,
                      sequence=meeting["sequence"] + (1 if meeting["starts_at"] is not None else 0))
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    row = {**meeting, **values}
    store.cancel_work(conn, ctx.tenant, "meeting_reminder", [meeting["id"]])
    store.cancel_work(conn, ctx.tenant, "nudge", [meeting["id"]])
    store.emit(conn, "meeting.held.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
               {**messages.pair_data(ctx), "meeting_id": row["id"], "number": row["number"]})
    refresh_phase(conn, ctx.pair, now)
    return row


def log_missed(conn: Connection, ctx: PairContext, meeting, reason: str, by: str, now: datetime) -> dict:
    if meeting["status"] not in OPEN:
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']} already.")
    if meeting["starts_at"] is not None and meeting["status"] == "scheduled" and meeting["starts_at"] > now:
        raise MeetingRefused("The meeting is still to come: move or cancel it instead.", {"status": ["still to come"]})
    if timing.today(now, ctx.time_zone) < meeting["window_start"]:
        raise MeetingRefused("The meeting's window has not begun.", {"status": ["window not begun"]})
    values = {"status": "missed", "notes": {"reason": reason} if reason else None, "logged_by": by, "logged_at": now,
              "proposal": None, "updated_at": now}
    store.update(conn, store.meetings, ctx.tenant, meeting["id"], **values)
    row = {**meeting, **values}
    store.cancel_work(conn, ctx.tenant, "meeting_reminder", [meeting["id"]])
    store.emit(conn, "meeting.missed.v1", ctx.tenant, f"pair/{ctx.pair['id']}",
               {**messages.pair_data(ctx), "meeting_id": row["id"], "number": row["number"]})
    return row


def call_off(conn: Connection, ctx: PairContext, meeting, reason: str, now: datetime) -> dict:
    """The pair calls a set meeting off (they may set it again later)."""
    rules.require_active(ctx)
    if meeting["status"] not in ("proposed", "scheduled"):
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']}: nothing to call off.")
    if meeting["status"] == "proposed":
        return withdraw_proposal(conn, ctx, meeting, now)
    return cancel_meeting(conn, ctx, meeting, reason or "called off by the pair", now)
