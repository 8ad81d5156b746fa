"""Proposing pairs for a cohort: the exact optimum, the stable matching, and two greedy baselines.

``solve`` returns the assignment that matches the most mentees and, among those, has the highest
total score, within every hard rule and capacity — proven optimal on the whole cohort, although
only a shortlist of pairs is ever handed to a solver. The design, step by step:

1. Integers and one weight. Scores are integer points (1e-6 of a score point unless the cohort
   is huge, see ``resolution``). For the proof a pair weighs ``B + points`` with
   ``B = K * S + 1`` (K = most pairs possible, S = best possible pair score): one pair more
   always outweighs any gain in score, since an augmenting path that adds a pair removes at most
   K - 1 others, each worth at most S. The proof is integer arithmetic in int64, with room.
2. One scan. Every open mentee is scored against every mentor in blocks of
   ``scoring.BLOCK_ROWS`` rows, on two threads. Kept: an upper bound of every allowed pair's
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
   three rounds for the benchmark's 10,000 mentees instead of five. Only a check without that
   slack ends the loop, so the proof is the same. A round that adds only a few pairs (at most
   ``LOCAL_SHARE`` of the mentees) first re-solves just the parts of the tight pairs they reach;
   the exact duals of step 4 accept that matching or a whole re-solve follows.

"Exact" is about the points the solver sees: scores rounded to 1e-6 (``Pair.score`` is that
rounded value, so totals add up). The benchmark confirms the optimum with OR-Tools on the full
graph of allowed pairs (OR-Tools is a development dependency only, for that check), the tests
with networkx and brute force.

Pins are placed first and use up capacity; the optimum is over everyone else. Mentees and mentors
are put in a canonical order (arrival, then id) before anything else, so the result does not
depend on the order of the input, on hash seeds or on the process.

``solve_stable`` runs mentee-proposing deferred acceptance with capacities, both sides ranking by
score (ties: earlier arrival, then id); ``greedy_by_arrival`` and ``greedy_best_first`` are the
baselines a coordinator would otherwise use. ``blocking_pairs`` counts, over every allowed pair,
the pairs that would rather be together than with what a solution gave them.
"""

from __future__ import annotations

import heapq
import math
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:  # SciPy is imported where a matching is solved: the API and the CLI start without it
    from scipy.sparse import csr_array

from .model import CRITERIA, Mentee, Mentor, Pair, Problem, Rules, Solution
from .scoring import CohortScorer, pair_rule


def __getattr__(name: str):
    # ``solver.csr_array``, the graph type ``_may_stay_unmatched`` takes, still reads from here
    if name == "csr_array":
        from scipy.sparse import csr_array

        return csr_array
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Shortlist length per mentee. Longer lists barely save rounds and make each one slower.
CANDIDATES = 12
#: Pairs that break the certificate and join the shortlist, per mentee and round (doubled every
#: ``ROUNDS_PER_DOUBLING`` rounds, so that even a pathological cohort ends in a few dozen rounds:
#: every round adds pairs that were not listed, and the list cannot outgrow the allowed pairs).
ADDED_PER_ROUND = 24
ROUNDS_PER_DOUBLING = 6
#: In rounds ``NEAR_MISS_ROUNDS``, unlisted pairs this close to breaking the certificate (in points
#: at 1e-6 resolution: 2 score points) join the shortlist as well: fewer re-solves.
NEAR_MISS_POINTS = 2_000_000
NEAR_MISS_ROUNDS = (1, 2)
MAX_ROUNDS = 200
#: A round that adds at most this share of the mentees in pairs re-solves only the parts of the
#: shortlist those pairs touch (``_rematch``) before falling back to a whole re-solve. Its proof
#: gives up after ``LOCAL_PASSES`` relaxation passes (a proof takes under a hundred at 10,000
#: mentees; a matching that is not optimal would take thousands to be told apart).
LOCAL_SHARE = 0.02
LOCAL_PASSES = 400
#: Mentors ranked per mentee up front for deferred acceptance and the baselines; a mentee who
#: runs through them has their whole row scored and ranked.
PREFERENCES_LISTED = 16
#: Scoring and checking are NumPy on large blocks, which releases the GIL: threads pay off.
THREADS = max(1, min(4, os.cpu_count() or 1))
#: Every number of the proof (weights, duals, their sums) must stay below this, to be exact in int64.
EXACT_LIMIT = 2**62
#: Bounds are stored as uint16 steps; 0 means "not allowed". A bound is ``trunc(points / step) + 3``
#: (see ``_scan``), so the largest stays within 65535.
BOUND_LEVELS = 65532

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
    """Earlier arrival first, then id: the order every tie-break in this module follows."""
    return tuple(sorted(people, key=lambda p: (p.arrival, p.id)))


