"""The phases of a mentorship (the Finnish career-mentoring model): start, working, closing,
finished.

A pair is in its start phase until it has signed its agreement and held its first meeting; then
it works; the last due window is its closing phase (time moves a pair there even if it never got
going); after the cohort's end, or when the pair ends early, it is finished. A pair only ever
moves forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PHASES = ("start", "working", "closing", "finished")


@dataclass(frozen=True)
class PhaseFacts:
    ended: bool  # the pair ended early
    agreement_signed: bool  # some version signed by both
    meetings_held: int
    closing_from: date  # the first day of the last due window
    ends_on: date  # the cohort's last day


def phase_of(facts: PhaseFacts, today: date) -> str:
    if facts.ended or today > facts.ends_on:
        return "finished"
    if today >= facts.closing_from:
        return "closing"
    if facts.agreement_signed and facts.meetings_held > 0:
        return "working"
    return "start"


def moves_forward(current: str | None, new: str) -> bool:
    return current is None or PHASES.index(new) > PHASES.index(current)
