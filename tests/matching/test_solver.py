"""Proposing pairs: the exact optimum, the stable matching, the baselines and the explanations.

Property tests draw small random cohorts (at most 12 mentees and 8 mentors, a few languages,
professions, employers, forbids and pins; up to 24 and 10 where the shortlist is cut to one to
three mentors to force the column generation) and hold every solver to the hard rules, the exact
one to an independent optimum (a min-cost flow in networkx, and brute force when tiny) and the
stable one to "no blocking pair". Scenario tests then read as the programmes would tell them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_array

from bench.baselines import greedy_best_first, greedy_by_arrival
from services.matching.domain import cohort_scoring, explain, solver
from services.matching.domain.model import DEFAULT_WEIGHTS, Mentee, Mentor, Problem, Rules
from services.matching.domain.scoring import fit_interests, pair_rule, score_pair
from services.matching.domain.solver import cohort as prepared
from services.matching.domain.solver import exact

LANGUAGES = ("sv", "fi", "en")
CODES = ("2611", "2612", "2632", "2144", "2142", "2512", "26", "2", "3112", None)
EMPLOYERS = ("Volvo Cars", "volvocars", "Nokia", "Equinor", None)
WORDS = ("juridik", "law", "data", "ohjelmointi", "helse", "music", "forskning", "cloud", "hållbarhet")
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- drawing cohorts -------------------------------------------------------------------------------------

def _person_fields(draw):
    return dict(
        education_field=draw(st.sampled_from(["law", "Law", "engineering", None])),
        sector=draw(st.sampled_from(["public", "private", None])),
        city=draw(st.sampled_from(["Stockholm", "stockholm", "Helsinki", None])),
        remote_ok=draw(st.booleans()),
        interests=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
    )


@st.composite
def cohorts(draw, max_mentees: int = 12, max_mentors: int = 8, mode: str = "optimal") -> Problem:
    languages = st.frozensets(st.sampled_from(LANGUAGES), min_size=0, max_size=2)
    mentees = [
        Mentee(id=f"e{i}", arrival=draw(st.integers(0, 4)), mentoring_languages=draw(languages),
               mother_tongues=draw(st.frozensets(st.sampled_from(["ar", "fa", "fi"]), max_size=1)),
               wished_profession=draw(st.sampled_from(CODES)),
               experience_years=draw(st.sampled_from([None, 0, 2, 6])),
               employer=draw(st.sampled_from(EMPLOYERS)),
               excluded_employers=draw(st.frozensets(st.sampled_from(EMPLOYERS[:4]), max_size=1)),
               **_person_fields(draw))
        for i in range(draw(st.integers(0, max_mentees)))
    ]
    mentors = [
        Mentor(id=f"r{j}", arrival=draw(st.integers(0, 4)), mentoring_languages=draw(languages),
               spoken_languages=draw(st.frozensets(st.sampled_from(["sv", "ar", "fa"]), max_size=2)),
               profession=draw(st.sampled_from(CODES)), experience_years=draw(st.sampled_from([None, 3, 12])),
               employer=draw(st.sampled_from(EMPLOYERS)), capacity=draw(st.sampled_from([1, 1, 1, 2, 3])),
               **_person_fields(draw))
        for j in range(draw(st.integers(0, max_mentors)))
    ]
    pairs = [(e.id, r.id) for e in mentees for r in mentors]
    forbidden = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=4))) if pairs else frozenset()
    pinned, taken, seats = set(), set(), Counter()
    for mentee_id, mentor_id in (draw(st.lists(st.sampled_from(pairs), max_size=3)) if pairs else []):
        e = next(x for x in mentees if x.id == mentee_id)
        r = next(x for x in mentors if x.id == mentor_id)
        if mentee_id not in taken and seats[mentor_id] < r.capacity and pair_rule(e, r, forbidden) is None:
            pinned.add((mentee_id, mentor_id))
            taken.add(mentee_id)
            seats[mentor_id] += 1
    weights = draw(st.sampled_from([
        dict(DEFAULT_WEIGHTS),
        {"profession": 1, "education_field": 0, "sector": 0, "location": 0, "mother_tongue": 0,
         "experience": 0, "interests": 0},  # few distinct scores: many ties
        {"profession": 3, "education_field": 1.5, "sector": 0.5, "location": 2, "mother_tongue": 1,
         "experience": 0.25, "interests": 4},
    ]))
    return Problem(tuple(mentees), tuple(mentors), Rules(forbidden, frozenset(pinned)), weights, mode)


# --- independent references ----------------------------------------------------------------------------

def _scale(solution) -> int:
    return round(1 / solution.stats["resolution"])


def _points(problem: Problem, scale: int) -> dict[tuple[str, str], int]:
    """Integer points of every allowed pair, from the single-pair scorer (not the solver's path)."""
    model = fit_interests([e.interests for e in problem.mentees] + [r.interests for r in problem.mentors])
    return {
        (e.id, r.id): round(score_pair(e, r, problem.weights, model)[0] * scale)
        for e in problem.mentees for r in problem.mentors if pair_rule(e, r, problem.rules.forbidden) is None
    }


def reference_optimum(problem: Problem, scale: int) -> tuple[int, int]:
    """(pairs, total points) of the lexicographic optimum: networkx's maximum flow of minimum cost
    on the full allowed graph, pins placed first."""
    points = _points(problem, scale)
    pins = dict(problem.rules.pinned)
    seats = {r.id: r.capacity - sum(1 for m in pins.values() if m == r.id) for r in problem.mentors}
    graph = nx.DiGraph()
    graph.add_nodes_from(["source", "sink"])
    for (e, r), p in points.items():
        if e not in pins and seats[r] > 0:
            graph.add_edge("source", ("e", e), capacity=1, weight=0)
            graph.add_edge(("e", e), ("r", r), capacity=1, weight=-p)
            graph.add_edge(("r", r), "sink", capacity=seats[r], weight=0)
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    pairs = sum(flow["source"].values())
    total = -nx.cost_of_flow(graph, flow)
    return pairs + len(pins), total + sum(points[pair] for pair in pins.items())


def brute_force_optimum(problem: Problem, scale: int) -> tuple[int, int]:
    """The same by trying every assignment (tiny cohorts only)."""
    points = _points(problem, scale)
    pins = dict(problem.rules.pinned)
    seats = {r.id: r.capacity - sum(1 for m in pins.values() if m == r.id) for r in problem.mentors}
    free = [e.id for e in problem.mentees if e.id not in pins]
    base = (len(pins), sum(points[pair] for pair in pins.items()))
    best = base

    def walk(k: int, pairs: int, total: int) -> None:
        nonlocal best
        if k == len(free):
            best = max(best, (pairs, total))
            return
        walk(k + 1, pairs, total)
        for r in seats:
            if seats[r] > 0 and (free[k], r) in points:
                seats[r] -= 1
                walk(k + 1, pairs + 1, total + points[(free[k], r)])
                seats[r] += 1

    walk(0, *base)
    return best


def blocking_pairs_by_hand(problem: Problem, solution) -> list[tuple[str, str]]:
    """Allowed pairs who both prefer each other to what they got (strict preferences: score, then
    earlier arrival, then id), counted pair by pair in plain Python."""
    scale = _scale(solution)
    points = _points(problem, scale)
    pins = dict(problem.rules.pinned)
    rank_e = {e.id: k for k, e in enumerate(sorted(problem.mentees, key=lambda p: (p.arrival, p.id)))}
    rank_r = {r.id: k for k, r in enumerate(sorted(problem.mentors, key=lambda p: (p.arrival, p.id)))}
    mentor_of = {p.mentee_id: p.mentor_id for p in solution.pairs}
    held: dict[str, list[str]] = {r.id: [] for r in problem.mentors}
    for p in solution.pairs:
        if p.mentee_id not in pins:
            held[p.mentor_id].append(p.mentee_id)
    seats = {r.id: r.capacity - sum(1 for m in pins.values() if m == r.id) for r in problem.mentors}
    blocking = []
    for (e, r), p in points.items():
        if e in pins or mentor_of.get(e) == r or seats[r] <= 0:
            continue
        mine = mentor_of.get(e)
        wants = mine is None or (p, -rank_r[r]) > (points[(e, mine)], -rank_r[mine])
        worst = min(((points[(x, r)], -rank_e[x]) for x in held[r]), default=None)
        accepts = len(held[r]) < seats[r] or (p, -rank_e[e]) > worst
        if wants and accepts:
            blocking.append((e, r))
    return blocking


def assert_keeps_the_hard_rules(problem: Problem, solution) -> None:
    mentees = {e.id: e for e in problem.mentees}
    mentors = {r.id: r for r in problem.mentors}
    assert len({p.mentee_id for p in solution.pairs}) == len(solution.pairs), "a mentee paired twice"
    for pair in solution.pairs:
        assert pair_rule(mentees[pair.mentee_id], mentors[pair.mentor_id], problem.rules.forbidden) is None
    load = Counter(p.mentor_id for p in solution.pairs)
    assert all(load[r] <= mentors[r].capacity for r in load), "a mentor over capacity"
    assert problem.rules.pinned <= {(p.mentee_id, p.mentor_id) for p in solution.pairs}, "a pin dropped"
    assert set(solution.unmatched) == set(mentees) - {p.mentee_id for p in solution.pairs}
    assert solution.matched == len(solution.pairs)
    assert solution.objective == pytest.approx(sum(p.score for p in solution.pairs), abs=1e-6)


def _rank(solution) -> tuple[int, int]:
    return solution.matched, round(solution.objective * _scale(solution))


# --- properties ------------------------------------------------------------------------------------------

@PROPERTY
@given(cohorts())
def test_the_optimum_keeps_every_rule_and_no_assignment_matches_more_or_scores_higher(problem):
    best = solver.solve(problem)
    assert_keeps_the_hard_rules(problem, best)
    assert best.stats["certificate"]["verified"]
    assert _rank(best) == reference_optimum(problem, _scale(best))
    for baseline in (greedy_by_arrival(problem), greedy_best_first(problem),
                     solver.solve_stable(problem)):
        assert_keeps_the_hard_rules(problem, baseline)
        assert _rank(best) >= _rank(baseline)


@PROPERTY
@given(cohorts(max_mentees=6, max_mentors=4))
def test_on_tiny_cohorts_the_optimum_is_the_best_of_every_possible_assignment(problem):
    best = solver.solve(problem)
    assert _rank(best) == brute_force_optimum(problem, _scale(best))


@PROPERTY
@given(cohorts(max_mentees=24, max_mentors=10), st.integers(1, 3))
def test_a_shortlist_of_one_or_two_mentors_still_ends_in_the_proven_optimum(problem, candidates):
    # Short lists force the column generation and the proof on pairs left off the list.
    best = solver.solve(problem, candidates=candidates)
    assert_keeps_the_hard_rules(problem, best)
    assert _rank(best) == _rank(solver.solve(problem))


@pytest.mark.parametrize("seed", range(8))
def test_on_larger_cohorts_with_too_few_seats_short_lists_still_reach_the_reference_optimum(seed):
    # 60 mentees for about 60 seats, some mentees share no language: the proof must also cover
    # mentees left out while a mentor they could have had is full.
    problem = _random_cohort(seed, 60, 30)
    reference = None
    for candidates in (1, 2, 5):
        best = solver.solve(problem, candidates=candidates)
        assert_keeps_the_hard_rules(problem, best)
        reference = reference or reference_optimum(problem, _scale(best))
        assert _rank(best) == reference


@PROPERTY
@given(cohorts(mode="stable"))
def test_the_stable_matching_leaves_no_blocking_pair(problem):
    stable = solver.propose_pairs(problem)
    assert stable.stats["method"] == "stable"
    assert_keeps_the_hard_rules(problem, stable)
    assert blocking_pairs_by_hand(problem, stable) == []
    assert solver.blocking_pairs(problem, stable) == 0


@settings(max_examples=40, deadline=None)
@given(cohorts(), st.randoms(use_true_random=False))
def test_the_same_cohort_in_any_order_gives_the_same_pairs(problem, rnd):
    mentees, mentors = list(problem.mentees), list(problem.mentors)
    rnd.shuffle(mentees)
    rnd.shuffle(mentors)
    shuffled = replace(problem, mentees=tuple(mentees), mentors=tuple(mentors))
    for run in (solver.solve, solver.solve_stable, greedy_by_arrival, greedy_best_first):
        first, again, other = run(problem), run(problem), run(shuffled)
        assert first.pairs == again.pairs
        assert sorted(map(repr, first.pairs)) == sorted(map(repr, other.pairs))
        assert {(p.mentee_id, p.mentor_id) for p in first.pairs} == {(p.mentee_id, p.mentor_id) for p in other.pairs}
        assert first.objective == other.objective


@settings(max_examples=30, deadline=None)
@given(cohorts())
def test_every_unmatched_mentee_gets_one_of_the_three_reasons(problem):
    for run in (solver.solve, solver.solve_stable, greedy_by_arrival):
        solution = run(problem)
        reasons = explain.unmatched_reasons(problem, solution)
        assert set(reasons) == set(solution.unmatched)
        assert {r.code for r in reasons.values()} <= {"no_shared_language", "excluded", "all_at_capacity"}


def test_blocks_and_threads_do_not_change_the_answer(monkeypatch):
    problem = _random_cohort(5, 60, 30)
    whole, stable = solver.solve(problem, candidates=2), solver.solve_stable(problem)
    monkeypatch.setattr(cohort_scoring, "BLOCK_ROWS", 7)
    monkeypatch.setattr(prepared, "THREADS", 2)
    assert solver.solve(problem, candidates=2).pairs == whole.pairs
    assert solver.solve(problem).objective == whole.objective
    assert solver.solve_stable(problem).pairs == stable.pairs


def test_the_solver_needs_no_solver_library_at_run_time():
    script = "import sys, services.matching.domain.solver; print('ortools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == "False"


@PROPERTY
@given(st.data())
def test_the_shortlist_matching_is_a_lexicographic_optimum_with_seats_and_leftovers(data):
    # The SciPy matching on its own: mentees against mentor seats, against networkx's max-flow
    # min-cost on the same pairs (many ties, capacities above the degree, mentees left out).
    n, m = data.draw(st.integers(1, 9)), data.draw(st.integers(1, 5))
    pairs = sorted(data.draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), min_size=1)))
    rows, cols = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    points = np.array([data.draw(st.sampled_from([0, 1, 2, 5, 1_000_000])) for _ in pairs], dtype=np.int64)
    capacity = np.array([data.draw(st.integers(1, 3)) for _ in range(m)], dtype=np.int64)
    big = len(pairs) * int(points.max()) + 1
    mate = exact._match(rows, cols, points, capacity, n, m, big)
    assert np.all(np.bincount(mate[mate >= 0], minlength=m) <= capacity)
    chosen = {(i, int(mate[i])) for i in range(n) if mate[i] >= 0}
    assert chosen <= set(pairs)
    graph = nx.DiGraph()
    for (i, j), p in zip(pairs, points.tolist(), strict=True):
        graph.add_edge("source", ("e", i), capacity=1, weight=0)
        graph.add_edge(("e", i), ("r", j), capacity=1, weight=-p)
        graph.add_edge(("r", j), "sink", capacity=int(capacity[j]), weight=0)
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    expected = (sum(flow["source"].values()), -nx.cost_of_flow(graph, flow))
    by_pair = dict(zip(pairs, points.tolist(), strict=True))
    assert (len(chosen), sum(by_pair[pair] for pair in chosen)) == expected


