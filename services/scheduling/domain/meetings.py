"""A pair's meetings as rules on plain values: what a refusal says, a date, time and place read
as the pair gives them, and that an ended pair's meetings do not change. ``usecases.meetings``
proposes, accepts, schedules, logs and calls off meetings with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.shared.errors import CONFLICT, INVALID, Refused

from . import timing
from .messages import PairContext
from .pairs import OPEN


class MeetingRefused(Refused):
    """A step the meeting's state or the cohort's calendar does not allow: a conflict with the
    state, or ``invalid`` when the fields it names do not fit."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, kind: str = CONFLICT):
        super().__init__(message, errors or {}, kind)  # answered with its fields, if only {}


@dataclass(frozen=True)
class When:
    starts_at: datetime  # UTC
    ends_at: datetime
    place: str
    mode: str  # in_person, online


def when_from(ctx: PairContext, body: dict, now: datetime, minutes: int) -> When:
    """Read a date, time and place as the pair gives them (local time in the cohort's zone is fine)."""
    errors: dict[str, list[str]] = {}
    try:
        starts_at = timing.to_utc(body["starts_at"], ctx.time_zone)
    except timing.NoSuchLocalTime as exc:
        raise MeetingRefused(str(exc), {"starts_at": [str(exc)]}, INVALID) from None
    day = timing.today(starts_at, ctx.time_zone)
    if starts_at <= now:
        errors["starts_at"] = ["the time has passed: log a past meeting as held instead"]
    elif not ctx.cohort["starts_on"] <= day <= ctx.cohort["ends_on"]:
        errors["starts_at"] = [f"outside the cohort's period {ctx.cohort['starts_on']}–{ctx.cohort['ends_on']}"]
    mode = body.get("mode") or "in_person"
    place = (body.get("place") or "").strip()
    if mode == "in_person" and not place:
        errors["place"] = ["say where you meet (or choose online)"]
    if errors:
        raise MeetingRefused("The meeting's time or place does not fit.", errors, INVALID)
    return When(starts_at, starts_at + timedelta(minutes=minutes), place, mode)


def require_active(ctx: PairContext) -> None:
    if ctx.pair["status"] != "active":
        raise MeetingRefused("The pair has ended; its meetings do not change.")


# --- each step: its checks, and what it writes to the meeting ------------------------------------

REOPENABLE = (*OPEN, "cancelled")  # a called-off meeting may be set again


def proposed(ctx: PairContext, meeting, role: str, when: When, now: datetime) -> dict:
    """One of the pair proposes a time and place: the proposal, and the status it leaves."""
    require_active(ctx)
    if meeting["status"] not in REOPENABLE:
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']}.")
    proposal = {"starts_at": when.starts_at.isoformat(), "ends_at": when.ends_at.isoformat(), "place": when.place,
                "mode": when.mode, "by": role, "at": now.isoformat()}
    # a scheduled (or called-off) meeting keeps its calendar entry until the proposal is accepted
    status = "proposed" if meeting["status"] == "planned" else meeting["status"]
    return {"proposal": proposal, "status": status, "updated_at": now}


def accepted(meeting, role: str, now: datetime) -> When:
    """The other one of the pair accepts the proposal: the time and place it sets."""
    proposal = meeting["proposal"]
    if not proposal:
        raise MeetingRefused("There is no proposal to accept.")
    if proposal["by"] == role:
        raise MeetingRefused("The other one of the pair accepts a proposal.", {"role": [f"the {role} proposed it"]})
    when = When(datetime.fromisoformat(proposal["starts_at"]), datetime.fromisoformat(proposal["ends_at"]),
                proposal["place"], proposal["mode"])
    if when.starts_at <= now:
        raise MeetingRefused("The proposed time has passed; propose another.", {"starts_at": ["in the past"]})
    return when


def withdrawn(meeting) -> dict:
    if not meeting["proposal"]:
        raise MeetingRefused("There is no proposal.")
    return {"proposal": None, "status": "planned" if meeting["status"] == "proposed" else meeting["status"]}


def scheduled(ctx: PairContext, meeting, when: When, now: datetime) -> dict | None:
    """Set (or move) the meeting: what changes, or None when it is already so."""
    require_active(ctx)
    if meeting["status"] not in REOPENABLE:
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']} and is not moved.")
    if meeting["status"] == "scheduled" and (meeting["starts_at"], meeting["ends_at"], meeting["place"], meeting["mode"]) \
            == (when.starts_at, when.ends_at, when.place, when.mode):
        return None
    return {"status": "scheduled", "starts_at": when.starts_at, "ends_at": when.ends_at, "place": when.place,
            "mode": when.mode, "proposal": None, "cancel_reason": None, "updated_at": now,
            "sequence": meeting["sequence"] + (1 if meeting["starts_at"] is not None else 0)}


def held(ctx: PairContext, meeting, notes: dict, held_at: datetime | None, by: str, now: datetime,
         minutes: int | None) -> dict:
    """The pair met: the checklist as they filled it in, and when (``minutes`` long if the meeting
    had no time of its own)."""
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
            else timedelta(minutes=minutes)
        values.update(starts_at=held_at, ends_at=held_at + length,
                      sequence=meeting["sequence"] + (1 if meeting["starts_at"] is not None else 0))
    return values


def missed(ctx: PairContext, meeting, reason: str, by: str, now: datetime) -> dict:
    if meeting["status"] not in OPEN:
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']} already.")
    if meeting["starts_at"] is not None and meeting["status"] == "scheduled" and meeting["starts_at"] > now:
        raise MeetingRefused("The meeting is still to come: move or cancel it instead.", {"status": ["still to come"]})
    if timing.today(now, ctx.time_zone) < meeting["window_start"]:
        raise MeetingRefused("The meeting's window has not begun.", {"status": ["window not begun"]})
    return {"status": "missed", "notes": {"reason": reason} if reason else None, "logged_by": by, "logged_at": now,
            "proposal": None, "updated_at": now}


def may_call_off(ctx: PairContext, meeting) -> None:
    require_active(ctx)
    if meeting["status"] not in ("proposed", "scheduled"):
        raise MeetingRefused(f"Meeting {meeting['number']} is {meeting['status']}: nothing to call off.")
