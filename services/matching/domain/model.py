"""The values a matching run works on: who applied, the coordinator's rules, and the proposed pairs.

Plain frozen dataclasses, no behaviour beyond light validation, so the scorer, the solvers and the
explanations (and their tests and benchmark) share one vocabulary with the service around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.shared.reference.matching import CRITERIA, DEFAULT_WEIGHTS  # noqa: F401  (one source, with intake)

#: A programme's weight per criterion; a criterion left out takes its default weight.
Weights = dict[str, float]

MODES: tuple[str, ...] = ("optimal", "stable")


@dataclass(frozen=True)
class Mentee:
    """An admitted mentee of one cohort, as matching sees the application.

    ``arrival`` orders applications (earlier first) for the baselines and for tie-breaks;
    ``wished_profession`` is an ISCO-08 code of 1 to 4 digits.
    """

    id: str
    arrival: int
    mentoring_languages: frozenset[str]
    mother_tongues: frozenset[str]
    wished_profession: str | None
    education_field: str | None
    sector: str | None
    city: str | None
    remote_ok: bool
    experience_years: int | None
    employer: str | None
    excluded_employers: frozenset[str]
    interests: str


@dataclass(frozen=True)
class Mentor:
    """An admitted mentor of one cohort; ``capacity`` is how many mentees they take (1 to 3)."""

    id: str
    arrival: int
    mentoring_languages: frozenset[str]
    spoken_languages: frozenset[str]
    profession: str | None
    education_field: str | None
    sector: str | None
    city: str | None
    remote_ok: bool
    experience_years: int | None
    employer: str | None
    capacity: int
    interests: str


@dataclass(frozen=True)
class Rules:
    """The coordinator's decisions, as (mentee_id, mentor_id) pairs: never propose / always propose;
    and the programme's: languages (ISO 639 codes) every mentor must speak, or be proposed to nobody."""

    forbidden: frozenset[tuple[str, str]] = frozenset()
    pinned: frozenset[tuple[str, str]] = frozenset()
    required_mentor_languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    """One matching run: a cohort's mentees and mentors (the caller guarantees same tenant and
    cohort), the coordinator's rules, the programme's weights and the mode ("optimal" or "stable")."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    rules: Rules = field(default_factory=Rules)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    mode: str = "optimal"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown matching mode {self.mode!r}; expected one of {', '.join(MODES)}")


@dataclass(frozen=True)
class Pair:
    """A proposed pair; ``breakdown`` maps each criterion to its weighted contribution (they sum to
    ``score`` up to the solver's score resolution, see ``Solution.stats["resolution"]``)."""

    mentee_id: str
    mentor_id: str
    score: float
    breakdown: dict[str, float]


@dataclass(frozen=True)
class Solution:
    """The outcome of a run. ``objective`` is the sum of the pairs' scores; ``timings`` are seconds
    per phase ("scoring", "solving", ...); ``stats`` holds what a coordinator or a benchmark may
    want to see (method, candidate edges, certificate, ...)."""

    pairs: tuple[Pair, ...]
    unmatched: tuple[str, ...]
    objective: float
    matched: int
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
