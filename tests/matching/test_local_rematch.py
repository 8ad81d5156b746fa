"""The local re-solve keeps only the pairs an optimum can still use (weak duality against the
last matching), so its matching is optimal on the whole shortlist every time, never a fallback;
and the gathered criteria of the scorer give the same bits as scoring criterion by criterion."""

from __future__ import annotations

import numpy as np

from services.matching.domain import cohort_scoring
from services.matching.domain.solver import exact

from .test_solver import _random_cohort, _rank, _scale, reference_optimum


def test_every_local_re_solve_is_proven_optimal_on_the_shortlist(monkeypatch):
    proofs = []
    certified = exact.certified

    def recording(rows, cols, weights, mate, capacity, n, m, passes=None):
        proof = certified(rows, cols, weights, mate, capacity, n, m, passes)
        if passes is not None:  # a local re-solve's proof
            proofs.append(proof is not None)
        return proof

    monkeypatch.setattr(exact, "certified", recording)
    monkeypatch.setattr(exact, "LOCAL_SHARE", 1.0)
    for seed in range(20, 28):
        problem = _random_cohort(seed, 70, 30)
        solution = exact.solve(problem, candidates=2)
        assert _rank(solution) == reference_optimum(problem, _scale(solution))
    assert proofs and all(proofs)


def test_gathered_criteria_score_the_same_bits_as_each_criterion_in_turn():
    problem = _random_cohort(7, 300, 60)
    scorer = cohort_scoring.CohortScorer(problem.mentees, problem.mentors, problem.weights, scale=10**6)
    rows = np.arange(len(problem.mentees))
    gathered = scorer.raw_scores(rows).copy()
    assert any(type(step).__name__ == "_Gathered" for step in scorer.steps())
    scorer._steps = list(scorer.criteria.values())
    assert np.array_equal(gathered.view(np.uint64), scorer.raw_scores(rows).view(np.uint64))
