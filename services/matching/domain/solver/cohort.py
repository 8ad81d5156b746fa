"""The cohort every solver starts from: validated, in canonical order, with its scorer and free
seats; and the Solution built from an assignment. Also the small NumPy helpers the solvers share
(running blocks on threads, the k best per row)."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ..cohort_scoring import CohortScorer
from ..model import CRITERIA, Mentee, Mentor, Pair, Problem, Solution
from ..scoring import pair_rule

#: Scoring and checking are NumPy on large blocks, which releases the GIL: threads pay off.
THREADS = max(1, min(4, os.cpu_count() or 1))
#: Every number of the proof (weights, duals, their sums) must stay below this, to be exact in int64.
EXACT_LIMIT = 2**62

RULE_TEXTS = {
    "missing_required_language": "the mentor lacks a language the programme requires of every mentor",
    "no_shared_language": "they share no mentoring language",
    "forbidden": "the coordinator forbade this pair",
    "same_employer": "the mentor works at the mentee's employer",
    "excluded_employer": "the mentee excluded the mentor's employer",
}

_T = TypeVar("_T")
_R = TypeVar("_R")


def _canonical(people):
    """Earlier arrival first, then id: the order every tie-break in this package follows."""
    return tuple(sorted(people, key=lambda p: (p.arrival, p.id)))


def in_threads(fn: Callable[[_T, object], _R], items: Sequence[_T], state: Callable[[], object] | None = None) -> list[_R]:
    """``fn(item, state)`` over ``items``, results in order, on up to ``THREADS`` threads; each
    thread gets its own ``state()`` (scratch buffers) and takes every THREADS-th item."""
    threads = min(THREADS, len(items))
    if threads <= 1:
        own = state() if state else None
        return [fn(item, own) for item in items]
    indexed = list(enumerate(items))

    def run(group):
        own = state() if state else None
        return [(index, fn(item, own)) for index, item in group]

    with ThreadPoolExecutor(threads) as pool:
        done = [pair for part in pool.map(run, [indexed[g::threads] for g in range(threads)]) for pair in part]
    return [result for _, result in sorted(done, key=lambda pair: pair[0])]


def concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def best_points(max_score: float, scale: int) -> int:
    """An upper bound of any pair's integer points (one more than the exact bound: a cosine may
    come out a few ulps above 1)."""
    return math.ceil(max_score * scale) + 1


def resolution(pairs: int, max_score: float) -> int:
    """Points per score point: 10**d with d <= 6, as fine as keeps the proof's numbers within
    int64 for this many pairs (10**6 up to hundreds of thousands of pairs)."""
    pairs = max(1, pairs)
    for digits in range(6, -1, -1):
        s_max = best_points(max_score, 10**digits)
        big = pairs * s_max + 1
        # Also keep a bound step (s_max / 65532) far below 2**20, so that the float division in
        # the scan can never round a bound below the points it covers.
        if (pairs + 1) * (big + s_max) < EXACT_LIMIT and s_max < 2**36:
            return 10**digits
    raise ValueError(f"a cohort of {pairs} pairs is too large to prove optimal in int64")


@dataclass
class PreparedCohort:
    """A problem in canonical order, with its scorer, validated pins and free capacities."""

    problem: Problem
    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    scorer: CohortScorer
    pins: dict[int, int]                 # mentee index -> mentor index
    free_capacity: np.ndarray            # seats left after pins, int64
    open_rows: np.ndarray                # mentees not pinned, canonical order
    over_capacity_pins: tuple[str, ...]  # mentors pinned more mentees than their capacity
    seconds: float = 0.0

    @property
    def scale(self) -> int:
        return self.scorer.scale

    def blocks(self, rows: np.ndarray | None = None) -> list[np.ndarray]:
        return list(self.scorer.blocks(self.open_rows if rows is None else rows))

    def scores(self, rows: np.ndarray, buffers=None) -> np.ndarray:
        """Integer points of ``rows`` against every mentor, -1 where not allowed or no seat left."""
        block = self.scorer.scores(rows, buffers)
        block[:, self.free_capacity <= 0] = -1
        return block


def prepare(problem: Problem) -> PreparedCohort:
    """Validate the problem and put it in canonical order; raise ValueError on a bad pin."""
    started = time.perf_counter()
    mentees, mentors = _canonical(problem.mentees), _canonical(problem.mentors)
    for kind, people in (("mentee", mentees), ("mentor", mentors)):
        ids = [p.id for p in people]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {kind} ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    for r in mentors:
        if not isinstance(r.capacity, int) or r.capacity < 0:
            raise ValueError(f"mentor {r.id} has an invalid capacity {r.capacity!r}")
    mentee_index = {e.id: i for i, e in enumerate(mentees)}
    mentor_index = {r.id: j for j, r in enumerate(mentors)}

    pins: dict[int, int] = {}
    for mentee_id, mentor_id in sorted(problem.rules.pinned):
        if mentee_id not in mentee_index:
            raise ValueError(f"pin ({mentee_id}, {mentor_id}): no mentee {mentee_id} in this cohort")
        if mentor_id not in mentor_index:
            raise ValueError(f"pin ({mentee_id}, {mentor_id}): no mentor {mentor_id} in this cohort")
        i, j = mentee_index[mentee_id], mentor_index[mentor_id]
        if i in pins:
            raise ValueError(
                f"mentee {mentee_id} is pinned to two mentors ({mentors[pins[i]].id} and {mentor_id})")
        rule = pair_rule(mentees[i], mentors[j], problem.rules.forbidden, problem.rules.required_mentor_languages)
        if rule is not None:
            raise ValueError(f"pin ({mentee_id}, {mentor_id}) breaks a hard rule: {RULE_TEXTS[rule]}")
        pins[i] = j
    capacity = np.array([r.capacity for r in mentors], dtype=np.int64)
    pinned_per_mentor = np.bincount(np.array(list(pins.values()), dtype=np.int64), minlength=len(mentors))
    # A coordinator's pin is honoured even beyond capacity; that mentor simply gets nobody else.
    over = tuple(mentors[j].id for j in np.flatnonzero(pinned_per_mentor > capacity))
    free = np.maximum(capacity - pinned_per_mentor, 0)
    open_rows = np.array([i for i in range(len(mentees)) if i not in pins], dtype=np.int64)

    probe = CohortScorer((), (), problem.weights)  # validates the weights, gives the best score
    scale = resolution(min(len(open_rows), int(free.sum())), probe.max_score)
    scorer = CohortScorer(mentees, mentors, problem.weights, problem.rules.forbidden, scale=scale,
                          required_languages=problem.rules.required_mentor_languages)
    return PreparedCohort(problem, mentees, mentors, scorer, pins, free, open_rows, over,
                          seconds=time.perf_counter() - started)


def top_per_row(values: np.ndarray, k: int, scratch: np.ndarray | None = None,
         least: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of up to ``k`` largest values of at least ``least`` per row, best first, ties
    by column. Cheaper than ``argpartition`` on wide rows: the k-th largest of ``2k`` column-chunk
    maxima is a lower bound of the row's k-th largest, so only values above it are sorted."""
    r_count, m = values.shape
    chunks = min(m, 2 * k)
    starts = np.linspace(0, m, chunks, endpoint=False).astype(np.int64)
    chunk_max = np.maximum.reduceat(values, starts, axis=1)
    floor = np.partition(chunk_max, chunks - k, axis=1)[:, chunks - k] if chunks > k else np.zeros(r_count)
    floor = np.maximum(floor, least).astype(values.dtype)
    above = np.greater_equal(values, floor[:, None], out=scratch)
    r, c = np.nonzero(above)
    v = values[r, c].astype(np.float64 if values.dtype.kind == "f" else np.int64)
    order = np.lexsort((c, -v, r))
    r, c = r[order], c[order]
    rank = np.arange(len(r)) - np.searchsorted(r, r)
    keep = rank < k
    return r[keep], c[keep]