def test_near_misses_only_save_rounds_and_change_no_answer(monkeypatch):
    problem = _random_cohort(11, 90, 40)
    with_near_misses = solver.solve(problem, candidates=2)
    monkeypatch.setattr(exact, "NEAR_MISS_ROUNDS", ())
    without = solver.solve(problem, candidates=2)
    assert (with_near_misses.matched, with_near_misses.stats["points"]) == (without.matched, without.stats["points"])
    assert with_near_misses.stats["certificate"]["verified"] and without.stats["certificate"]["verified"]


@PROPERTY
@given(st.data())
def test_only_mentees_some_maximum_matching_leaves_out_get_a_column_for_staying_unmatched(data):
    # A mentee can be left out of some maximum matching exactly when the maximum matching
    # without them is as large: checked one mentee at a time with networkx.
    n, m = data.draw(st.integers(1, 8)), data.draw(st.integers(1, 6))
    pairs = sorted(data.draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), min_size=1)))
    rows, cols = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    graph = csr_array((np.ones(len(pairs)), (rows, cols)), shape=(n, m))

    def largest(without=None):
        g = nx.Graph()
        g.add_nodes_from([("e", i) for i in range(n) if i != without] + [("r", j) for j in range(m)])
        g.add_edges_from((("e", i), ("r", j)) for i, j in pairs if i != without)
        top = [("e", i) for i in range(n) if i != without]
        return len(nx.bipartite.maximum_matching(g, top_nodes=top)) // 2

    expected = [i for i in range(n) if largest(without=i) == largest()]
    assert exact._may_stay_unmatched(graph).tolist() == expected


