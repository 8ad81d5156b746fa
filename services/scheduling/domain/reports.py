"""What the coordinator sees of a cohort, as rules on plain values: meetings held against those
due, and the kinds of attendance. ``usecases.reports`` loads and assembles the reports."""

from __future__ import annotations

from collections import Counter
from datetime import date

ATTENDANCE = ("present", "absent", "excused")


def meeting_counts(meetings: list[dict], today: date, pair_ended: bool) -> dict:
    """Meetings held against those due: a window that has begun is due; one that has closed
    without its meeting held is overdue. Meetings an early end cancelled are not due at all."""
    considered = [m for m in meetings if not (pair_ended and m["status"] == "cancelled")]
    status = Counter(m["status"] for m in considered)
    return {
        "planned": len(considered),
        "due": sum(1 for m in considered if m["window_start"] <= today),
        "held": status["held"],
        "missed": status["missed"],
        "scheduled": status["scheduled"],
        "overdue": sum(1 for m in considered if m["window_end"] < today and m["status"] != "held"),
    }
