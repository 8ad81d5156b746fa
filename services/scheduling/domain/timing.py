"""When things happen, in the cohort's own time zone: local wall-clock times and the UTC moments
they are stored as, and when reminders, nudges, surveys and phase changes fall due.

Reminders keep the wall-clock time across a daylight-saving change: a meeting at 17:00 on
Thursday is reminded of at 17:00 on Monday, whether or not the clocks moved over the weekend.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# nudges and surveys go out in the morning, local time, not at midnight
MORNING = time(9, 0)


class NoSuchLocalTime(ValueError):
    """A wall-clock time the clocks skip (the hour lost when summer time begins)."""


def to_utc(moment: datetime, time_zone: str) -> datetime:
    """An aware moment as it is; a naive one as wall-clock time in ``time_zone``."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    zone = ZoneInfo(time_zone)
    local = moment.replace(tzinfo=zone)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != moment:
        raise NoSuchLocalTime(f"{moment:%Y-%m-%d %H:%M} does not exist in {time_zone}: the clocks go forward then")
    return as_utc


def local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(time_zone))


def at(day: date, when: time, time_zone: str) -> datetime:
    """The UTC moment of ``when`` o'clock on ``day`` in ``time_zone``."""
    return datetime.combine(day, when, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def today(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()


def days_before(moment: datetime, days: int, time_zone: str) -> datetime:
    """The same wall-clock time ``days`` days earlier (aware arithmetic in one zone keeps the
    wall clock; the offset is worked out again for the new day)."""
    earlier = moment.astimezone(ZoneInfo(time_zone)) - timedelta(days=days)
    return earlier.astimezone(UTC)


def reminder_times(starts_at: datetime, reminder_days: list[int], time_zone: str, now: datetime) -> list[tuple[int, datetime]]:
    """(days before, when) for each reminder still ahead of us: a meeting set two days ahead
    gets its one-day reminder, not a three-day one after the fact."""
    due = []
    for days in sorted({d for d in reminder_days if d > 0}, reverse=True):
        when = days_before(starts_at, days, time_zone)
        if when > now:
            due.append((days, when))
    return due


def overtaken(starts_at: datetime, days: int, reminder_days: list[int], time_zone: str, now: datetime) -> bool:
    """A reminder the worker reaches late, when a nearer one is due too (the worker was down over
    the weekend): only the nearer one goes, not "in three days" the day before."""
    return any(0 < other < days and days_before(starts_at, other, time_zone) <= now for other in reminder_days)


def nudge_time(window_end: date, time_zone: str) -> datetime:
    """The morning after a due window closes."""
    return at(window_end + timedelta(days=1), MORNING, time_zone)


def midpoint(starts_on: date, ends_on: date) -> date:
    return starts_on + timedelta(days=(ends_on - starts_on).days // 2)


def survey_times(starts_on: date, ends_on: date, time_zone: str) -> dict[str, datetime]:
    """The mid-point survey halfway through the cohort, the closing survey on its last day."""
    return {"midpoint": at(midpoint(starts_on, ends_on), MORNING, time_zone),
            "closing": at(ends_on, MORNING, time_zone)}


def phase_times(closing_from: date, ends_on: date, time_zone: str) -> dict[str, datetime]:
    """Closing begins at the start of the last due window, finished the day after the end."""
    return {"closing": at(closing_from, time(0, 0), time_zone),
            "finished": at(ends_on + timedelta(days=1), time(0, 0), time_zone)}