def test_a_round_that_adds_a_few_pairs_is_solved_again_only_where_they_reach(monkeypatch):
    # Every round is first re-solved locally (the whole shortlist again only when that is not
    # proven optimal): the same optimum as whole re-solves and the reference, certified.
    problems = [_random_cohort(seed, 70, 30) for seed in range(20, 26)]
    whole = [solver.solve(problem, candidates=2) for problem in problems]
    monkeypatch.setattr(exact, "LOCAL_SHARE", 1.0)
    solved_locally = 0
    for problem, answer in zip(problems, whole, strict=True):
        local = solver.solve(problem, candidates=2)
        assert local.stats["certificate"]["verified"]
        assert _rank(local) == _rank(answer) == reference_optimum(problem, _scale(local))
        solved_locally += local.stats["rounds_solved_locally"]
    assert solved_locally > 0


def _random_cohort(seed: int, n: int, m: int) -> Problem:
    """A plain random cohort, for tests that need a fixed one (also in another process)."""
    rng = random.Random(seed)
    mentees = tuple(
        Mentee(f"e{i:03d}", rng.randint(0, 20), frozenset(rng.sample(LANGUAGES, rng.randint(1, 2))),
               frozenset({rng.choice(["ar", "fa"])}), rng.choice(CODES), rng.choice(["law", "it", None]),
               rng.choice(["public", None]), rng.choice(["Oslo", "Bergen"]), rng.random() < 0.5,
               rng.choice([None, 1, 4]), rng.choice(EMPLOYERS), frozenset(), " ".join(rng.sample(WORDS, 3)))
        for i in range(n))
    mentors = tuple(
        Mentor(f"r{j:03d}", rng.randint(0, 20), frozenset(rng.sample(LANGUAGES, rng.randint(1, 2))),
               frozenset({"ar"}), rng.choice(CODES), rng.choice(["law", "it", None]), "public",
               rng.choice(["Oslo", "Bergen"]), rng.random() < 0.5, rng.choice([None, 10]),
               rng.choice(EMPLOYERS), rng.randint(1, 3), " ".join(rng.sample(WORDS, 3)))
        for j in range(m))
    return Problem(mentees, mentors, Rules(frozenset({("e001", "r001")}), frozenset()), dict(DEFAULT_WEIGHTS))


