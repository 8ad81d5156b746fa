"""The proof: exact integer duals of the shortlist's matching (step 4 of the design in
``solver/__init__``), and the check that no pair off the shortlist breaks them, which makes the
matching optimal on the whole cohort."""

from __future__ import annotations

import numpy as np

from .cohort import PreparedCohort, concat, in_threads, pair_points, top_per_row
from .shortlist import Scan


class CertificateError(RuntimeError):
    """The shortlisted matching failed its own optimality check. Never expected (the matching's
    weights are integers exact in float64); raised rather than returning an unproven answer."""


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


def _flag(scan: Scan, positions: np.ndarray, row_threshold: np.ndarray, col_threshold: np.ndarray,
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
        if 2 * len(many) > r:
            # Mostly crowded rows (a round with near misses): the best ``sample`` margins of every
            # row at once, all of them in a row with fewer, in the threshold's buffer (free now).
            margin = np.subtract(block, threshold, out=threshold)
            np.maximum(margin, 0, out=margin)
            r, c = top_per_row(margin, sample, flagged, least=1)
            return [where[r]], [c], at + many
        r, c = np.nonzero(flagged[few])
        found_pos, found_cols = [where[few[r]]], [c]
        if len(many):
            # Flagged pairs have a margin of at least 1, the others 0.
            margin = np.subtract(block[many], threshold[many], dtype=kind)
            np.maximum(margin, 0, out=margin)
            r, c = top_per_row(margin, sample, least=1)
            found_pos.append(where[many[r]])
            found_cols.append(c)
        return found_pos, found_cols, at + many

    parts = in_threads(work, blocks, buffers)
    return (concat([a for p in parts for a in p[0]]), concat([a for p in parts for a in p[1]]),
            concat([p[2] for p in parts]))


def violations(cohort: PreparedCohort, scan: Scan, u, v, big, per_mentee: int):
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


def certified(rows, cols, weights, mate, capacity, n, m, passes: int | None = None):
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
