"""The greedy baselines a coordinator would otherwise use, for the benchmark and the tests to
hold Tandem's solvers against: mentees in order of arrival each taking their best mentor with a
seat left, and all allowed pairs from the highest score down. Tandem itself never runs them.

They rank preferences the way the stable mode does (``solver.stable.run_by_preferences``), so the
three are timed and counted alike.
"""

from __future__ import annotations

import heapq

from services.matching.domain.model import Problem, Solution
from services.matching.domain.solver.cohort import PreparedCohort
from services.matching.domain.solver.stable import Preferences, run_by_preferences


def greedy_by_arrival(problem: Problem) -> Solution:
    """Baseline: mentees in order of arrival each take their best mentor with a seat left."""

    def body(cohort: PreparedCohort, prefs: Preferences) -> dict[int, int]:
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

    return run_by_preferences(problem, "greedy_by_arrival", body)


def greedy_best_first(problem: Problem) -> Solution:
    """Baseline: all allowed pairs from the highest score down, taken while both are free."""

    def body(cohort: PreparedCohort, prefs: Preferences) -> dict[int, int]:
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

    return run_by_preferences(problem, "greedy_best_first", body)
