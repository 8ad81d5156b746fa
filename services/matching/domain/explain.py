"""Why a mentee was left unmatched, and what a coordinator's "why not this mentor?" would cost.

Reasons come from the hard rules and the capacities only, never from scores: a mentee is unmatched
because no mentor shares a mentoring language, because every mentor who does is excluded (or lacks
a language the programme requires of every mentor, which the reason names), or because every
mentor who could take them is full. In the optimal mode the number of pairs is
maximal, so one of these three always holds (a mentee with an allowed mentor who had a free seat
would have been matched); so it does in the stable mode (it would be a blocking pair) and for the
greedy baselines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from babel import Locale

from services.shared.reference import isco08

from .model import Problem, Solution
from .scoring import employer_key, missing_languages, pair_rule
from .solver import RULE_TEXTS, pair_points, prepare, propose_pairs, with_pin

NO_SHARED_LANGUAGE = "no_shared_language"
EXCLUDED = "excluded"
#: Every mentor who shares a language with the mentee lacks a language the programme requires.
MENTORS_LACK_REQUIRED_LANGUAGE = "mentors_lack_required_language"
ALL_AT_CAPACITY = "all_at_capacity"
#: Only for a solution made elsewhere (not by this package's solvers): a mentor who could take
#: the mentee still has a seat.
SEAT_LEFT = "seat_left"


@dataclass(frozen=True)
class Reason:
    """Why a mentee is unmatched: a stable ``code``, an English ``text`` and the figures behind it."""

    code: str
    text: str
    details: dict = field(default_factory=dict)


def _mentors(count: int) -> str:
    return f"{count} mentor" if count == 1 else f"{count} mentors"


def language_names(codes) -> str:
    """"Swedish (sv) and English (en)": the codes a reason names, readable by a coordinator."""
    english = Locale("en").languages
    named = [f"{english[c]} ({c})" if c in english else c for c in codes]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _group_phrase(wish: str | None, professions: list[str | None]) -> tuple[str, dict]:
    """", 3 of them in 26 (legal, social and cultural professionals)" for the deepest of the
    wished profession's sub-major and major groups that some of these mentors are in, named by
    the group's English ISCO-08 title."""
    code = isco08.as_code(wish)
    if code is None:
        return "", {}
    for digits in (2, 1):
        if len(code) < digits:
            continue
        group = code[:digits]
        inside = sum(1 for p in professions if (c := isco08.as_code(p)) is not None and c[:digits] == group)
        if inside:
            known = isco08.occupation(group)
            label = known.label("en") if known else None
            named = f"{group} ({label[0].lower() + label[1:]})" if label else group
            return f", {inside} of them in {named}", {"group": group, "group_label": label, "in_group": inside}
    return "", {}


def unmatched_reasons(problem: Problem, solution: Solution) -> dict[str, Reason]:
    """A ``Reason`` for every unmatched mentee of ``solution``, by mentee id."""
    cohort = prepare(problem)
    mentee_index = {e.id: i for i, e in enumerate(cohort.mentees)}
    mentor_index = {r.id: j for j, r in enumerate(cohort.mentors)}
    held = np.zeros(len(cohort.mentors), dtype=np.int64)
    for pair in solution.pairs:
        held[mentor_index[pair.mentor_id]] += 1
    capacity = np.array([r.capacity for r in cohort.mentors], dtype=np.int64)
    full = held >= capacity
    rows = np.array(sorted(mentee_index[m] for m in solution.unmatched), dtype=np.int64)
    reasons: dict[str, Reason] = {}
    for block in cohort.scorer.blocks(rows):
        shares = cohort.scorer.shares_language(block).copy()
        allowed = cohort.scorer.allowed(block)
        for local, i in enumerate(block.tolist()):
            mentee = cohort.mentees[i]
            reasons[mentee.id] = _reason(cohort, mentee, shares[local], allowed[local], full, held)
    return reasons


def _reason(cohort, mentee, shares: np.ndarray, allowed: np.ndarray, full: np.ndarray, held: np.ndarray) -> Reason:
    languages = sorted(mentee.mentoring_languages)
    if not shares.any():
        listed = ", ".join(languages) if languages else "none given"
        return Reason(NO_SHARED_LANGUAGE, f"no mentor shares a mentoring language ({listed})",
                      {"languages": languages})
    if not allowed.any():
        rules = cohort.problem.rules
        counts = {"same_employer": 0, "excluded_employer": 0, "forbidden": 0, "missing_required_language": 0}
        lacking: set[str] = set()
        for j in np.flatnonzero(shares).tolist():
            rule = pair_rule(mentee, cohort.mentors[j], rules.forbidden, rules.required_mentor_languages)
            if rule in counts:
                counts[rule] += 1
            if rule == "missing_required_language":
                lacking.update(missing_languages(cohort.mentors[j], rules.required_mentor_languages))
        if counts["missing_required_language"] == int(shares.sum()):
            return Reason(
                MENTORS_LACK_REQUIRED_LANGUAGE,
                f"every mentor who shares a language with them lacks {language_names(sorted(lacking))}, "
                "which the programme requires of every mentor",
                {"mentors": int(shares.sum()), "missing_languages": sorted(lacking)},
            )
        return Reason(
            EXCLUDED,
            "every mentor who shares a language is excluded: same employer, an excluded employer, "
            "forbidden by the coordinator"
            + (f", or lacking {language_names(sorted(lacking))} (required of every mentor)" if lacking else ""),
            {"mentors": int(shares.sum()), **counts, "missing_languages": sorted(lacking),
             "employer": employer_key(mentee.employer) is not None},
        )
    candidates = np.flatnonzero(allowed)
    free = candidates[~full[candidates]]
    if len(free):
        return Reason(SEAT_LEFT, f"{_mentors(len(free))} who could take them still "
                                 f"{'has' if len(free) == 1 else 'have'} a free seat",
                      {"mentors": int(len(free)), "mentor_ids": [cohort.mentors[j].id for j in free[:10]]})
    phrase, group = _group_phrase(mentee.wished_profession, [cohort.mentors[j].profession for j in candidates])
    return Reason(
        ALL_AT_CAPACITY,
        f"every mentor who could take them is at capacity ({_mentors(len(candidates))}{phrase})",
        {"mentors": int(len(candidates)), "seats_taken": int(held[candidates].sum()), **group},
    )


