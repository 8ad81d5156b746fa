"""Intake's rules, in plain Python: who may apply to which cohort, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PROGRAMME_STATUSES = ("open", "paused", "closed")
COHORT_STATUSES = ("draft", "open", "closed", "running", "finished")


@dataclass(frozen=True)
class Refusal:
    reason: str


def application_refusal(programme_status: str, cohort_status: str, deadline: datetime | None, now: datetime) -> Refusal | None:
    """Why an application to this cohort cannot be taken now, or None if it can."""
    if programme_status != "open":
        return Refusal(f"The programme is {programme_status} and takes no applications.")
    if cohort_status != "open":
        return Refusal(f"The cohort is {cohort_status} and takes no applications.")
    if deadline is not None and now > deadline:
        return Refusal("The application deadline has passed.")
    return None