def test_another_process_with_another_hash_seed_proposes_the_same_pairs():
    script = (
        "import json; from tests.matching.test_solver import _random_cohort;"
        "from services.matching.domain import solver;"
        "p = _random_cohort(3, 40, 20);"
        "print(json.dumps([[x.mentee_id, x.mentor_id, x.score] for s in (solver.solve(p), solver.solve_stable(p))"
        " for x in s.pairs]))"
    )
    runs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        runs.add(out.stdout)
    assert len(runs) == 1 and json.loads(runs.pop())


# --- scenarios in the programmes' terms ---------------------------------------------------------------------

def mentee(id, **changes) -> Mentee:
    base = dict(id=id, arrival=1, mentoring_languages=frozenset({"sv"}), mother_tongues=frozenset({"ar"}),
                wished_profession=None, education_field=None, sector=None, city="Stockholm", remote_ok=False,
                experience_years=3, employer=None, excluded_employers=frozenset(), interests="")
    return Mentee(**{**base, **changes})


def mentor(id, **changes) -> Mentor:
    base = dict(id=id, arrival=1, mentoring_languages=frozenset({"sv"}), spoken_languages=frozenset({"sv"}),
                profession=None, education_field=None, sector=None, city="Stockholm", remote_ok=False,
                experience_years=15, employer=None, capacity=1, interests="")
    return Mentor(**{**base, **changes})