def why_not(problem: Problem, solution: Solution, mentee_id: str, mentor_id: str) -> dict:
    """What pairing this mentee with this mentor would cost, or which hard rule forbids it.

    For an allowed pair the run is done again with the pair pinned (same mode), and the answer
    compares it with ``solution``: ``score_loss`` (total score given up) and ``matched_loss``
    (mentees who would lose their pair), plus the mentees whose mentor would change.
    """
    mentee = next((e for e in problem.mentees if e.id == mentee_id), None)
    mentor = next((r for r in problem.mentors if r.id == mentor_id), None)
    if mentee is None or mentor is None:
        raise ValueError(f"no {'mentee ' + mentee_id if mentee is None else 'mentor ' + mentor_id} in this cohort")
    cohort = prepare(problem)
    i = next(k for k, e in enumerate(cohort.mentees) if e.id == mentee_id)
    j = next(k for k, r in enumerate(cohort.mentors) if r.id == mentor_id)
    points, breakdown = _pair_score(cohort, i, j)
    answer = {"mentee_id": mentee_id, "mentor_id": mentor_id, "score": points,
              "breakdown": {name: float(values[0]) for name, values in breakdown.items()}}
    rule = pair_rule(mentee, mentor, problem.rules.forbidden, problem.rules.required_mentor_languages)
    if rule == "missing_required_language":
        missing = missing_languages(mentor, problem.rules.required_mentor_languages)
        return {**answer, "allowed": False, "rule": rule, "missing_languages": missing,
                "text": f"not allowed: the mentor does not speak {language_names(missing)}, "
                        "which the programme requires of every mentor"}
    if rule is not None:
        return {**answer, "allowed": False, "rule": rule, "text": f"not allowed: {RULE_TEXTS[rule]}"}
    current = {p.mentee_id: p.mentor_id for p in solution.pairs}
    if current.get(mentee_id) == mentor_id:
        return {**answer, "allowed": True, "proposed": True, "score_loss": 0.0, "matched_loss": 0,
                "text": "this pair is already proposed"}
    pinned = dict(problem.rules.pinned)
    if mentee_id in pinned:
        return {**answer, "allowed": True, "proposed": False, "pinned_to": pinned[mentee_id],
                "text": f"the coordinator pinned {mentee_id} to {pinned[mentee_id]}"}
    pins_on_mentor = sum(1 for _, r in problem.rules.pinned if r == mentor_id)
    if pins_on_mentor >= mentor.capacity:
        return {**answer, "allowed": True, "proposed": False, "seats_pinned": pins_on_mentor,
                "text": f"every seat of {mentor_id} is taken by a coordinator's pin"}
    alternative = propose_pairs(with_pin(problem, mentee_id, mentor_id))
    score_loss = round(solution.objective - alternative.objective, 6)
    matched_loss = solution.matched - alternative.matched
    after = {p.mentee_id: p.mentor_id for p in alternative.pairs}
    moved = sorted(
        ((e, current.get(e), after.get(e)) for e in set(current) | set(after)
         if current.get(e) != after.get(e) and e != mentee_id),
        key=lambda change: change[0],
    )
    text = f"pairing {mentee_id} with {mentor_id} would lower the total score by {score_loss:.2f} points"
    if matched_loss > 0:
        text += f" and leave {matched_loss} more {'mentee' if matched_loss == 1 else 'mentees'} unmatched"
    return {
        **answer, "allowed": True, "proposed": False,
        "score_loss": score_loss, "matched_loss": matched_loss,
        "objective": solution.objective, "objective_with_pair": alternative.objective,
        "changed": [{"mentee_id": e, "from": a, "to": b} for e, a, b in moved],
        "text": text,
    }


def _pair_score(cohort, i: int, j: int) -> tuple[float, dict]:
    points, breakdown = pair_points(cohort, np.array([i]), np.array([j]))
    return int(points[0]) / cohort.scale, breakdown
