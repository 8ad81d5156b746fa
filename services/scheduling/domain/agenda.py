"""The agenda: work that falls due at a moment — reminders before meetings and cohort events,
nudges when a due window closes, surveys, phase changes — kept as rows the worker claims.

Planning is idempotent: each piece of work has a key (``kind``, ``subject``, ``key``), and
planning it again only moves a pending row's time. A change that makes earlier work wrong (a
meeting moved) gives the new work a new key (the meeting's SEQUENCE is part of it) and cancels
what is still pending under the old one. Work once done is never done again. (The rows and
their queries are the store's: ``store.replace_work``, ``store.cancel_work``.)
"""

from __future__ import annotations

from datetime import datetime

from . import timing

KINDS = ("meeting_reminder", "event_reminder", "nudge", "survey", "phase")


def reminder_key(days: int, sequence: int) -> str:
    return f"{days}d@{sequence}"


def parse_reminder_key(key: str) -> tuple[int, int]:
    days, sequence = key.split("@")
    return int(days.rstrip("d")), int(sequence)


def reminders(subject, reminder_days: list[int], time_zone: str, now: datetime) -> dict[str, datetime]:
    """The reminders wanted before a scheduled meeting or cohort event (its current SEQUENCE in
    the key): key -> when; none for one without a time or not scheduled."""
    if subject["starts_at"] is None or subject["status"] != "scheduled":
        return {}
    return {reminder_key(days, subject["sequence"]): when
            for days, when in timing.reminder_times(subject["starts_at"], reminder_days, time_zone, now)}


def reminder_days(programme: dict) -> list[int]:
    days = programme.get("reminder_days")
    return [3, 1] if days is None else list(days)