def cohort(mentees, mentors, forbidden=(), pinned=(), mode="optimal") -> Problem:
    return Problem(tuple(mentees), tuple(mentors), Rules(frozenset(forbidden), frozenset(pinned)),
                   dict(DEFAULT_WEIGHTS), mode)


def pairs_of(solution) -> set[tuple[str, str]]:
    return {(p.mentee_id, p.mentor_id) for p in solution.pairs}


def test_a_mentee_who_wishes_to_be_a_lawyer_is_paired_with_the_lawyer_rather_than_the_engineer():
    problem = cohort([mentee("amira", wished_profession="2611")],
                     [mentor("lars", profession="2144", arrival=0), mentor("karin", profession="2611", arrival=5)])
    best = solver.solve(problem)
    assert pairs_of(best) == {("amira", "karin")}
    assert best.pairs[0].breakdown["profession"] == DEFAULT_WEIGHTS["profession"]


def test_a_mentor_never_gets_more_mentees_than_their_capacity():
    mentees = [mentee(f"m{k}", wished_profession="2611", arrival=k) for k in range(5)]
    problem = cohort(mentees, [mentor("karin", profession="2611", capacity=2), mentor("lars", profession="2144")])
    for run in (solver.solve, solver.solve_stable, greedy_by_arrival, greedy_best_first):
        load = Counter(p.mentor_id for p in run(problem).pairs)
        assert load == {"karin": 2, "lars": 1}


