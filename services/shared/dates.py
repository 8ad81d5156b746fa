"""Dates as text: the one way Tandem writes a date, time or datetime into JSON (ISO 8601)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

# what has an ISO 8601 form (a datetime is a date)
DATES = (date, time)


def iso(value: Any) -> Any:
    """``value`` with every date, time and datetime in it as ISO 8601 text, inside dicts and lists
    at any depth (for a JSON column or document); anything else as it is."""
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    if isinstance(value, DATES):
        return value.isoformat()
    return value
