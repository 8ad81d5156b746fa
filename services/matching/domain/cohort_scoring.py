"""The vectorised path of ``scoring``: scores and hard rules of a whole cohort, block by block."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .features import BUILDERS, Bans, Buffers, SharedLanguage
from .model import Mentee, Mentor
from .scoring import resolve_weights

#: Mentees scored per block: 512 × 5,500 mentors is ~22 MB per float64 array.
BLOCK_ROWS = 512
#: A criterion that reads few distinct values off the mentees (a profession, a city) is computed
#: once per value against every mentor and gathered per block, while the tables hold at most this
#: many numbers in all (32 MB) and the values are at most half as many as the mentees.
GATHER_LIMIT = 4_000_000


class _Gathered:
    """A run of criteria computed once per distinct mentee key against every mentor, by the
    criteria themselves on one mentee per key: the same float operations, hence the same bits, as
    scoring a block; a block is then one gather of table rows. The run either starts the score
    (the first criteria, added up in order) or is one later criterion, whose table holds its
    values alone (``score + 0.0`` is ``score`` for the non-negative scores)."""

    def __init__(self, scorer: CohortScorer, criteria: list, keys: np.ndarray, first: bool) -> None:
        _, reps, slot = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        self.slot = slot.reshape(-1)
        self.table = np.zeros((len(reps), scorer.shape[1]))
        work = scorer.buffers()
        for at in range(0, len(reps), scorer.block_rows):
            rows = reps[at:at + scorer.block_rows]
            part = self.table[at:at + len(rows)]
            lead, *rest = criteria
            lead.put(part, rows) if first else lead.add(part, rows, work)
            for criterion in rest:
                criterion.add(part, rows, work)

    def put(self, out: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.take(self.table, self.slot[rows], axis=0, out=out)

    def add(self, score: np.ndarray, rows: np.ndarray, work: Buffers) -> None:
        score += self.put(work.extra[:len(rows)], rows)


class CohortScorer:
    """Scores and hard rules of a whole cohort, computed block by block with NumPy.

    Built once per run (``O(mentees + mentors)`` memory plus the banned pairs), from one feature
    builder per criterion (``features``). ``raw_scores`` gives float scores of some mentees
    against every mentor, ``allowed`` the hard rules, and ``scores`` both as integer points
    (score × ``scale``, rounded half to even) with -1 where a pair is not allowed. Integers make
    ties exact and the solver's proof an integer check.
    """

    def __init__(
        self,
        mentees: Sequence[Mentee],
        mentors: Sequence[Mentor],
        weights: Mapping[str, float] | None = None,
        forbidden: Iterable[tuple[str, str]] = (),
        scale: int = 1_000_000,
        required_languages: Iterable[str] = (),
    ) -> None:
        self.mentees = tuple(mentees)
        self.mentors = tuple(mentors)
        self.weights = resolve_weights(weights)
        self.scale = int(scale)
        self.shape = (len(self.mentees), len(self.mentors))
        self.block_rows = BLOCK_ROWS  # read now, so a test can make blocks tiny
        self.shared_language = SharedLanguage(self.mentees, self.mentors)
        self.bans = Bans(self.mentees, self.mentors, forbidden, required_languages)
        self.criteria = {name: build(self.mentees, self.mentors, self.weights[name])
                         for name, build in BUILDERS.items()}
        self.interests = self.criteria["interests"].model  # the fitted TF-IDF, for single pairs
        self._steps: list | None = None
        self._lock = threading.Lock()

    def _distinct(self, keys: np.ndarray | None, budget: int) -> int | None:
        """How many distinct keys, when few enough to gather by within ``budget`` (else None)."""
        if keys is None:
            return None
        count = len(np.unique(keys, axis=0))
        return count if count * self.shape[1] <= budget and 2 * count <= self.shape[0] else None

    def steps(self) -> list:
        """The criteria as ``raw_scores`` adds them: the longest run from the first one with few
        distinct keys as one gathered table, every later one gathered alone where it can be."""
        with self._lock:
            if self._steps is None:
                names, run, budget = list(self.criteria), 0, GATHER_LIMIT
                while run < len(names) and self._distinct(self._joined(names[:run + 1]), budget):
                    run += 1
                steps = [_Gathered(self, [self.criteria[x] for x in names[:run]], self._joined(names[:run]), True)] \
                    if run else [self.criteria[names[0]]]
                budget -= steps[0].table.size if run else 0
                for name in names[max(run, 1):]:
                    keys = self.criteria[name].keys
                    if self._distinct(keys, budget):
                        steps.append(_Gathered(self, [self.criteria[name]], keys, False))
                        budget -= steps[-1].table.size
                    else:
                        steps.append(self.criteria[name])
                self._steps = steps
        return self._steps

    def _joined(self, names: list[str]) -> np.ndarray | None:
        keys = [self.criteria[name].keys for name in names]
        return None if any(k is None for k in keys) else np.hstack(keys)

    # -- blocks --

    def buffers(self, rows: int | None = None) -> Buffers:
        return Buffers(rows or self.block_rows, self.shape[1])

    def shares_language(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Block of booleans: mentee ``rows[i]`` and mentor j share a mentoring language."""
        rows = np.asarray(rows, dtype=np.int64)
        return self.shared_language.block(rows, work or self.buffers(len(rows)))

    def allowed(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Block of booleans: no hard rule (other than capacity) forbids the pair. With ``work``,
        the result lives in ``work.allowed`` until the next call."""
        rows = np.asarray(rows, dtype=np.int64)
        return self.bans.apply(rows, self.shares_language(rows, work))

    def raw_scores(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Float scores (sum of weighted criteria, in ``CRITERIA`` order) of mentees ``rows``
        against every mentor. With ``work``, the result lives in ``work.score``."""
        rows = np.asarray(rows, dtype=np.int64)
        work = work or self.buffers(len(rows))
        score = work.score[:len(rows)]
        first, *rest = self.steps()
        first.put(score, rows)  # profession starts the block; the others add to it, in order
        for criterion in rest:
            criterion.add(score, rows, work)
        return score

    def scores(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Integer points (score × ``scale``, rounded half to even) of mentees ``rows`` against
        every mentor, -1 where the pair is not allowed. int64, shape (len(rows), mentors)."""
        raw = self.raw_scores(rows, work)
        points = np.rint(raw * self.scale).astype(np.int64)
        points[~self.allowed(rows, work)] = -1
        return points

    def breakdown(self, mentee_rows: np.ndarray, mentor_cols: np.ndarray) -> dict[str, np.ndarray]:
        """Weighted contribution of each criterion for the pairs (mentee_rows[p], mentor_cols[p])."""
        i = np.asarray(mentee_rows, dtype=np.int64)
        j = np.asarray(mentor_cols, dtype=np.int64)
        return {name: criterion.pairs(i, j) for name, criterion in self.criteria.items()}

    def blocks(self, rows: np.ndarray | None = None, size: int | None = None):
        """The mentee indices (all, or ``rows``) cut into blocks of ``size`` (``block_rows``)."""
        size = size or self.block_rows
        rows = np.arange(self.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
        for start in range(0, len(rows), size):
            yield rows[start:start + size]

    @property
    def max_score(self) -> float:
        """An upper bound of any pair's score: every criterion at 1."""
        return float(sum(self.weights.values()))
