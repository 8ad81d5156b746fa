"""Matching's core on synthetic cohorts: how fast and how big the exact optimum is, and how it
compares with the baselines, an independent exact solver and the stable mode.

    .venv/bin/python bench/matching.py            # 200, 1,000, 5,000 and 10,000 mentees
    .venv/bin/python bench/matching.py --quick    # 200 and 1,000 only (the smoke test)

Every measurement runs in a fresh child process, so that the peak memory reported for Tandem
(``ru_maxrss`` of a process that generated the cohort and then solved it, nothing else) is
honest. Cohorts are drawn from a seeded RNG: the same run gives the same cohorts everywhere.
The last line printed is one JSON object with every figure.

Tandem's solver is NumPy and SciPy only. OR-Tools (in the ``dev`` extra, never imported by the
service) serves here as the independent reference; each child reports whether it loaded it.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.matching.domain.model import DEFAULT_WEIGHTS, Mentee, Mentor, Problem, Rules  # noqa: E402
from services.matching.domain.scoring import fit_interests, pair_rule, score_pair  # noqa: E402

SIZES = (200, 1_000, 5_000, 10_000)
QUICK_SIZES = (200, 1_000)
#: Targets at 10,000 mentees, as ratios of seconds in the same run (absolute seconds differ from
#: machine to machine): Tandem's exact optimum against greedy best-first and the reference.
TARGET_SIZE = 10_000
TARGET_VS_GREEDY = 1.0
TARGET_VS_REFERENCE = 0.2
TARGET_MIB = 1024
#: The independent solvers: networkx (pure Python) up to this many mentees, OR-Tools' min-cost
#: flow on the full allowed graph (all ~41 million pairs at 10,000: ~30 s, ~4 GB) up to the next.
NETWORKX_MAX = 200
ORTOOLS_MAX = 10_000
CHILD_TIMEOUT = 300

COUNTRIES = (  # (weight, local mentoring language, cities)
    (0.5, "sv", ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Linköping", "Umeå")),
    (0.25, "fi", ("Helsinki", "Espoo", "Tampere", "Turku", "Oulu")),
    (0.25, "nb", ("Oslo", "Bergen", "Trondheim", "Stavanger")),
)
MOTHER_TONGUES = ("ar", "fa", "so", "ru", "uk", "ti", "es", "tr", "ku", "fr", "zh", "en")
MOTHER_TONGUE_WEIGHTS = (20, 14, 8, 10, 12, 6, 6, 6, 5, 4, 4, 5)
# ISCO-08 unit groups over major groups 1 (managers), 2 (professionals) and 3 (associates), with
# a field of education each; mentees wish some far more often than mentors hold them.
PROFESSIONS = (
    ("2512", "computer science", 14, 10), ("2511", "computer science", 5, 6), ("2513", "computer science", 3, 3),
    ("2142", "engineering", 6, 5), ("2144", "engineering", 5, 5), ("2151", "engineering", 4, 4),
    ("2141", "engineering", 3, 4), ("2211", "medicine", 7, 3), ("2212", "medicine", 5, 3),
    ("2221", "nursing", 4, 3), ("2262", "pharmacy", 2, 2), ("2261", "dentistry", 2, 1),
    ("2310", "education", 3, 3), ("2330", "education", 3, 4), ("2411", "economics", 4, 5),
    ("2412", "economics", 2, 3), ("2421", "economics", 3, 4), ("2611", "law", 4, 2),
    ("2619", "law", 1, 1), ("2631", "economics", 2, 2), ("2632", "social sciences", 2, 2),
    ("2634", "psychology", 2, 2), ("2635", "social work", 2, 3), ("2642", "journalism", 1, 1),
    ("2113", "natural sciences", 2, 2), ("2131", "natural sciences", 2, 2), ("2111", "natural sciences", 1, 1),
    ("1211", "economics", 1, 2), ("1223", "engineering", 1, 2), ("1330", "computer science", 1, 2),
    ("1342", "medicine", 1, 1), ("3112", "engineering", 1, 2), ("3313", "economics", 1, 2),
    ("3512", "computer science", 1, 2), ("3211", "medicine", 1, 1),
)
SECTORS = ("public", "private", "academia", "non-profit")
INTERESTS = (
    "programmering", "data", "ai", "maskininlärning", "moln", "säkerhet", "ledarskap", "forskning",
    "undervisning", "hälsa", "vård", "juridik", "ekonomi", "bygg", "hållbarhet", "energi",
    "ohjelmointi", "tekoäly", "terveys", "opetus", "tutkimus", "johtaminen", "kestävyys", "rakentaminen",
    "programvare", "helse", "forskning", "bærekraft", "ledelse", "undervisning", "økonomi", "jus",
    "software", "cloud", "security", "leadership", "research", "teaching", "health", "law",
    "finance", "construction", "sustainability", "energy", "design", "startups", "networking",
    "music", "football", "chess", "cooking", "hiking", "photography", "reading", "languages",
    "volunteering", "family", "travel", "running", "art", "film", "gardening", "climbing",
)


def _weighted(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


def synthetic_problem(mentees: int, seed: int = 1, mode: str = "optimal") -> Problem:
    """A deterministic cohort of ``mentees`` mentees with ~10 % more mentor seats than mentees."""
    rng = random.Random(f"tandem-matching-{mentees}-{seed}")
    employers = [f"Employer {k}" for k in range(max(20, mentees // 30))]
    mentee_prof_w = [p[2] for p in PROFESSIONS]
    mentor_prof_w = [p[3] for p in PROFESSIONS]

    def interests():
        return " ".join(rng.sample(INTERESTS, rng.randint(3, 8)))

    def years(low, high):
        return None if rng.random() < 0.1 else rng.randint(low, high)

    mentor_list = []
    capacities = []
    seats_target = round(mentees * 1.1)
    while sum(capacities) < seats_target:
        capacities.append(_weighted(rng, (1, 2, 3), (35, 35, 30)))
    arrivals = list(range(len(capacities)))
    rng.shuffle(arrivals)
    for j, capacity in enumerate(capacities):
        _, local, cities = _weighted(rng, COUNTRIES, [c[0] for c in COUNTRIES])
        code, field, *_ = _weighted(rng, PROFESSIONS, mentor_prof_w)
        langs = {local} if rng.random() < 0.95 else set()
        if rng.random() < 0.7 or not langs:
            langs.add("en")
        if local == "fi" and rng.random() < 0.2:
            langs.add("sv")
        spoken = set(langs) | {local}
        if rng.random() < 0.2:
            spoken.add(_weighted(rng, MOTHER_TONGUES, MOTHER_TONGUE_WEIGHTS))
        employer = rng.choice(employers)
        mentor_list.append(Mentor(
            id=f"r{j:05d}", arrival=arrivals[j], mentoring_languages=frozenset(langs),
            spoken_languages=frozenset(spoken), profession=code,
            education_field=field if rng.random() < 0.9 else rng.choice(PROFESSIONS)[1],
            sector=rng.choice(SECTORS), city=rng.choice(cities), remote_ok=rng.random() < 0.5,
            experience_years=years(3, 35),
            employer=employer.upper() if rng.random() < 0.1 else employer,
            capacity=capacity, interests=interests(),
        ))

    mentee_list = []
    arrivals = list(range(mentees))
    rng.shuffle(arrivals)
    for i in range(mentees):
        _, local, cities = _weighted(rng, COUNTRIES, [c[0] for c in COUNTRIES])
        code, field, *_ = _weighted(rng, PROFESSIONS, mentee_prof_w)
        roll = rng.random()
        if roll < 0.03:
            code = None
        elif roll < 0.08:
            code = code[: rng.randint(2, 3)]
        if rng.random() < 0.003:
            langs = {"ar"}  # nobody mentors in Arabic: "no shared language"
        else:
            langs = {local} if rng.random() < 0.7 else set()
            if rng.random() < 0.8 or not langs:
                langs.add("en")
        employed = rng.random() < 0.4
        mentee_list.append(Mentee(
            id=f"e{i:05d}", arrival=arrivals[i], mentoring_languages=frozenset(langs),
            mother_tongues=frozenset({_weighted(rng, MOTHER_TONGUES, MOTHER_TONGUE_WEIGHTS)}),
            wished_profession=code, education_field=field if rng.random() < 0.85 else None,
            sector=rng.choice(SECTORS) if rng.random() < 0.8 else None,
            city=rng.choice(cities), remote_ok=rng.random() < 0.5,
            experience_years=years(0, 20),
            employer=(" " + rng.choice(employers).lower() + " ") if employed else None,
            excluded_employers=frozenset(rng.sample(employers, rng.randint(1, 2))) if rng.random() < 0.05 else frozenset(),
            interests=interests() if rng.random() < 0.95 else "",
        ))

    forbidden = set()
    for _ in range(max(3, mentees // 100)):
        forbidden.add((rng.choice(mentee_list).id, rng.choice(mentor_list).id))
    pinned = set()
    used_mentees, used_mentors = set(), set()
    while len(pinned) < max(2, mentees // 500):
        e, r = rng.choice(mentee_list), rng.choice(mentor_list)
        if e.id in used_mentees or r.id in used_mentors or (e.id, r.id) in forbidden:
            continue
        if pair_rule(e, r) is None:
            pinned.add((e.id, r.id))
            used_mentees.add(e.id)
            used_mentors.add(r.id)
    return Problem(tuple(mentee_list), tuple(mentor_list), Rules(frozenset(forbidden), frozenset(pinned)),
                   dict(DEFAULT_WEIGHTS), mode)


# --- measurements, each in its own process ------------------------------------------------------------

def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _figures(solution) -> dict:
    return {"matched": solution.matched, "total": round(solution.objective, 6),
            "points": solution.stats["points"], "unmatched": len(solution.unmatched)}


def measure_tandem(size: int) -> dict:
    """The exact solver, end to end (validation, scoring, solving, proof, breakdowns)."""
    from services.matching.domain.solver import solve

    problem = synthetic_problem(size)
    before = _peak_mib()
    started = time.perf_counter()
    solution = solve(problem)
    seconds = time.perf_counter() - started
    return {
        **_figures(solution), "seconds": round(seconds, 3), "peak_mib": round(_peak_mib(), 1),
        "peak_mib_before_solving": round(before, 1),
        "timings": {k: round(v, 3) for k, v in solution.timings.items()},
        "rounds": solution.stats["rounds"], "allowed_pairs": solution.stats["allowed_pairs"],
        "shortlisted_pairs": solution.stats["shortlisted_pairs"],
        "certified": solution.stats["certificate"]["verified"],
        "mentors": solution.stats["mentors"], "seats": solution.stats["seats"],
        "pinned": solution.stats["pinned"], "forbidden": len(problem.rules.forbidden),
        "ortools_loaded": "ortools" in sys.modules,
    }


def measure_baselines(size: int) -> dict:
    """The greedy baselines and the stable mode, with the blocking pairs of the stable matching
    counted over every allowed pair."""
    from bench.baselines import greedy_best_first, greedy_by_arrival
    from services.matching.domain.solver import blocking_pairs, solve_stable

    problem = synthetic_problem(size, mode="stable")
    out = {}
    for name, run in (("greedy_by_arrival", greedy_by_arrival), ("greedy_best_first", greedy_best_first),
                      ("stable", solve_stable)):
        started = time.perf_counter()
        solution = run(problem)
        out[name] = {**_figures(solution), "seconds": round(time.perf_counter() - started, 3)}
        if name == "stable":
            started = time.perf_counter()
            out[name]["blocking_pairs"] = blocking_pairs(problem, solution)
            out[name]["blocking_count_seconds"] = round(time.perf_counter() - started, 3)
    out["peak_mib"] = round(_peak_mib(), 1)
    return out


def measure_reference(size: int) -> dict:
    """The lexicographic optimum by a solver that shares nothing with Tandem's shortlist, bounds
    or proof: a maximum flow of minimum cost over every allowed pair (pins placed first).
    networkx for the smallest cohorts, with each pair scored by the single-pair scorer; OR-Tools
    for larger ones, on the scorer's block scores (which the tests check against the single-pair
    scorer bit for bit)."""
    from services.matching.domain.solver import prepare

    problem = synthetic_problem(size)
    started = time.perf_counter()
    cohort = prepare(problem)
    n, m = cohort.scorer.shape
    pinned_points = 0
    for i, j in cohort.pins.items():
        pinned_points += round(score_pair(cohort.mentees[i], cohort.mentors[j], problem.weights,
                                          cohort.scorer.interests)[0] * cohort.scale)
    if size <= NETWORKX_MAX:
        import networkx as nx

        model = fit_interests([e.interests for e in problem.mentees] + [r.interests for r in problem.mentors])
        graph = nx.DiGraph()
        graph.add_nodes_from(["source", "sink"])
        for i in cohort.open_rows.tolist():
            e = cohort.mentees[i]
            for j, r in enumerate(cohort.mentors):
                if cohort.free_capacity[j] > 0 and pair_rule(e, r, problem.rules.forbidden) is None:
                    points = round(score_pair(e, r, problem.weights, model)[0] * cohort.scale)
                    graph.add_edge("source", ("e", i), capacity=1, weight=0)
                    graph.add_edge(("e", i), ("r", j), capacity=1, weight=-points)
                    graph.add_edge(("r", j), "sink", capacity=int(cohort.free_capacity[j]), weight=0)
        flow = nx.max_flow_min_cost(graph, "source", "sink")
        matched, points, solver_name = sum(flow["source"].values()), -nx.cost_of_flow(graph, flow), "networkx"
        edges = sum(1 for _, node in graph.edges() if isinstance(node, tuple) and node[0] == "r")
    else:
        from ortools.graph.python import min_cost_flow

        tails, heads, costs = [], [], []
        for rows in cohort.blocks():
            block = cohort.scores(rows)
            r, c = np.nonzero(block >= 0)
            tails.append(rows[r])
            heads.append(c)
            costs.append(-block[r, c])
        tails, heads, costs = np.concatenate(tails), np.concatenate(heads), np.concatenate(costs)
        edges = len(tails)
        source, sink, mentees = n + m, n + m + 1, cohort.open_rows
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate([np.full(len(mentees), source), tails, n + np.arange(m)]),
            np.concatenate([mentees, n + heads, np.full(m, sink)]),
            np.concatenate([np.ones(len(mentees) + edges, dtype=np.int64), cohort.free_capacity]),
            np.concatenate([np.zeros(len(mentees), dtype=np.int64), costs, np.zeros(m, dtype=np.int64)]),
        )
        del tails, heads, costs
        flow.set_node_supply(source, len(mentees))
        flow.set_node_supply(sink, -len(mentees))
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"OR-Tools: {status}")
        matched, points, solver_name = flow.maximum_flow(), -flow.optimal_cost(), "ortools"
    return {"solver": solver_name, "matched": int(matched) + len(cohort.pins),
            "points": int(points) + pinned_points, "pairs_considered": int(edges),
            "seconds": round(time.perf_counter() - started, 3), "peak_mib": round(_peak_mib(), 1)}


MEASURES = {"tandem": measure_tandem, "baselines": measure_baselines, "reference": measure_reference}


def _child(kind: str, size: int) -> dict:
    """Run one measurement in a fresh interpreter and read the JSON it prints last."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", kind, str(size)],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} at {size} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 200 and 1,000 only")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(MEASURES[args.child[0]](int(args.child[1]))))
        return 0

    started = time.perf_counter()
    results = {}
    for size in QUICK_SIZES if args.quick else SIZES:
        tandem = _child("tandem", size)
        base = _child("baselines", size)
        reference = _child("reference", size) if size <= ORTOOLS_MAX else None
        confirmed = (reference is not None and (reference["matched"], reference["points"])
                     == (tandem["matched"], tandem["points"]))
        vs_greedy = round(tandem["seconds"] / base["greedy_best_first"]["seconds"], 3)
        vs_reference = round(tandem["seconds"] / reference["seconds"], 3) if reference else None
        met = (vs_greedy <= TARGET_VS_GREEDY and vs_reference is not None and vs_reference <= TARGET_VS_REFERENCE
               and tandem["peak_mib"] <= TARGET_MIB and tandem["certified"] and confirmed)
        results[str(size)] = {"tandem": tandem, **base,
                              "reference": reference or "skipped (too large)",
                              "reference_confirms": confirmed if reference else None,
                              "tandem_vs_greedy_best_first": vs_greedy, "tandem_vs_reference": vs_reference,
                              "target_met": met if size == TARGET_SIZE else None}
        print(f"{size:>6} mentees, {tandem['mentors']} mentors, {tandem['seats']} seats, "
              f"{tandem['allowed_pairs']:,} allowed pairs")
        print(f"       tandem exact      {tandem['seconds']:7.2f} s  peak {tandem['peak_mib']:7.1f} MiB  "
              f"matched {tandem['matched']:>6}  total {tandem['total']:12.3f}  "
              f"({tandem['rounds']} rounds, certified: {tandem['certified']})")
        for name in ("greedy_by_arrival", "greedy_best_first", "stable"):
            row = base[name]
            extra = f"  blocking pairs {row['blocking_pairs']}" if name == "stable" else ""
            print(f"       {name:<17} {row['seconds']:7.2f} s  matched {row['matched']:>6}  "
                  f"total {row['total']:12.3f}{extra}")
        if reference:
            print(f"       reference ({reference['solver']}) {reference['seconds']:7.2f} s  "
                  f"matched {reference['matched']:>6}  total {reference['points'] / 1e6:12.3f}  "
                  f"{'confirms' if confirmed else 'DISAGREES WITH'} Tandem's optimum")
        else:
            print("       reference         skipped (too large)")
        ratio_to_reference = f"{vs_reference:.2f}x" if vs_reference is not None else "-"
        verdict = f"  target {'MET' if met else 'MISSED'}" if size == TARGET_SIZE else ""
        print(f"       tandem / greedy best first {vs_greedy:.2f}x, tandem / reference {ratio_to_reference}{verdict}")
    summary = {
        "benchmark": "matching",
        "targets": {"mentees": TARGET_SIZE, "tandem_vs_greedy_best_first": TARGET_VS_GREEDY,
                    "tandem_vs_reference": TARGET_VS_REFERENCE, "peak_mib": TARGET_MIB},
        "sizes": results,
        "targets_met": results[str(TARGET_SIZE)]["target_met"] if str(TARGET_SIZE) in results else None,
        "references_confirm": all(r["reference_confirms"] is not False for r in results.values()),
        "stable_blocking_pairs": sum(r["stable"]["blocking_pairs"] for r in results.values()),
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