def test_the_optimum_matches_one_more_mentee_rather_than_give_the_best_pair_its_best_mentor():
    # Amira is the best fit for Karin, but only Karin speaks Finnish with Omar: first come, first
    # served leaves Omar out; the optimum pairs Amira with Lars and Omar with Karin.
    amira = mentee("amira", wished_profession="2611", mentoring_languages=frozenset({"sv", "fi"}), arrival=1)
    omar = mentee("omar", wished_profession="2144", mentoring_languages=frozenset({"fi"}), arrival=2)
    karin = mentor("karin", profession="2611", mentoring_languages=frozenset({"sv", "fi"}))
    lars = mentor("lars", profession="2144")
    problem = cohort([amira, omar], [karin, lars])
    assert pairs_of(greedy_by_arrival(problem)) == {("amira", "karin")}
    assert pairs_of(solver.solve(problem)) == {("amira", "lars"), ("omar", "karin")}


def test_a_mentee_whose_only_finnish_speaking_mentor_works_at_their_employer_stays_unmatched_as_excluded():
    aino = mentee("aino", mentoring_languages=frozenset({"fi"}), employer="Nokia Oyj ")
    problem = cohort([aino], [mentor("mikko", mentoring_languages=frozenset({"fi", "sv"}), employer="nokia  oyj"),
                              mentor("karin")])
    best = solver.solve(problem)
    assert best.unmatched == ("aino",)
    reason = explain.unmatched_reasons(problem, best)["aino"]
    assert reason.code == "excluded"
    assert reason.text.startswith("every mentor who shares a language is excluded")
    assert reason.details["same_employer"] == 1


def test_a_mentee_no_mentor_shares_a_language_with_is_told_so():
    problem = cohort([mentee("farid", mentoring_languages=frozenset({"en", "sv"}))],
                     [mentor("mikko", mentoring_languages=frozenset({"fi"}))])
    reason = explain.unmatched_reasons(problem, solver.solve(problem))["farid"]
    assert reason.code == "no_shared_language"
    assert reason.text == "no mentor shares a mentoring language (en, sv)"


def test_a_mentee_left_out_because_every_fitting_mentor_is_full_hears_which_field_is_full():
    lawyers = [mentee(f"m{k}", wished_profession="2611", arrival=k) for k in range(3)]
    problem = cohort(lawyers, [mentor("karin", profession="2612", capacity=2)])
    best = solver.solve(problem)
    (left_out,) = best.unmatched
    reason = explain.unmatched_reasons(problem, best)[left_out]
    assert reason.code == "all_at_capacity"
    assert reason.text == ("every mentor who could take them is at capacity "
                           "(1 mentor, 1 of them in 26 (legal, social and cultural professionals))")