def _map(fn: Callable[[_T, object], _R], items: Sequence[_T], state: Callable[[], object] | None = None) -> list[_R]:
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


def _cat(parts: list[np.ndarray]) -> np.ndarray:
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


def _top(values: np.ndarray, k: int, scratch: np.ndarray | None = None,
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


# --- the scan --------------------------------------------------------------------------------------

@dataclass
class _Scan:
    """The shortlist, and an upper bound of every open mentee's points with every mentor."""

    rows: np.ndarray          # mentee index per shortlisted pair
    cols: np.ndarray          # mentor index per shortlisted pair
    points: np.ndarray        # exact points per shortlisted pair
    bound: np.ndarray         # uint16 (open mentees, mentors): 0 = not allowed, else (steps - 1) * step > points
    row_max: np.ndarray       # per open mentee, the largest bound in their row
    step: int
    allowed_pairs: int
    seconds: float


def _scan(cohort: PreparedCohort, k: int) -> _Scan:
    """Score all open mentees against all mentors once, in blocks on ``THREADS`` threads.

    A block's float scores become bounds in three passes: ``y = score * scale / step`` in
    floating point, ``trunc(y) + 3`` cast straight into the uint16 matrix, 0 where not allowed.
    ``(trunc(y) + 2) * step >= (y + 1) * step`` exceeds the pair's rounded points by at least a
    point minus float error far below one (``resolution`` keeps points under 2**36), so no bound
    is ever below the points it covers. The shortlist is each mentee's ``k`` highest bounds, and
    only those pairs are scored exactly (``pair_points``, the same bits as the block scores)."""
    started = time.perf_counter()
    n_open, m = len(cohort.open_rows), cohort.scorer.shape[1]
    scale = cohort.scale
    step = max(1, -(-best_points(cohort.scorer.max_score, scale) // BOUND_LEVELS))
    per_step = scale / step
    open_cols = cohort.free_capacity > 0
    bound = np.zeros((n_open, m), dtype=np.uint16)
    row_max = np.zeros(n_open, dtype=np.int64)
    size = cohort.scorer.block_rows
    blocks = [(at, cohort.open_rows[at:at + size]) for at in range(0, n_open, size)]

    def work(item, buffers):
        at, rows = item
        r = len(rows)
        steps = cohort.scorer.raw_scores(rows, buffers)
        np.multiply(steps, per_step, out=steps)
        np.add(steps, 3, out=steps)
        ok = cohort.scorer.allowed(rows, buffers)
        ok &= open_cols[None, :]
        block = bound[at:at + r]
        np.copyto(block, steps, casting="unsafe")  # truncates: the values are in 3..65535
        np.multiply(block, ok, out=block)
        row_max[at:at + r] = block.max(axis=1) if m else 0
        top_r, top_c = _top(block, k, buffers.flag2[:r], least=1)
        return rows[top_r], top_c, int(np.count_nonzero(ok))

    parts = _map(work, blocks, cohort.scorer.buffers)
    rows, cols = _cat([p[0] for p in parts]), _cat([p[1] for p in parts])
    points, _ = pair_points(cohort, rows, cols)
    return _Scan(rows, cols, points, bound, row_max, step, sum(p[2] for p in parts),
                 time.perf_counter() - started)


def _seed_edges(cohort: PreparedCohort, scan: _Scan) -> tuple[np.ndarray, np.ndarray]:
    """A maximal greedy matching, mentees in canonical order each taking the best mentor with a
    seat left (best by the bound matrix when their shortlist is taken).

    Its pairs join the shortlist so that the first round can match about as many mentees as the
    optimum: a mentee left unmatched there would push up the duals of every mentor they listed,
    and the next rounds would add the wrong pairs."""
    seats = cohort.free_capacity.copy()
    order = np.lexsort((-scan.points, scan.rows))
    listed_rows, listed_cols = scan.rows[order], scan.cols[order]
    starts = np.searchsorted(listed_rows, cohort.open_rows)
    ends = np.searchsorted(listed_rows, cohort.open_rows, side="right")
    lists = listed_cols.tolist()
    rows, cols = [], []
    for pos, i in enumerate(cohort.open_rows.tolist()):
        chosen = next((j for j in lists[starts[pos]:ends[pos]] if seats[j] > 0), -1)
        if chosen < 0 and ends[pos] > starts[pos]:
            row = np.where(seats > 0, scan.bound[pos], 0)
            best = int(row.argmax())
            chosen = best if row[best] > 0 else -1
        if chosen >= 0:
            seats[chosen] -= 1
            rows.append(i)
            cols.append(chosen)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


# --- solving and proving ----------------------------------------------------------------------------

class CertificateError(RuntimeError):
    """The shortlisted matching failed its own optimality check. Never expected (the matching's
    weights are integers exact in float64); raised rather than returning an unproven answer."""


def _match(rows, cols, points, capacity, n, m, big) -> np.ndarray:
    """The most pairs, then the highest total, on the shortlisted pairs: per mentee their mentor
    index or -1.

    A maximum-weight full matching (SciPy's ``min_weight_full_bipartite_matching``, LAPJVsp) of
    the shortlisted mentees against mentor seats: each mentor is one column per seat they can
    use here (``min(free seats, shortlisted mentees)``), each pair an edge to every seat of its
    mentor weighing ``1 + big + points``. ``big`` outweighs any score gain, so the most pairs
    come first, then the best total. The weights are integers far below 2**53, exact in float64,
    and ``_duals`` re-checks the result in int64 regardless. A mentor with ``c`` seats and ``d``
    shortlisted mentees costs ``c * d`` edges: about twice the shortlist for the benchmark's
    capacities of 1-3.

    A mentee who may stay unmatched gets a "stays unmatched" column of their own weighing 1
    (SciPy drops explicit zeros; every mentee takes exactly one column, so the shift changes
    nothing), so that a full matching exists. Only those who can be left out of some maximum
    matching need one (``_may_stay_unmatched``): every optimum is a maximum matching. Usually
    that is nobody, and the solver runs without the extra columns, about a third faster.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    present = np.zeros(n, dtype=bool)
    present[rows] = True
    mentee_ids = np.flatnonzero(present)
    local = np.cumsum(present) - 1
    a = len(mentee_ids)
    # The matching's duals and path lengths stay within a few times the largest weight.
    if 8 * (big + 1 + int(points.max(initial=0))) >= 2**53:
        raise CertificateError("the shortlist's weights are too large to be exact in float64")
    # Edges in canonical order (mentee, mentor), so the answer depends on the edge set only.
    order = np.lexsort((cols, rows))
    rows, cols, points = rows[order], cols[order], points[order]
    degree = np.bincount(cols, minlength=m)
    seats = np.minimum(capacity.astype(np.int64), degree)
    first_seat = np.concatenate([[0], np.cumsum(seats)])
    total_seats = int(first_seat[-1])
    copies = seats[cols]
    edge = np.repeat(np.arange(len(rows)), copies)
    within = np.arange(len(edge)) - np.repeat(np.cumsum(copies) - copies, copies)
    seat_cols = first_seat[cols[edge]] + within
    seat_owner = np.repeat(np.arange(m), seats)
    weights = big + 1 + points[edge].astype(np.float64)
    # Rows in mentee order, seats in mentor order within each: already CSR, no sorting needed.
    indptr = np.concatenate([[0], np.cumsum(np.bincount(local[rows[edge]], minlength=a))])
    graph = csr_array((weights, seat_cols, indptr), shape=(a, total_seats))
    loose = _may_stay_unmatched(graph)
    if len(loose):
        extra = np.zeros(a + 1, dtype=np.int64)
        extra[loose + 1] = 1
        extra = np.cumsum(extra)
        count = np.diff(indptr)
        new_indptr = indptr + extra
        data = np.empty(len(weights) + len(loose))
        indices = np.empty(len(weights) + len(loose), dtype=np.int64)
        body = np.arange(len(weights)) + np.repeat(extra[:-1], count)
        data[body], indices[body] = weights, seat_cols
        data[new_indptr[loose + 1] - 1] = 1.0
        indices[new_indptr[loose + 1] - 1] = total_seats + np.arange(len(loose))
        graph = csr_array((data, indices, new_indptr), shape=(a, total_seats + len(loose)))
    taken = min_weight_full_bipartite_matching(graph, maximize=True)[1]
    mate = np.full(n, -1, dtype=np.int64)
    real = taken < total_seats
    mate[mentee_ids[real]] = seat_owner[taken[real]]
    return mate


def _may_stay_unmatched(graph: csr_array) -> np.ndarray:
    """Rows (sorted) that some maximum matching of ``graph`` leaves unmatched: those an
    alternating path reaches from a row a maximum matching leaves unmatched (Gallai-Edmonds)."""
    from scipy.sparse.csgraph import maximum_bipartite_matching

    a = graph.shape[0]
    column_of = maximum_bipartite_matching(graph, perm_type="column")
    free = np.flatnonzero(column_of < 0)
    if not len(free):
        return free
    row_of = np.full(graph.shape[1], -1, dtype=np.int64)
    matched = np.flatnonzero(column_of >= 0)
    row_of[column_of[matched]] = matched
    reached = np.zeros(a, dtype=bool)
    reached[free] = True
    frontier = free
    while len(frontier):
        starts, ends = graph.indptr[frontier], graph.indptr[frontier + 1]
        counts = ends - starts
        at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        nxt = row_of[graph.indices[at]]
        nxt = np.unique(nxt[nxt >= 0])
        frontier = nxt[~reached[nxt]]
        reached[frontier] = True
    return np.flatnonzero(reached)


def _duals(rows, cols, weights, mate, capacity, n, m, passes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact optimal duals (u per mentee, v per mentor) of the shortlist for the matching
    ``mate``: among all of them, the smallest v (hence the largest u).

    Optimal duals are far from unique (a full mentor's value can sit on the mentor or on their
    mentees), and the proof on the whole cohort is easiest with high mentee duals: a pair off the
    shortlist is usually with a mentor who has a free seat (v = 0) and passes when
    ``B + points <= u_i``. The smallest v is the least solution of ``v_j >= weight(i, j)`` for an
    unmatched mentee i and ``v_j >= v_mate(i) + weight(i, j) - weight(i, mate(i))`` for a matched
    one: longest paths in the alternating graph, by a vectorised Bellman-Ford on integers. The
    matching is optimal on the shortlist exactly when this converges, no mentor with a free seat
    gets v > 0 and no u is negative; anything else raises ``CertificateError``, as does not
    converging within ``passes`` rounds of relaxation when given.
    """
    matched_edge = mate[rows] == cols
    own = np.zeros(n, dtype=np.int64)
    own[rows[matched_edge]] = weights[matched_edge]
    lonely = mate[rows] < 0
    v = np.zeros(m, dtype=np.int64)
    np.maximum.at(v, cols[lonely], weights[lonely])
    arc = (mate[rows] >= 0) & ~matched_edge
    tails, heads = mate[rows[arc]], cols[arc]
    lengths = weights[arc] - own[rows[arc]]
    order = np.argsort(heads, kind="stable")
    tails, heads, lengths = tails[order], heads[order], lengths[order]
    targets, starts = np.unique(heads, return_index=True)
    for _ in range(m + 2 if passes is None else min(m + 2, passes)):
        if not len(targets):
            break
        best = np.maximum.reduceat(v[tails] + lengths, starts)
        better = best > v[targets]
        if not better.any():
            break
        v[targets[better]] = best[better]
    else:
        raise CertificateError("an improving cycle remains on the shortlist")
    held = np.bincount(mate[mate >= 0], minlength=m)
    if np.any(v[held < capacity] > 0):
        raise CertificateError("an improving path to a free seat remains on the shortlist")
    u = np.zeros(n, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    u[matched] = own[matched] - v[mate[matched]]
    if np.any(u < 0):
        raise CertificateError("a pair on the shortlist is worth less than no pair")
    return u, v


def _flag(scan: _Scan, positions: np.ndarray, row_threshold: np.ndarray, col_threshold: np.ndarray,
          sample: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs whose bound exceeds ``row_threshold + col_threshold`` (in steps) in the bound rows
    ``positions`` (``row_threshold`` is per position): per row up to ``sample``, those with the
    largest margin. Returns (positions, mentors) of those, and the indices into ``positions`` of
    the rows that had more flagged pairs than ``sample``."""
    # Bounds lie in 0..65535, so a row threshold below -(largest column threshold) - 65536 flags
    # the whole row and one above 65536 flags nothing: clipped to that range, every comparison
    # stays the same and the sums fit int32 for cohorts of up to ~30,000 pairs (int64 beyond).
    widest = int(col_threshold.max(initial=0))
    row_threshold = np.clip(row_threshold, -widest - 65536, 65536)
    kind = np.int32 if widest + 65536 < 2**31 - 1 else np.int64
    row_threshold, col_threshold = row_threshold.astype(kind), col_threshold.astype(kind)
    blocks = [(at, positions[at:at + size]) for at in range(0, len(positions), size)]
    m = scan.bound.shape[1]

    def buffers():
        return (np.empty((size, m), dtype=np.uint16), np.empty((size, m), dtype=kind),
                np.empty((size, m), dtype=bool))

    def work(item, own):
        at, where = item
        r = len(where)
        if where[-1] - where[0] == r - 1:  # consecutive rows (a full pass): a view, no copy
            block = scan.bound[where[0]:where[0] + r]
        else:
            block = np.take(scan.bound, where, axis=0, out=own[0][:r])
        threshold = np.add(row_threshold[at:at + r, None], col_threshold[None, :], out=own[1][:r])
        np.maximum(threshold, 0, out=threshold)  # bound 0 = not allowed, never flagged
        flagged = np.greater(block, threshold, out=own[2][:r])
        counts = np.count_nonzero(flagged, axis=1)
        hit = np.flatnonzero(counts)
        few, many = hit[counts[hit] <= sample], hit[counts[hit] > sample]
        r, c = np.nonzero(flagged[few])
        found_pos, found_cols = [where[few[r]]], [c]
        if len(many):
            # Flagged pairs have a margin of at least 1, the others 0.
            margin = np.subtract(block[many], threshold[many], dtype=kind)
            np.maximum(margin, 0, out=margin)
            r, c = _top(margin, sample, least=1)
            found_pos.append(where[many[r]])
            found_cols.append(c)
        return found_pos, found_cols, at + many

    parts = _map(work, blocks, buffers)
    return (_cat([a for p in parts for a in p[0]]), _cat([a for p in parts for a in p[1]]),
            _cat([p[2] for p in parts]))


def _violations(cohort: PreparedCohort, scan: _Scan, u, v, big, per_mentee: int):
    """Allowed pairs with ``big + points > u_i + v_j`` as (rows, cols, points), the worst
    ``per_mentee`` per mentee, and how many pairs were scored exactly. None at all proves the
    matching optimal on the whole cohort.

    The bound matrix flags every pair that might break the inequality (``(steps - 1) * step`` is
    at least the true points, so nothing escapes) and exact points decide. A mentee whose whole
    row stays under the threshold (by its largest bound) is not even looked at. A mentee with
    many flagged pairs has their most promising ones scored first: if any truly violates, another
    round follows and the rest can wait; only when none does anywhere is everything left scored,
    which makes "no violation" a proof.
    """
    step = scan.step
    # (steps - 1) * step > u_i - big + v_j  <=  steps > floor((u_i - big) / step) + 1 + floor(v_j / step)
    row_threshold = (u[cohort.open_rows] - big) // step + 1
    col_threshold = v // step
    sample = 2 * per_mentee
    size = cohort.scorer.block_rows
    looked = np.flatnonzero(scan.row_max > row_threshold + col_threshold.min(initial=0))

    def exact(pos, cols):
        rows = cohort.open_rows[pos]
        points, _ = pair_points(cohort, rows, cols)
        excess = big + points - u[rows] - v[cols]
        bad = excess > 0
        return rows[bad], cols[bad], points[bad], excess[bad]

    pos, cols, crowded = _flag(scan, looked, row_threshold[looked], col_threshold, sample, size)
    checked = len(pos)
    rows, cols, points, excess = exact(pos, cols)
    if not len(rows) and len(crowded):
        # Every flagged pair of the crowded rows, the sampled ones again among them (they passed).
        again = looked[crowded]
        pos, cols, _ = _flag(scan, again, row_threshold[again], col_threshold, scan.bound.shape[1], size)
        checked += len(pos)
        rows, cols, points, excess = exact(pos, cols)
    order = np.lexsort((cols, -excess, rows))
    rows, cols, points = rows[order], cols[order], points[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < per_mentee
    return rows[keep], cols[keep], points[keep], checked


def _certified(rows, cols, weights, mate, capacity, n, m, passes: int | None = None):
    """(mate, u, v, primal, dual) when ``mate`` is optimal on the shortlist, proven by exact
    integer duals (``_duals``, weak duality with equal sums); None when it is not."""
    try:
        u, v = _duals(rows, cols, weights, mate, capacity, n, m, passes)
    except CertificateError:
        return None
    primal = int(weights[mate[rows] == cols].sum())
    dual = int(u.sum() + (capacity * v).sum())
    if primal != dual or np.any(weights - u[rows] - v[cols] > 0):
        return None
    return mate, u, v, primal, dual


def _rematch(rows, cols, points, weights, u, v, mate, first_new: int, capacity, n, m, big) -> np.ndarray:
    """The last matching, re-solved only where the pairs from ``first_new`` on can change it.

    The pairs tight under the last duals (every matched pair among them) and the new pairs fall
    apart into connected parts; a part without a new pair keeps its matching, which its duals
    still prove optimal there, and the parts with one are solved again. The result is optimal on
    those pairs, and usually on the whole shortlist: ``_certified`` decides, and a whole
    re-solve follows when it is not."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    fresh = np.arange(len(rows)) >= first_new
    tight = fresh.copy()
    tight[:first_new] = weights[:first_new] == u[rows[:first_new]] + v[cols[:first_new]]
    r, c, p = rows[tight], cols[tight], points[tight]
    graph = csr_array((np.ones(len(r), dtype=np.int8), (r, n + c)), shape=(n + m, n + m))
    _, part = connected_components(graph, directed=False)
    touched = np.zeros(part.max(initial=0) + 1, dtype=bool)
    touched[part[rows[fresh]]] = True
    inside = touched[part[r]]
    again = _match(r[inside], c[inside], p[inside], capacity, n, m, big)
    mentees = np.unique(r[inside])
    result = mate.copy()
    result[mentees] = again[mentees]
    return result


def _listed(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Which pair codes (mentee * mentors + mentor) are in the sorted array of listed ones."""
    at = np.searchsorted(sorted_codes, codes)
    return (at < len(sorted_codes)) & (sorted_codes[np.minimum(at, len(sorted_codes) - 1)] == codes) \
        if len(sorted_codes) else np.zeros(len(codes), dtype=bool)


def solve(problem: Problem, candidates: int = CANDIDATES) -> Solution:
    """The most pairs, then the highest total score, within every hard rule and capacity; proven
    optimal on the whole cohort (``stats["certificate"]``). Raises ValueError on a bad pin."""
    started = time.perf_counter()
    cohort = prepare(problem)
    n, m = cohort.scorer.shape
    scan = _scan(cohort, candidates)
    capacity = cohort.free_capacity
    most_pairs = min(len(cohort.open_rows), int(capacity.sum()))
    big = most_pairs * best_points(cohort.scorer.max_score, cohort.scale) + 1

    solve_started = time.perf_counter()
    rows, cols, points = scan.rows, scan.cols, scan.points
    seed_rows, seed_cols = _seed_edges(cohort, scan)
    fresh = ~_listed(np.sort(rows * m + cols), seed_rows * m + seed_cols)
    seed_points, _ = pair_points(cohort, seed_rows[fresh], seed_cols[fresh])
    rows = np.concatenate([rows, seed_rows[fresh]])
    cols = np.concatenate([cols, seed_cols[fresh]])
    points = np.concatenate([points, seed_points])
    solving, certifying = time.perf_counter() - solve_started, 0.0
    rounds = added = checked = locally = added_now = 0
    mate = u = v = None
    history = []
    while True:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise CertificateError(f"no proof of optimality after {MAX_ROUNDS} rounds")
        solve_started = time.perf_counter()
        weights = big + points
        proven = None
        if rounds > 1 and 0 < added_now <= LOCAL_SHARE * n:
            local = _rematch(rows, cols, points, weights, u, v, mate, len(rows) - added_now, capacity, n, m, big)
            proven = _certified(rows, cols, weights, local, capacity, n, m, LOCAL_PASSES)
            locally += proven is not None
        if proven is None:
            mate = _match(rows, cols, points, capacity, n, m, big) if len(rows) else np.full(n, -1, dtype=np.int64)
            proven = _certified(rows, cols, weights, mate, capacity, n, m)
            if proven is None:
                raise CertificateError("the shortlist's certificate does not hold")
        mate, u, v, primal, dual = proven
        check_started = time.perf_counter()
        solving += check_started - solve_started
        per_mentee = ADDED_PER_ROUND * 2 ** ((rounds - 1) // ROUNDS_PER_DOUBLING)
        # While rounds are young, pairs within ``slack`` of breaking the inequality join too (the
        # next duals would likely let them break it): fewer rounds, each a whole re-solve. Only
        # a check without slack proves anything, so one follows whenever nothing new is found.
        slack = NEAR_MISS_POINTS * cohort.scale // 10**6 if rounds in NEAR_MISS_ROUNDS else 0
        new_rows, new_cols, new_points, flagged = _violations(cohort, scan, u - slack, v, big, per_mentee)
        checked += flagged
        if slack:
            fresh = ~_listed(np.sort(rows * m + cols), new_rows * m + new_cols)
            new_rows, new_cols, new_points = new_rows[fresh], new_cols[fresh], new_points[fresh]
            if not len(new_rows):
                new_rows, new_cols, new_points, flagged = _violations(cohort, scan, u, v, big, per_mentee)
                checked += flagged
        certifying += time.perf_counter() - check_started
        history.append({"pairs": int((mate >= 0).sum()), "edges": int(len(rows)), "added": int(len(new_rows)),
                        "solve_s": round(check_started - solve_started, 3),
                        "check_s": round(time.perf_counter() - check_started, 3)})
        if not len(new_rows):
            break
        added += len(new_rows)
        added_now = len(new_rows)
        rows = np.concatenate([rows, new_rows])
        cols = np.concatenate([cols, new_cols])
        points = np.concatenate([points, new_points])

    assignment = dict(cohort.pins)
    matched = np.flatnonzero(mate >= 0)
    assignment.update(zip(matched.tolist(), mate[matched].tolist(), strict=True))
    stats = {
        "method": "exact",
        "candidates_per_mentee": candidates,
        "allowed_pairs": scan.allowed_pairs,
        "shortlisted_pairs": int(len(rows)),
        "pairs_added": added,
        "pairs_scored_exactly": checked,
        "rounds": rounds,
        "rounds_solved_locally": locally,
        "round_log": history,
        "certificate": {"verified": True, "weight": primal, "dual_bound": dual, "big": big},
    }
    timings = {
        "preparing": cohort.seconds,
        "scoring": scan.seconds,
        "solving": solving,
        "certifying": certifying,
    }
    del scan
    return _solution(cohort, assignment, timings, stats, started)


# --- building a Solution -----------------------------------------------------------------------------

def pair_points(cohort: PreparedCohort, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, dict]:
    """Integer scores and breakdowns of the pairs (rows[p], cols[p]), equal to the block scores."""
    breakdown = cohort.scorer.breakdown(rows, cols)
    total = np.zeros(len(rows))
    for name in CRITERIA:
        total = total + breakdown[name]
    return np.rint(total * cohort.scale).astype(np.int64), breakdown


def _solution(cohort: PreparedCohort, assignment: dict[int, int], timings: dict[str, float],
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


# --- preferences, for deferred acceptance and the greedy baselines --------------------------------------

def _keys(points: np.ndarray, mentors: int) -> np.ndarray:
    """Strict preference keys of a mentee over mentors: higher score first, then the mentor who
    came first (lower index); -1 where not allowed."""
    keys = points * mentors + (mentors - 1 - np.arange(mentors))[None, :]
    keys[points < 0] = -1
    return keys


@dataclass
class _Ranked:
    """Each open mentee's ``k`` favourite mentors in strict preference order."""

    rows: np.ndarray
    cols: np.ndarray
    points: np.ndarray
    complete: np.ndarray   # per mentee: the list holds every allowed mentor
    allowed_pairs: int
    seconds: float


def _ranked(cohort: PreparedCohort, k: int) -> _Ranked:
    started = time.perf_counter()
    n, m = cohort.scorer.shape

    def work(rows, buffers):
        points = cohort.scores(rows, buffers)
        r, c = _top(_keys(points, m), k)
        allowed = np.count_nonzero(points >= 0, axis=1)
        return rows[r], c, points[r, c], rows[allowed <= k], int(allowed.sum())

    parts = _map(work, cohort.blocks(), cohort.scorer.buffers)
    complete = np.ones(n, dtype=bool)
    complete[cohort.open_rows] = False
    complete[_cat([p[3] for p in parts])] = True
    return _Ranked(_cat([p[0] for p in parts]), _cat([p[1] for p in parts]), _cat([p[2] for p in parts]),
                   complete, sum(p[4] for p in parts), time.perf_counter() - started)


class _Preferences:
    """Each mentee's allowed mentors, best first (score, then earlier mentor), built lazily: the
    ranked shortlist first, the whole row only for a mentee who runs through it."""

    def __init__(self, cohort: PreparedCohort, ranked: _Ranked) -> None:
        self.cohort = cohort
        n, m = cohort.scorer.shape
        self.m = m
        bounds = np.searchsorted(ranked.rows, np.arange(n + 1))  # rows come sorted, best first
        self.lists: list[list[int]] = [ranked.cols[bounds[i]:bounds[i + 1]].tolist() for i in range(n)]
        self.points: list[list[int]] = [ranked.points[bounds[i]:bounds[i + 1]].tolist() for i in range(n)]
        self.complete = ranked.complete.tolist()
        self.position = [0] * n
        self.extended = 0

    def _extend(self, i: int) -> None:
        points = self.cohort.scores(np.array([i]))[0]
        allowed = np.flatnonzero(points >= 0)
        keys = points[allowed] * self.m + (self.m - 1 - allowed)
        order = allowed[np.argsort(-keys, kind="stable")]
        self.lists[i] = order.tolist()
        self.points[i] = points[order].tolist()
        self.complete[i] = True
        self.extended += 1

    def next(self, i: int) -> tuple[int, int] | None:
        """The mentee's next mentor (and the pair's points), or None when the list is exhausted."""
        p = self.position[i]
        if p >= len(self.lists[i]):
            if self.complete[i]:
                return None
            self._extend(i)
            if p >= len(self.lists[i]):
                return None
        self.position[i] = p + 1
        return self.lists[i][p], self.points[i][p]


def _run(problem: Problem, method: str, body) -> Solution:
    started = time.perf_counter()
    cohort = prepare(problem)
    ranked = _ranked(cohort, PREFERENCES_LISTED)
    prefs = _Preferences(cohort, ranked)
    solving_started = time.perf_counter()
    assignment = body(cohort, prefs)
    timings = {"preparing": cohort.seconds, "scoring": ranked.seconds,
               "solving": time.perf_counter() - solving_started}
    stats = {"method": method, "allowed_pairs": ranked.allowed_pairs, "rows_rescored": prefs.extended}
    return _solution(cohort, assignment, timings, stats, started)


def solve_stable(problem: Problem) -> Solution:
    """Mentee-proposing deferred acceptance with capacities: no mentee and mentor would both rather
    be together (the mentee-optimal stable matching; unique, since preferences are strict)."""

    def body(cohort: PreparedCohort, prefs: _Preferences) -> dict[int, int]:
        n = len(cohort.mentees)
        held: list[list[tuple[int, int]]] = [[] for _ in cohort.mentors]  # min-heaps of (key, mentee)
        capacity = cohort.free_capacity.tolist()
        free = deque(cohort.open_rows.tolist())
        while free:
            i = free.popleft()
            while True:
                proposal = prefs.next(i)
                if proposal is None:
                    break
                j, points = proposal
                key = points * n + (n - 1 - i)  # mentors prefer higher scores, then earlier mentees
                if len(held[j]) < capacity[j]:
                    heapq.heappush(held[j], (key, i))
                    break
                if held[j] and held[j][0][0] < key:
                    _, bumped = heapq.heapreplace(held[j], (key, i))
                    free.append(bumped)
                    break
        assignment = dict(cohort.pins)
        for j, heap in enumerate(held):
            for _, i in heap:
                assignment[i] = j
        return assignment

    return _run(problem, "stable", body)


def greedy_by_arrival(problem: Problem) -> Solution:
    """Baseline: mentees in order of arrival each take their best mentor with a seat left."""

    def body(cohort: PreparedCohort, prefs: _Preferences) -> dict[int, int]:
        seats = cohort.free_capacity.tolist()
        assignment = dict(cohort.pins)
        for i in cohort.open_rows.tolist():
            while (proposal := prefs.next(i)) is not None:
                j = proposal[0]
                if seats[j] > 0:
                    seats[j] -= 1
                    assignment[i] = j
                    break
        return assignment

    return _run(problem, "greedy_by_arrival", body)


def greedy_best_first(problem: Problem) -> Solution:
    """Baseline: all allowed pairs from the highest score down, taken while both are free."""

    def body(cohort: PreparedCohort, prefs: _Preferences) -> dict[int, int]:
        seats = cohort.free_capacity.tolist()
        assignment = dict(cohort.pins)
        # Only each free mentee's best remaining pair needs to be in the queue: a mentor who is
        # full stays full, so skipping them never changes which pair comes next.
        queue = []
        for i in cohort.open_rows.tolist():
            if (proposal := prefs.next(i)) is not None:
                queue.append((-proposal[1], i, proposal[0]))
        heapq.heapify(queue)
        while queue:
            _, i, j = heapq.heappop(queue)
            if seats[j] > 0:
                seats[j] -= 1
                assignment[i] = j
            elif (proposal := prefs.next(i)) is not None:
                heapq.heappush(queue, (-proposal[1], i, proposal[0]))
        return assignment

    return _run(problem, "greedy_best_first", body)


def propose_pairs(problem: Problem) -> Solution:
    """The run a coordinator asked for: ``solve`` in "optimal" mode, ``solve_stable`` in "stable"."""
    return solve_stable(problem) if problem.mode == "stable" else solve(problem)


# --- checks shared by the benchmark, the tests and the explanations ------------------------------------

def blocking_pairs(problem: Problem, solution: Solution) -> int:
    """How many allowed (mentee, mentor) pairs would both rather be together than with what the
    solution gave them (a mentor with a free seat accepts anyone allowed). Pinned mentees and
    their pins are the coordinator's and are left out. Counted over every allowed pair, in blocks."""
    cohort = prepare(problem)
    n, m = cohort.scorer.shape
    mentee_index = {e.id: i for i, e in enumerate(cohort.mentees)}
    mentor_index = {r.id: j for j, r in enumerate(cohort.mentors)}
    current = np.full(n, -1, dtype=np.int64)        # mentee's key of the mentor they have
    worst = np.full(m, -1, dtype=np.int64)          # mentor's key of the worst mentee they have
    held = np.zeros(m, dtype=np.int64)
    for pair in solution.pairs:
        i, j = mentee_index[pair.mentee_id], mentor_index[pair.mentor_id]
        if i in cohort.pins:
            continue
        points = round(pair.score * cohort.scale)
        current[i] = points * m + (m - 1 - j)
        key = points * n + (n - 1 - i)
        worst[j] = key if held[j] == 0 else min(worst[j], key)
        held[j] += 1
    worst[held < cohort.free_capacity] = -1

    def work(rows, buffers):
        points = cohort.scores(rows, buffers)
        mentee_wants = _keys(points, m) > current[rows][:, None]
        mentor_wants = points * n + (n - 1 - rows)[:, None] > worst[None, :]
        return int(np.count_nonzero(mentee_wants & mentor_wants & (points >= 0)))

    return sum(_map(work, cohort.blocks(), cohort.scorer.buffers))


def with_pin(problem: Problem, mentee_id: str, mentor_id: str) -> Problem:
    """The same problem with one more pin."""
    rules = Rules(problem.rules.forbidden, problem.rules.pinned | {(mentee_id, mentor_id)})
    return replace(problem, rules=rules)
