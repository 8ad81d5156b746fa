"""How well a mentor suits a mentee: each criterion, the hard rules, and the two scoring paths."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from services.matching.domain import features, scoring
from services.matching.domain.cohort_scoring import CohortScorer
from services.matching.domain.model import CRITERIA, DEFAULT_WEIGHTS, Mentee, Mentor
from services.matching.domain.scoring import (
    employer_key,
    fit_interests,
    pair_rule,
    resolve_weights,
    score_pair,
    tokens,
)
from services.shared.reference.isco08 import occupations, same_group_level, shared_level


def mentee(id="amira", **changes) -> Mentee:
    base = dict(id=id, arrival=1, mentoring_languages=frozenset({"sv"}), mother_tongues=frozenset({"ar"}),
                wished_profession=None, education_field=None, sector=None, city=None, remote_ok=False,
                experience_years=None, employer=None, excluded_employers=frozenset(), interests="")
    return Mentee(**{**base, **changes})


def mentor(id="karin", **changes) -> Mentor:
    base = dict(id=id, arrival=1, mentoring_languages=frozenset({"sv"}), spoken_languages=frozenset({"sv"}),
                profession=None, education_field=None, sector=None, city=None, remote_ok=False,
                experience_years=None, employer=None, capacity=1, interests="")
    return Mentor(**{**base, **changes})


def criterion(name: str, a: Mentee, b: Mentor) -> float:
    """The weighted contribution of one criterion with all weights at 1."""
    return score_pair(a, b, {c: 1.0 for c in CRITERIA})[1][name]


# --- profession on ISCO-08 ---------------------------------------------------------------------------

@pytest.mark.parametrize("wish, held, level, value", [
    ("2611", "2611", 4, 1.0),    # lawyer and lawyer: same unit group
    ("2611", "2612", 3, 0.75),   # lawyer and judge: same minor group 261
    ("2611", "2632", 2, 0.5),    # lawyer and sociologist: same sub-major group 26
    ("2611", "2144", 1, 0.25),   # lawyer and mechanical engineer: both professionals
    ("2611", "3411", 0, 0.0),    # lawyer and legal associate professional: different major groups
    ("26", "2611", 2, 0.5),      # a wish given as a sub-major group: compared on what both have
    ("2611", "261", 3, 0.75),
    ("2", "2512", 1, 0.25),
    ("0110", "0210", 1, 0.25),   # leading zeros are digits like any other
    (None, "2611", 0, 0.0),
    ("lawyer", "2611", 0, 0.0),  # not an ISCO code: scores like a missing one
])
def test_a_wished_profession_scores_by_how_deep_the_isco_groups_are_shared(wish, held, level, value):
    assert shared_level(wish, held) == level
    assert criterion("profession", mentee(wished_profession=wish), mentor(profession=held)) == value


def test_matching_reads_isco_levels_as_intake_does_for_every_pair_of_a_sample_of_real_codes():
    codes = [o.code for o in occupations()]
    sample = random.Random(7).sample(codes, 60)
    for a in sample:
        for b in sample:
            assert shared_level(a, b) == same_group_level(a, b), (a, b)


# --- the other criteria -----------------------------------------------------------------------------

def test_the_field_of_education_counts_when_equal_ignoring_case_and_spaces():
    assert criterion("education_field", mentee(education_field=" Law "), mentor(education_field="law")) == 1.0
    assert criterion("education_field", mentee(education_field="law"), mentor(education_field="medicine")) == 0.0
    assert criterion("education_field", mentee(education_field=None), mentor(education_field=None)) == 0.0


def test_the_sector_counts_when_equal():
    assert criterion("sector", mentee(sector="public"), mentor(sector="Public")) == 1.0
    assert criterion("sector", mentee(sector="public"), mentor(sector="private")) == 0.0
    assert criterion("sector", mentee(sector=None), mentor(sector=None)) == 0.0


def test_location_is_the_same_city_or_both_willing_to_meet_remotely():
    assert criterion("location", mentee(city="Göteborg"), mentor(city="göteborg ")) == 1.0
    assert criterion("location", mentee(city="Oslo", remote_ok=True), mentor(city="Bergen", remote_ok=True)) == 1.0
    assert criterion("location", mentee(city="Oslo", remote_ok=True), mentor(city="Bergen")) == 0.0
    assert criterion("location", mentee(city=None), mentor(city=None)) == 0.0


def test_a_mentor_who_speaks_the_mentees_mother_tongue_counts():
    assert criterion("mother_tongue", mentee(mother_tongues=frozenset({"fa", "ar"})),
                     mentor(spoken_languages=frozenset({"sv", "AR"}))) == 1.0
    assert criterion("mother_tongue", mentee(mother_tongues=frozenset({"so"})),
                     mentor(spoken_languages=frozenset({"sv", "en"}))) == 0.0


@pytest.mark.parametrize("mentee_years, mentor_years, value", [
    (2, 12, 1.0), (2, 7, 1.0), (2, 4, 0.4), (5, 5, 0.0), (10, 3, 0.0), (None, 10, 0.5), (3, None, 0.5),
])
def test_a_mentor_should_be_ahead_in_experience_five_years_is_enough(mentee_years, mentor_years, value):
    got = criterion("experience", mentee(experience_years=mentee_years), mentor(experience_years=mentor_years))
    assert got == pytest.approx(value)


def test_shared_interests_are_a_tfidf_cosine_on_the_cohorts_own_words():
    same = criterion("interests", mentee(interests="Juridik och hållbarhet"), mentor(interests="hållbarhet, JURIDIK"))
    assert 0.5 < same < 1.0  # "och" is in one text only, which lowers the cosine
    assert criterion("interests", mentee(interests="juridik"), mentor(interests="juridik")) == pytest.approx(1.0)
    assert criterion("interests", mentee(interests="tekoäly data"), mentor(interests="music chess")) == 0.0
    assert criterion("interests", mentee(interests=""), mentor(interests="music")) == 0.0
    assert tokens("Tekoäly, Ålesund & AI-etik!") == ["tekoäly", "ålesund", "ai", "etik"]


def test_interest_vectors_follow_scikit_learns_default_tfidf():
    texts = ["data data music", "data chess", "music", ""]
    model = fit_interests(texts)
    n = len(texts)
    idf = {t: math.log((1 + n) / (1 + df)) + 1 for t, df in {"data": 2, "music": 2, "chess": 1}.items()}
    raw = {"data": 2 * idf["data"], "music": idf["music"]}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    got = {term: model.vector(texts[0]).get(index, 0.0) for term, index in model.vocabulary.items()}
    assert got == pytest.approx({"data": raw["data"] / norm, "music": raw["music"] / norm, "chess": 0.0})
    assert model.vector("") == {}
    assert fit_interests(reversed(texts)).vocabulary == model.vocabulary  # order of texts does not matter


# --- weights and the breakdown ------------------------------------------------------------------------

def test_the_breakdown_names_every_criterion_and_adds_up_to_the_score():
    a = mentee(wished_profession="2611", education_field="law", sector="public", city="Malmö",
               experience_years=2, interests="juridik hållbarhet")
    b = mentor(profession="2612", education_field="Law", sector="public", city="malmö",
               spoken_languages=frozenset({"sv", "ar"}), experience_years=20, interests="juridik")
    score, breakdown = score_pair(a, b)
    assert list(breakdown) == list(CRITERIA)
    assert score == pytest.approx(sum(breakdown.values()))
    assert breakdown["profession"] == 0.75 * DEFAULT_WEIGHTS["profession"]
    assert breakdown["education_field"] == DEFAULT_WEIGHTS["education_field"]
    assert breakdown["experience"] == DEFAULT_WEIGHTS["experience"]


def test_a_programme_weighs_criteria_its_own_way_and_unnamed_ones_keep_their_default():
    a, b = mentee(wished_profession="2611", city="Umeå"), mentor(profession="2611", city="Umeå")
    _, breakdown = score_pair(a, b, {"profession": 10, "location": 0})
    assert breakdown["profession"] == 10.0 and breakdown["location"] == 0.0
    assert resolve_weights({"sector": 3})["interests"] == DEFAULT_WEIGHTS["interests"]


@pytest.mark.parametrize("weights", [{"salary": 1.0}, {"profession": -1.0}, {"sector": float("nan")}])
def test_unknown_criteria_and_negative_weights_are_refused(weights):
    with pytest.raises(ValueError):
        resolve_weights(weights)


# --- hard rules ---------------------------------------------------------------------------------------

def test_a_pair_needs_a_shared_mentoring_language():
    assert pair_rule(mentee(mentoring_languages=frozenset({"fi"})), mentor()) == "no_shared_language"
    assert pair_rule(mentee(mentoring_languages=frozenset({"fi", "SV"})), mentor()) is None


def test_a_mentor_at_the_mentees_own_or_excluded_employer_is_never_allowed():
    assert employer_key("  Volvo  Cars ") == employer_key("volvocars") == "volvocars"
    assert pair_rule(mentee(employer="Volvo Cars"), mentor(employer="VOLVO CARS ")) == "same_employer"
    assert pair_rule(mentee(excluded_employers=frozenset({"Region  Skåne"})), mentor(employer="region skåne")) \
        == "excluded_employer"
    assert pair_rule(mentee(employer="Volvo Cars"), mentor(employer="Scania")) is None
    assert pair_rule(mentee(employer=None), mentor(employer=None)) is None


def test_a_coordinators_forbid_is_a_hard_rule():
    assert pair_rule(mentee(), mentor(), forbidden={("amira", "karin")}) == "forbidden"
    assert pair_rule(mentee(), mentor(), forbidden={("amira", "lars")}) is None


def test_a_mentor_lacking_a_language_the_programme_requires_is_allowed_with_nobody():
    agency = {"sv", "en"}  # the state agency's programme: every mentor speaks Swedish and English
    swedish_only = mentor()
    both = mentor("lars", spoken_languages=frozenset({"SV", "ar"}), mentoring_languages=frozenset({"sv", "en"}))
    assert scoring.missing_languages(swedish_only, agency) == ["en"]
    assert pair_rule(mentee(), swedish_only, required_languages=agency) == "missing_required_language"
    assert pair_rule(mentee(), both, required_languages=agency) is None  # mentoring in English counts
    assert pair_rule(mentee(), swedish_only) is None  # a programme without the rule
    mentees = [mentee(), mentee("omar", mentoring_languages=frozenset({"sv", "en"}))]
    scorer = CohortScorer(mentees, [swedish_only, both], required_languages=agency)
    allowed = scorer.allowed(np.arange(2))
    assert allowed.tolist() == [[False, True], [False, True]]
    assert (scorer.scores(np.arange(2))[:, 0] == -1).all()


# --- the vectorised path is the same arithmetic ---------------------------------------------------------

def _random_people(seed: int, n: int, m: int):
    rng = random.Random(seed)
    langs, codes = ["sv", "fi", "nb", "en"], ["2611", "2612", "2632", "2144", "2512", "26", "2", None, "x1"]
    words = ["juridik", "data", "tekoäly", "helse", "music", "chess", "forskning", "cloud", "Bærekraft"]
    cities, employers = ["Oslo", "oslo ", "Bergen", None], ["Equinor", "equinor", "DNB", None]

    def some(pool, k):
        return frozenset(rng.sample(pool, rng.randint(0, k)))

    def text():
        return " ".join(rng.choices(words, k=rng.randint(0, 5)))

    mentees = [mentee(f"e{i}", arrival=rng.randint(0, 9), mentoring_languages=some(langs, 2),
                      mother_tongues=some(["ar", "fa", "so", "en"], 2), wished_profession=rng.choice(codes),
                      education_field=rng.choice(["law", "Law ", "medicine", None]),
                      sector=rng.choice(["public", "private", None]), city=rng.choice(cities),
                      remote_ok=rng.random() < 0.5, experience_years=rng.choice([None, 0, 3, 8]),
                      employer=rng.choice(employers), excluded_employers=some(employers[:3], 1), interests=text())
               for i in range(n)]
    mentors = [mentor(f"r{j}", arrival=rng.randint(0, 9), mentoring_languages=some(langs, 3),
                      spoken_languages=some(langs + ["ar", "fa"], 3), profession=rng.choice(codes),
                      education_field=rng.choice(["law", "medicine", None]), sector=rng.choice(["public", None]),
                      city=rng.choice(cities), remote_ok=rng.random() < 0.5,
                      experience_years=rng.choice([None, 2, 10, 30]), employer=rng.choice(employers),
                      capacity=rng.randint(1, 3), interests=text())
               for j in range(m)]
    return mentees, mentors


@pytest.mark.parametrize("seed, sparse", [(0, False), (1, False), (2, False), (3, True), (4, True)])
def test_block_scores_equal_single_pair_scores_to_the_last_bit(seed, sparse, monkeypatch):
    if sparse:  # a cohort with a large vocabulary keeps the mentors' interest vectors sparse
        monkeypatch.setattr(features, "DENSE_TERMS_LIMIT", 0)
    mentees, mentors = _random_people(seed, 40, 25)
    weights = {"profession": 5, "education_field": 2.5, "sector": 0.3, "location": 1, "mother_tongue": 1.7,
               "experience": 1, "interests": 2}
    forbidden = {("e1", "r1"), ("e2", "r3")}
    scorer = CohortScorer(mentees, mentors, weights, forbidden)
    assert isinstance(scorer.criteria["interests"].mentor_terms, np.ndarray) != sparse
    rows = np.arange(len(mentees))
    raw = scorer.raw_scores(rows)
    allowed = scorer.allowed(rows)
    cols = np.repeat(np.arange(len(mentors))[None, :], len(mentees), axis=0).ravel()
    breakdown = scorer.breakdown(np.repeat(rows, len(mentors)), cols)
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            score, parts = score_pair(a, b, weights, scorer.interests)
            assert raw[i, j] == score, (a.id, b.id)
            assert {name: float(breakdown[name][i * len(mentors) + j]) for name in CRITERIA} == parts
            assert bool(allowed[i, j]) == (pair_rule(a, b, forbidden) is None)
    points = scorer.scores(rows)
    assert np.array_equal(points >= 0, allowed)
    assert np.array_equal(points[allowed], np.rint(raw * scorer.scale).astype(np.int64)[allowed])


def test_block_scores_with_reused_buffers_are_the_same_as_fresh_ones():
    mentees, mentors = _random_people(11, 30, 12)
    scorer = CohortScorer(mentees, mentors)
    buffers = scorer.buffers(8)
    for rows in scorer.blocks(size=8):
        assert np.array_equal(scorer.scores(rows, buffers), scorer.scores(rows))