def test_why_not_this_mentor_answers_with_the_score_it_would_cost():
    amira = mentee("amira", wished_profession="2611")
    omar = mentee("omar", wished_profession="2144")
    karin, lars = mentor("karin", profession="2611"), mentor("lars", profession="2144")
    problem = cohort([amira, omar], [karin, lars])
    best = solver.solve(problem)
    answer = explain.why_not(problem, best, "amira", "lars")
    assert answer["allowed"] and not answer["proposed"]
    # Amira with Lars and Omar with Karin: both lose their own profession (5 -> 1.25 points each).
    assert answer["score_loss"] == pytest.approx(2 * (5 - 1.25))
    assert answer["matched_loss"] == 0
    assert answer["changed"] == [{"mentee_id": "omar", "from": "lars", "to": "karin"}]
    assert answer["text"] == "pairing amira with lars would lower the total score by 7.50 points"


def test_why_not_a_forbidden_mentor_names_the_rule():
    problem = cohort([mentee("amira")], [mentor("karin")], forbidden={("amira", "karin")})
    answer = explain.why_not(problem, solver.solve(problem), "amira", "karin")
    assert answer == {**answer, "allowed": False, "rule": "forbidden"}


def test_a_pin_is_honoured_even_when_it_lowers_the_score_and_counts_against_capacity():
    amira, omar = mentee("amira", wished_profession="2611"), mentee("omar", wished_profession="2611")
    karin = mentor("karin", profession="2611")
    problem = cohort([amira, omar], [karin, mentor("lars", profession="2144")], pinned={("omar", "karin")})
    assert pairs_of(solver.solve(problem)) == {("omar", "karin"), ("amira", "lars")}
    assert pairs_of(solver.solve_stable(problem)) == {("omar", "karin"), ("amira", "lars")}


@pytest.mark.parametrize("pin, message", [
    (("amira", "mikko"), "no mentoring language"),
    (("amira", "karin"), "forbade"),
    (("amira", "nobody"), "no mentor nobody"),
])
def test_a_pin_that_breaks_a_hard_rule_is_refused_with_the_rule_named(pin, message):
    problem = cohort([mentee("amira")], [mentor("karin"), mentor("mikko", mentoring_languages=frozenset({"fi"}))],
                     forbidden={("amira", "karin")}, pinned={pin})
    with pytest.raises(ValueError, match=message):
        solver.solve(problem)


def test_an_empty_cohort_and_a_cohort_without_mentors_are_answered():
    assert solver.solve(cohort([], [])).matched == 0
    alone = solver.solve(cohort([mentee("amira")], []))
    assert alone.unmatched == ("amira",) and alone.objective == 0


def test_the_certificate_is_an_exact_integer_duality_check():
    problem = _random_cohort(9, 80, 40)
    best = solver.solve(problem, candidates=2)
    certificate = best.stats["certificate"]
    assert certificate["verified"] and certificate["weight"] == certificate["dual_bound"]
    assert best.stats["rounds"] >= 1


def test_pins_beyond_a_mentors_capacity_are_still_honoured_and_reported():
    # The coordinator's word wins; the mentor gets nobody else and the run says so.
    problem = cohort([mentee("amira"), mentee("omar"), mentee("sara")], [mentor("karin"), mentor("lars")],
                     pinned={("amira", "karin"), ("omar", "karin")})
    best = solver.solve(problem)
    assert {("amira", "karin"), ("omar", "karin"), ("sara", "lars")} == pairs_of(best)
    assert best.stats["over_capacity_pins"] == ["karin"]


def test_a_solution_made_elsewhere_that_leaves_a_seat_free_is_called_out():
    problem = cohort([mentee("amira")], [mentor("karin")])
    empty = replace(solver.solve(problem), pairs=(), unmatched=("amira",), matched=0, objective=0.0)
    reason = explain.unmatched_reasons(problem, empty)["amira"]
    assert reason.code == "seat_left" and reason.details["mentor_ids"] == ["karin"]
