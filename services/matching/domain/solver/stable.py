"""The stable mode: mentee-proposing deferred acceptance with capacities, over preferences that
are ranked lazily (each mentee's best few up front, the whole row only for one who runs through
them); and ``blocking_pairs``, the count that tells a stable matching from others, which the
benchmark, the tests and the explanations share. ``Preferences`` and ``run_by_preferences`` also
serve the greedy baselines in ``bench/baselines.py``."""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..model import Problem, Solution
from .cohort import PreparedCohort, build_solution, concat, in_threads, prepare, top_per_row

#: Mentors ranked per mentee up front for deferred acceptance and the baselines; a mentee who
#: runs through them has their whole row scored and ranked.
PREFERENCES_LISTED = 16


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
        r, c = top_per_row(_keys(points, m), k)
        allowed = np.count_nonzero(points >= 0, axis=1)
        return rows[r], c, points[r, c], rows[allowed <= k], int(allowed.sum())

    parts = in_threads(work, cohort.blocks(), cohort.scorer.buffers)
    complete = np.ones(n, dtype=bool)
    complete[cohort.open_rows] = False
    complete[concat([p[3] for p in parts])] = True
    return _Ranked(concat([p[0] for p in parts]), concat([p[1] for p in parts]), concat([p[2] for p in parts]),
                   complete, sum(p[4] for p in parts), time.perf_counter() - started)


class Preferences:
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


def run_by_preferences(problem: Problem, method: str,
                       body: Callable[[PreparedCohort, Preferences], dict[int, int]]) -> Solution:
    """``body(cohort, preferences)`` gives an assignment (mentee index -> mentor index, pins
    included); this prepares the cohort, ranks the preferences and times both."""
    started = time.perf_counter()
    cohort = prepare(problem)
    ranked = _ranked(cohort, PREFERENCES_LISTED)
    prefs = Preferences(cohort, ranked)
    solving_started = time.perf_counter()
    assignment = body(cohort, prefs)
    timings = {"preparing": cohort.seconds, "scoring": ranked.seconds,
               "solving": time.perf_counter() - solving_started}
    stats = {"method": method, "allowed_pairs": ranked.allowed_pairs, "rows_rescored": prefs.extended}
    return build_solution(cohort, assignment, timings, stats, started)


def solve_stable(problem: Problem) -> Solution:
    """Mentee-proposing deferred acceptance with capacities: no mentee and mentor would both rather
    be together (the mentee-optimal stable matching; unique, since preferences are strict)."""

    def body(cohort: PreparedCohort, prefs: Preferences) -> dict[int, int]:
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

    return run_by_preferences(problem, "stable", body)


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

    return sum(in_threads(work, cohort.blocks(), cohort.scorer.buffers))
