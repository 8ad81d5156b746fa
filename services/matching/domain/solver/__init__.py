"""Proposing pairs for a cohort: the exact optimum and the stable matching.

``solve`` returns the assignment that matches the most mentees and, among those, has the highest
total score, within every hard rule and capacity — proven optimal on the whole cohort, although
only a shortlist of pairs is ever handed to a solver. The design, step by step:

1. Integers and one weight. Scores are integer points (1e-6 of a score point unless the cohort
   is huge, see ``resolution``). For the proof a pair weighs ``B + points`` with
   ``B = K * S + 1`` (K = most pairs possible, S = best possible pair score): one pair more
   always outweighs any gain in score, since an augmenting path that adds a pair removes at most
   K - 1 others, each worth at most S. The proof is integer arithmetic in int64, with room.
2. One scan. Every open mentee is scored against every mentor in blocks of
   ``cohort_scoring.BLOCK_ROWS`` rows, on two threads. Kept: an upper bound of every allowed pair's
   points in 2 bytes (0 = not allowed), written straight from the float scores: 110 MB for
   10,000 × 5,500, instead of the 440 MB the exact scores would take, or the time to rescore;
   and each mentee's ``CANDIDATES`` highest bounds, scored exactly (the shortlist).
3. Solve the shortlist. A greedy matching seeds it (so that the first round can already match
   as many as the optimum), then a maximum-weight full matching (SciPy's
   ``min_weight_full_bipartite_matching``) of mentees against mentor seats, with ``B + points``
   per pair and a "stays unmatched" column for each mentee some maximum matching leaves out
   (usually none), gives the most pairs and, among those, the best total on the shortlist.
   NumPy and SciPy only: no solver library at run time.
4. Prove it on the whole cohort. Duals (u per mentee, v per mentor) come from the matching by a
   vectorised Bellman-Ford: the smallest mentor duals of all optimal ones, the easiest to pass.
   On the shortlist: u, v >= 0, ``B + points <= u_i + v_j`` on every pair and
   ``sum(u) + sum(capacity * v)`` equal to the matching's weight, in exact int64. Off the
   shortlist: the bound matrix flags every pair that might break ``B + points <= u_i + v_j``
   and exact scoring decides. By weak duality, no b-matching of the full allowed graph weighs
   more: the matching is lexicographically optimal.
5. Column generation. Pairs that break the inequality (the worst ``ADDED_PER_ROUND`` per
   mentee) join the shortlist, and 3-4 repeat until none does. In the first two rounds pairs
   within ``NEAR_MISS_POINTS`` of breaking it join as well, since each round is a whole re-solve:
   three whole solves for the benchmark's 10,000 mentees instead of five. Only a check without
   that slack ends the loop, so the proof is the same. A round that adds only a few pairs (at
   most ``LOCAL_SHARE`` of the mentees) first re-solves just the parts they reach of the pairs
   an optimum can still use (by weak duality, those with less slack than the new pairs' excess);
   the exact duals of step 4 accept that matching or a whole re-solve follows.

"Exact" is about the points the solver sees: scores rounded to 1e-6 (``Pair.score`` is that
rounded value, so totals add up). The benchmark confirms the optimum with OR-Tools on the full
graph of allowed pairs (OR-Tools is a development dependency only, for that check), the tests
with networkx and brute force.

Pins are placed first and use up capacity; the optimum is over everyone else. Mentees and mentors
are put in a canonical order (arrival, then id) before anything else, so the result does not
depend on the order of the input, on hash seeds or on the process.

``solve_stable`` runs mentee-proposing deferred acceptance with capacities, both sides ranking by
score (ties: earlier arrival, then id). ``blocking_pairs`` counts, over every allowed pair,
the pairs that would rather be together than with what a solution gave them. The greedy
baselines a coordinator would otherwise use live with the benchmark (``bench/baselines.py``).

The modules follow the steps: ``cohort`` (canonical order, pins, the Solution built at the end),
``shortlist`` (step 2 and the greedy seed), ``exact`` (steps 3 and 5: ``solve``), ``certificate``
(step 4) and ``stable`` (``solve_stable`` and ``blocking_pairs``).
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Problem, Rules, Solution
from .certificate import CertificateError
from .cohort import RULE_TEXTS, PreparedCohort, pair_points, prepare, resolution
from .exact import solve
from .stable import blocking_pairs, solve_stable

__all__ = [
    "RULE_TEXTS", "CertificateError", "PreparedCohort", "blocking_pairs", "pair_points", "prepare",
    "propose_pairs", "resolution", "solve", "solve_stable", "with_pin",
]


def propose_pairs(problem: Problem) -> Solution:
    """The run a coordinator asked for: ``solve`` in "optimal" mode, ``solve_stable`` in "stable"."""
    return solve_stable(problem) if problem.mode == "stable" else solve(problem)


def with_pin(problem: Problem, mentee_id: str, mentor_id: str) -> Problem:
    """The same problem with one more pin."""
    rules = Rules(problem.rules.forbidden, problem.rules.pinned | {(mentee_id, mentor_id)})
    return replace(problem, rules=rules)
