"""The exact solve: the most pairs, then the best total, on the shortlist (step 3 of the design
in ``solver/__init__``), repeated with the pairs the certificate finds until none breaks it (step
5). SciPy is imported inside the functions that use it, so that the API and the CLI start
without it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_array

from ..model import Problem, Solution
from .certificate import CertificateError, certified, violations
from .cohort import best_points, build_solution, pair_points, prepare
from .shortlist import CANDIDATES, listed, scan_cohort, seed_edges

#: Pairs that break the certificate and join the shortlist, per mentee and round (doubled every
#: ``ROUNDS_PER_DOUBLING`` rounds, so that even a pathological cohort ends in a few dozen rounds:
#: every round adds pairs that were not listed, and the list cannot outgrow the allowed pairs).
ADDED_PER_ROUND = 16
ROUNDS_PER_DOUBLING = 6
#: In rounds ``NEAR_MISS_ROUNDS``, unlisted pairs this close to breaking the certificate (in points
#: at 1e-6 resolution: 3 score points) join the shortlist as well: fewer re-solves. With 16 pairs
#: per mentee, the benchmark's 10,000 mentees take three whole solves on a shortlist a quarter
#: smaller than with 24 and 2 points, and about a tenth less time.
NEAR_MISS_POINTS = 3_000_000
NEAR_MISS_ROUNDS = (1, 2)
MAX_ROUNDS = 200
#: A round that adds at most this share of the mentees in pairs re-solves only the parts of the
#: shortlist those pairs touch (``_rematch``) before falling back to a whole re-solve. Its proof
#: gives up after ``LOCAL_PASSES`` relaxation passes (a proof takes under a hundred at 10,000
#: mentees; a matching that is not optimal would take thousands to be told apart).
LOCAL_SHARE = 0.02
LOCAL_PASSES = 400


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


def _rematch(rows, cols, points, weights, u, v, mate, first_new: int, capacity, n, m, big) -> np.ndarray:
    """The last matching, re-solved only where the pairs from ``first_new`` on can change it.

    Raising each mentee's dual by their worst new violation makes the last duals feasible again,
    at a cost (``gap``) of the raises' sum over the last matching's weight. By weak duality, any
    optimum then leaves at most ``gap`` in slack, so it uses only pairs with at most that much:
    those fall apart into connected parts, a part without a raised mentee keeps its matching
    (its duals still prove it optimal there), and the parts with one are solved again. The
    result is optimal on the whole shortlist; ``certified`` checks it all the same."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    fresh = np.arange(len(rows)) >= first_new
    slack = u[rows] + v[cols] - weights
    raised = np.zeros(n, dtype=np.int64)
    np.maximum.at(raised, rows[fresh], -slack[fresh])
    near = slack + raised[rows] <= raised.sum()
    r, c, p = rows[near], cols[near], points[near]
    graph = csr_array((np.ones(len(r), dtype=np.int8), (r, n + c)), shape=(n + m, n + m))
    _, part = connected_components(graph, directed=False)
    touched = np.zeros(part.max(initial=0) + 1, dtype=bool)
    touched[part[np.flatnonzero(raised)]] = True
    inside = touched[part[r]]
    again = _match(r[inside], c[inside], p[inside], capacity, n, m, big)
    mentees = np.unique(r[inside])
    result = mate.copy()
    result[mentees] = again[mentees]
    return result


def solve(problem: Problem, candidates: int = CANDIDATES) -> Solution:
    """The most pairs, then the highest total score, within every hard rule and capacity; proven
    optimal on the whole cohort (``stats["certificate"]``). Raises ValueError on a bad pin."""
    started = time.perf_counter()
    cohort = prepare(problem)
    n, m = cohort.scorer.shape
    scan = scan_cohort(cohort, candidates)
    capacity = cohort.free_capacity
    most_pairs = min(len(cohort.open_rows), int(capacity.sum()))
    big = most_pairs * best_points(cohort.scorer.max_score, cohort.scale) + 1

    solve_started = time.perf_counter()
    rows, cols, points = scan.rows, scan.cols, scan.points
    seed_rows, seed_cols = seed_edges(cohort, scan)
    fresh = ~listed(np.sort(rows * m + cols), seed_rows * m + seed_cols)
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
            proven = certified(rows, cols, weights, local, capacity, n, m, LOCAL_PASSES)
            locally += proven is not None
        if proven is None:
            mate = _match(rows, cols, points, capacity, n, m, big) if len(rows) else np.full(n, -1, dtype=np.int64)
            proven = certified(rows, cols, weights, mate, capacity, n, m)
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
        new_rows, new_cols, new_points, flagged = violations(cohort, scan, u - slack, v, big, per_mentee)
        checked += flagged
        if slack:
            fresh = ~listed(np.sort(rows * m + cols), new_rows * m + new_cols)
            new_rows, new_cols, new_points = new_rows[fresh], new_cols[fresh], new_points[fresh]
            if not len(new_rows):
                new_rows, new_cols, new_points, flagged = violations(cohort, scan, u, v, big, per_mentee)
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
    return build_solution(cohort, assignment, timings, stats, started)
