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
