"""The shortlist: one scan of every open mentee against every mentor (step 2 of the design in
``solver/__init__``), keeping a 2-byte upper bound of every allowed pair and each mentee's best
candidates scored exactly; and the greedy seed that joins it before the first solve."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .cohort import PreparedCohort, best_points, concat, in_threads, pair_points, top_per_row

#: Shortlist length per mentee. Longer lists barely save rounds and make each one slower.
CANDIDATES = 12
#: Bounds are stored as uint16 steps; 0 means "not allowed". A bound is ``trunc(points / step) + 3``
#: (see ``scan_cohort``), so the largest stays within 65535.
BOUND_LEVELS = 65532


@dataclass
class Scan:
    """The shortlist, and an upper bound of every open mentee's points with every mentor."""

    rows: np.ndarray          # mentee index per shortlisted pair
    cols: np.ndarray          # mentor index per shortlisted pair
    points: np.ndarray        # exact points per shortlisted pair
    bound: np.ndarray         # uint16 (open mentees, mentors): 0 = not allowed, else (steps - 1) * step > points
    row_max: np.ndarray       # per open mentee, the largest bound in their row
    step: int
    allowed_pairs: int
    seconds: float


def scan_cohort(cohort: PreparedCohort, k: int) -> Scan:
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
        top_r, top_c = top_per_row(block, k, buffers.flag2[:r], least=1)
        return rows[top_r], top_c, int(np.count_nonzero(ok))

    parts = in_threads(work, blocks, cohort.scorer.buffers)
    rows, cols = concat([p[0] for p in parts]), concat([p[1] for p in parts])
    points, _ = pair_points(cohort, rows, cols)
    return Scan(rows, cols, points, bound, row_max, step, sum(p[2] for p in parts),
                 time.perf_counter() - started)


def seed_edges(cohort: PreparedCohort, scan: Scan) -> tuple[np.ndarray, np.ndarray]:
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


def listed(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Which pair codes (mentee * mentors + mentor) are in the sorted array of listed ones."""
    at = np.searchsorted(sorted_codes, codes)
    return (at < len(sorted_codes)) & (sorted_codes[np.minimum(at, len(sorted_codes) - 1)] == codes) \
        if len(sorted_codes) else np.zeros(len(codes), dtype=bool)