# --- building a Solution ---------------------------------------------------------------------------

def pair_points(cohort: PreparedCohort, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, dict]:
    """Integer scores and breakdowns of the pairs (rows[p], cols[p]), equal to the block scores."""
    breakdown = cohort.scorer.breakdown(rows, cols)
    total = np.zeros(len(rows))
    for name in CRITERIA:
        total = total + breakdown[name]
    return np.rint(total * cohort.scale).astype(np.int64), breakdown


def build_solution(cohort: PreparedCohort, assignment: dict[int, int], timings: dict[str, float],
              stats: dict, started: float) -> Solution:
    rows = np.array(sorted(assignment), dtype=np.int64)
    cols = np.array([assignment[i] for i in rows.tolist()], dtype=np.int64)
    points, breakdown = pair_points(cohort, rows, cols)
    pairs = tuple(
        Pair(cohort.mentees[i].id, cohort.mentors[j].id, int(points[p]) / cohort.scale,
             {name: float(breakdown[name][p]) for name in CRITERIA})
        for p, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))
    )
    unmatched = tuple(e.id for i, e in enumerate(cohort.mentees) if i not in assignment)
    stats = {
        **stats,
        "resolution": 1 / cohort.scale,
        "mentees": len(cohort.mentees),
        "mentors": len(cohort.mentors),
        "seats": int(sum(r.capacity for r in cohort.mentors)),
        "pinned": len(cohort.pins),
        "over_capacity_pins": list(cohort.over_capacity_pins),
        "points": int(points.sum()),
    }
    timings = {**timings, "total": time.perf_counter() - started}
    return Solution(pairs, unmatched, int(points.sum()) / cohort.scale, len(pairs), timings, stats)


