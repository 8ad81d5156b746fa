"""How well a mentor suits a mentee: the hard rules that allow a pair, and its weighted score.

Two paths compute the same numbers. ``score_pair`` here scores one pair in plain Python, for
explanations and tests. ``cohort_scoring.CohortScorer`` scores blocks of mentees against every
mentor with NumPy, for the solvers, composing one feature builder per criterion (``features``):
it never holds more than one block (``BLOCK_ROWS`` × mentors) of scores, so a cohort of 10,000 ×
5,500 is scored in a few hundred MB at most. Both add the criteria in the same order with the
same float operations, so they agree to the last bit.

Each criterion is normalised to [0, 1] and multiplied by its weight:
profession (ISCO-08 group shared, ``isco08.shared_level``: unit 1, minor 0.75, sub-major 0.5,
major 0.25), field of education, sector, location (same city or both remote), mother tongue
(spoken by the mentor), experience (mentor ahead by 5 years or more = 1, unknown = 0.5) and
interests (cosine of TF-IDF vectors fitted on the cohort's own texts, see ``interests``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from services.shared.reference import isco08

from .interests import InterestModel, fit_interests, interest_similarity, tokens
from .model import CRITERIA, DEFAULT_WEIGHTS, Mentee, Mentor

__all__ = [
    "RULES", "InterestModel", "criteria_values", "employer_key", "experience_value", "fit_interests",
    "interest_similarity", "language_keys", "missing_languages", "pair_rule", "resolve_weights",
    "score_pair", "text_key", "tokens",
]

#: Normalised score of the profession criterion by the depth of the shared ISCO-08 group.
PROFESSION_BY_LEVEL = (0.0, 0.25, 0.5, 0.75, 1.0)

#: A mentor this many years ahead of the mentee counts as fully more experienced.
EXPERIENCE_FULL_GAP = 5
EXPERIENCE_UNKNOWN = 0.5

#: Why a pair is not allowed, most fundamental first (the order explanations report them in).
#: "missing_required_language": the mentor lacks a language the programme requires of every mentor.
RULES = ("missing_required_language", "no_shared_language", "forbidden", "same_employer", "excluded_employer")


# --- normalisation --------------------------------------------------------------------------

def text_key(value: str | None) -> str | None:
    """Trimmed and case-folded, None when empty: "  Stockholm " and "stockholm" are one city."""
    if value is None:
        return None
    key = value.strip().casefold()
    return key or None


def employer_key(value: str | None) -> str | None:
    """Case- and whitespace-insensitive: "Volvo Cars", " volvo  cars" and "VolvoCars" are one
    employer. Dropping all whitespace errs on the side of treating two names as the same
    employer, which only ever removes a pair a mentee might not want."""
    if value is None:
        return None
    key = "".join(value.split()).casefold()
    return key or None


def language_keys(values: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (text_key(v) for v in values) if k)


# --- weights --------------------------------------------------------------------------------

def resolve_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The programme's weights completed with the defaults, in ``CRITERIA`` order.

    Weights must be finite and non-negative: the solver's exactness argument (and a coordinator's
    reading of a breakdown) assume every criterion can only add to a pair's score.
    """
    given = dict(weights or {})
    unknown = sorted(set(given) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown scoring criteria {unknown}; known: {', '.join(CRITERIA)}")
    resolved = {}
    for name in CRITERIA:
        value = float(given.get(name, DEFAULT_WEIGHTS[name]))
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {value!r}")
        resolved[name] = value
    return resolved


# --- single criteria (plain Python) -------------------------------------------------------------

def experience_value(mentee_years: int | None, mentor_years: int | None) -> float:
    """1 when the mentor is EXPERIENCE_FULL_GAP years ahead or more, 0 when not ahead, linear in
    between; 0.5 when either is unknown (no reason to prefer or avoid the pair)."""
    if mentee_years is None or mentor_years is None:
        return EXPERIENCE_UNKNOWN
    gap = float(mentor_years) - float(mentee_years)
    return min(max(gap / EXPERIENCE_FULL_GAP, 0.0), 1.0)


# --- hard rules and the score of one pair -------------------------------------------------------

def missing_languages(mentor: Mentor, required: Iterable[str]) -> list[str]:
    """The required languages (normalised, sorted) the mentor neither speaks nor mentors in."""
    speaks = language_keys(mentor.spoken_languages) | language_keys(mentor.mentoring_languages)
    return sorted(language_keys(required) - speaks)


def pair_rule(mentee: Mentee, mentor: Mentor, forbidden: Iterable[tuple[str, str]] = (),
              required_languages: Iterable[str] = ()) -> str | None:
    """The first hard rule (of ``RULES``) that forbids this pair, or None if it is allowed.
    Capacity is not a property of a pair and is left to the solver."""
    if missing_languages(mentor, required_languages):
        return "missing_required_language"
    if not (language_keys(mentee.mentoring_languages) & language_keys(mentor.mentoring_languages)):
        return "no_shared_language"
    if (mentee.id, mentor.id) in (forbidden if isinstance(forbidden, (set, frozenset)) else set(forbidden)):
        return "forbidden"
    employer = employer_key(mentor.employer)
    if employer is not None and employer == employer_key(mentee.employer):
        return "same_employer"
    if employer is not None and employer in {employer_key(e) for e in mentee.excluded_employers}:
        return "excluded_employer"
    return None


def criteria_values(mentee: Mentee, mentor: Mentor, interests: InterestModel | None = None) -> dict[str, float]:
    """Each criterion normalised to [0, 1], before weighting."""
    if interests is None:
        interests = fit_interests([mentee.interests, mentor.interests])
    city = text_key(mentee.city)
    return {
        "profession": PROFESSION_BY_LEVEL[isco08.shared_level(mentee.wished_profession, mentor.profession)],
        "education_field": float(
            text_key(mentee.education_field) is not None
            and text_key(mentee.education_field) == text_key(mentor.education_field)
        ),
        "sector": float(text_key(mentee.sector) is not None and text_key(mentee.sector) == text_key(mentor.sector)),
        "location": float((city is not None and city == text_key(mentor.city)) or (mentee.remote_ok and mentor.remote_ok)),
        "mother_tongue": float(bool(language_keys(mentee.mother_tongues) & language_keys(mentor.spoken_languages))),
        "experience": experience_value(mentee.experience_years, mentor.experience_years),
        "interests": interest_similarity(interests.vector(mentee.interests), interests.vector(mentor.interests)),
    }


def score_pair(
    mentee: Mentee,
    mentor: Mentor,
    weights: Mapping[str, float] | None = None,
    interests: InterestModel | None = None,
) -> tuple[float, dict[str, float]]:
    """(score, breakdown) of one pair, whether or not the hard rules allow it.

    ``breakdown`` maps each criterion to its weighted contribution; ``score`` is their sum.
    ``interests`` is the cohort's fitted TF-IDF (``fit_interests``); without it the two texts
    alone are the corpus, which gives a different (but still 0..1) interest similarity.
    """
    resolved = resolve_weights(weights)
    values = criteria_values(mentee, mentor, interests)
    breakdown = {name: resolved[name] * values[name] for name in CRITERIA}
    score = 0.0
    for name in CRITERIA:
        score += breakdown[name]
    return score, breakdown
