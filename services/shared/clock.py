"""The platform's clock: every rule that depends on "now" asks here, so tests can set the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_fixed: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """The current time, aware, in UTC."""
    if _fixed is not None:
        return _fixed
    return datetime.now(UTC) + _offset


def set(moment: datetime | None) -> None:  # noqa: A001 — clock.set reads well
    """Stop the clock at ``moment`` (aware), or let it run again with None."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _fixed = moment.astimezone(UTC) if moment else None


def advance(delta: timedelta) -> None:
    """Move the clock on by ``delta`` (from the fixed moment if stopped, else from real time)."""
    global _fixed, _offset
    if _fixed is not None:
        _fixed = _fixed + delta
    else:
        _offset += delta
