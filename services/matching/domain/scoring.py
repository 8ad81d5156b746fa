"""How well a mentor suits a mentee: the hard rules that allow a pair, and its weighted score.

Two paths compute the same numbers. ``score_pair`` scores one pair in plain Python, for
explanations and tests. ``CohortScorer`` scores blocks of mentees against every mentor with NumPy,
for the solvers: it never holds more than one block (``BLOCK_ROWS`` × mentors) of scores, so a
cohort of 10,000 × 5,500 is scored in a few hundred MB at most. Both add the criteria in the same
order with the same float operations, so they agree to the last bit.

Each criterion is normalised to [0, 1] and multiplied by its weight:
profession (ISCO-08 group shared: unit 1, minor 0.75, sub-major 0.5, major 0.25), field of
education, sector, location (same city or both remote), mother tongue (spoken by the mentor),
experience (mentor ahead by 5 years or more = 1, unknown = 0.5) and interests (cosine of TF-IDF
vectors fitted on the cohort's own texts; no model, no download).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # SciPy is imported where interests are compared, not when the service starts
    import scipy.sparse as sp

from .model import CRITERIA, DEFAULT_WEIGHTS, Mentee, Mentor

#: Mentees scored per block: 512 × 5,500 mentors is ~22 MB per float64 array.
BLOCK_ROWS = 512

#: The mentors' side of the interest vectors is kept dense up to this many numbers (64 MB).
DENSE_TERMS_LIMIT = 8_000_000

#: Normalised score of the profession criterion by the depth of the shared ISCO-08 group.
PROFESSION_BY_LEVEL = (0.0, 0.25, 0.5, 0.75, 1.0)

#: A mentor this many years ahead of the mentee counts as fully more experienced.
EXPERIENCE_FULL_GAP = 5
EXPERIENCE_UNKNOWN = 0.5

#: Words of two letters or more, in any script: the texts are Swedish, Finnish, Norwegian or
#: English, and a shared word is what matters, so no stemming.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_ISCO = re.compile(r"[0-9]{1,4}")

#: Why a pair is not allowed, most fundamental first (the order explanations report them in).
#: "missing_required_language": the mentor lacks a language the programme requires of every mentor.
RULES = ("missing_required_language", "no_shared_language", "forbidden", "same_employer", "excluded_employer")


# --- normalisation --------------------------------------------------------------------------

def text_key(value: str | None) -> str | None:
    """Trimmed and case-folded, None when empty: "  Stockholm " and "stockholm" are one city."""
    if value is None:
        return None
    key = value.strip().casefold()
    return key or None


def employer_key(value: str | None) -> str | None:
    """Case- and whitespace-insensitive: "Volvo Cars", " volvo  cars" and "VolvoCars" are one
    employer. Dropping all whitespace errs on the side of treating two names as the same
    employer, which only ever removes a pair a mentee might not want."""
    if value is None:
        return None
    key = "".join(value.split()).casefold()
    return key or None


def language_keys(values: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (text_key(v) for v in values) if k)


def isco_code(value: str | None) -> str | None:
    """The code if it is 1 to 4 digits, else None (an unusable code scores like a missing one)."""
    if value is None:
        return None
    code = value.strip()
    return code if _ISCO.fullmatch(code) else None


def isco_level(a: str | None, b: str | None) -> int:
    """How deep two ISCO-08 codes share a group (4 unit, 3 minor, 2 sub-major, 1 major, 0 none),
    compared on the digits both have: ("2611", "26") -> 2. Same answer as intake's taxonomy
    ``same_group_level`` for known codes; matching cannot import intake, so it is redone here."""
    a, b = isco_code(a), isco_code(b)
    if a is None or b is None:
        return 0
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


# --- weights --------------------------------------------------------------------------------

def resolve_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The programme's weights completed with the defaults, in ``CRITERIA`` order.

    Weights must be finite and non-negative: the solver's exactness argument (and a coordinator's
    reading of a breakdown) assume every criterion can only add to a pair's score.
    """
    given = dict(weights or {})
    unknown = sorted(set(given) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown scoring criteria {unknown}; known: {', '.join(CRITERIA)}")
    resolved = {}
    for name in CRITERIA:
        value = float(given.get(name, DEFAULT_WEIGHTS[name]))
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {value!r}")
        resolved[name] = value
    return resolved


# --- single criteria (plain Python) -------------------------------------------------------------

def experience_value(mentee_years: int | None, mentor_years: int | None) -> float:
    """1 when the mentor is EXPERIENCE_FULL_GAP years ahead or more, 0 when not ahead, linear in
    between; 0.5 when either is unknown (no reason to prefer or avoid the pair)."""
    if mentee_years is None or mentor_years is None:
        return EXPERIENCE_UNKNOWN
    gap = float(mentor_years) - float(mentee_years)
    return min(max(gap / EXPERIENCE_FULL_GAP, 0.0), 1.0)


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall((text or "").lower())


@dataclass(frozen=True)
class InterestModel:
    """TF-IDF fitted on one cohort's interest texts (scikit-learn's default smooth idf:
    ln((1 + n) / (1 + df)) + 1, raw term counts, L2-normalised rows)."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    def vector(self, text: str | None) -> dict[int, float]:
        """Sparse unit vector {term index: weight}; empty for an empty text."""
        counts: dict[int, int] = {}
        for token in tokens(text):
            index = self.vocabulary.get(token)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        weights = {i: c * float(self.idf[i]) for i, c in sorted(counts.items())}
        # An explicit loop, in term order, so that ``matrix`` can add up the same way.
        square = 0.0
        for value in weights.values():
            square += value * value
        norm = math.sqrt(square)
        return {i: value / norm for i, value in weights.items()} if norm > 0 else {}

    def matrix(self, texts: Sequence[str | None]) -> sp.csr_matrix:
        """The texts' unit vectors as CSR rows, column indices sorted: the same numbers as
        ``vector``, computed in bulk."""
        import scipy.sparse as sp

        doc_ids, term_ids = [], []
        for d, text in enumerate(texts):
            for token in tokens(text):
                index = self.vocabulary.get(token)
                if index is not None:
                    doc_ids.append(d)
                    term_ids.append(index)
        v = max(1, len(self.vocabulary))
        keys, counts = np.unique(np.array(doc_ids, dtype=np.int64) * v + np.array(term_ids, dtype=np.int64),
                                 return_counts=True)
        docs, terms = keys // v, keys % v
        weights = counts * self.idf[terms] if len(terms) else np.zeros(0)
        # bincount adds in input order, which is term order within a document, like ``vector``.
        norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=len(texts)))
        data = weights / norms[docs] if len(docs) else weights
        indptr = np.concatenate([[0], np.cumsum(np.bincount(docs, minlength=len(texts)))])
        return sp.csr_matrix((data, terms, indptr), shape=(len(texts), len(self.vocabulary)))


def fit_interests(texts: Iterable[str | None]) -> InterestModel:
    """Fit TF-IDF on the cohort's texts (mentees' and mentors'). The vocabulary is sorted so the
    model does not depend on the order of the texts."""
    docs = [set(tokens(t)) for t in texts]
    df: dict[str, int] = {}
    for doc in docs:
        for term in doc:
            df[term] = df.get(term, 0) + 1
    vocabulary = {term: i for i, term in enumerate(sorted(df))}
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in sorted(df)], dtype=np.float64)
    return InterestModel(vocabulary, idf)


def interest_similarity(a: dict[int, float], b: dict[int, float]) -> float:
    """Cosine of two unit vectors from ``InterestModel.vector``, summed in term order (as the
    sparse product of ``CohortScorer`` does)."""
    total = 0.0
    for index, value in a.items():
        other = b.get(index)
        if other is not None:
            total += value * other
    return total


# --- hard rules and the score of one pair -------------------------------------------------------

def missing_languages(mentor: Mentor, required: Iterable[str]) -> list[str]:
    """The required languages (normalised, sorted) the mentor neither speaks nor mentors in."""
    speaks = language_keys(mentor.spoken_languages) | language_keys(mentor.mentoring_languages)
    return sorted(language_keys(required) - speaks)


def pair_rule(mentee: Mentee, mentor: Mentor, forbidden: Iterable[tuple[str, str]] = (),
              required_languages: Iterable[str] = ()) -> str | None:
    """The first hard rule (of ``RULES``) that forbids this pair, or None if it is allowed.
    Capacity is not a property of a pair and is left to the solver."""
    if missing_languages(mentor, required_languages):
        return "missing_required_language"
    if not (language_keys(mentee.mentoring_languages) & language_keys(mentor.mentoring_languages)):
        return "no_shared_language"
    if (mentee.id, mentor.id) in (forbidden if isinstance(forbidden, (set, frozenset)) else set(forbidden)):
        return "forbidden"
    employer = employer_key(mentor.employer)
    if employer is not None and employer == employer_key(mentee.employer):
        return "same_employer"
    if employer is not None and employer in {employer_key(e) for e in mentee.excluded_employers}:
        return "excluded_employer"
    return None


def criteria_values(mentee: Mentee, mentor: Mentor, interests: InterestModel | None = None) -> dict[str, float]:
    """Each criterion normalised to [0, 1], before weighting."""
    if interests is None:
        interests = fit_interests([mentee.interests, mentor.interests])
    city = text_key(mentee.city)
    return {
        "profession": PROFESSION_BY_LEVEL[isco_level(mentee.wished_profession, mentor.profession)],
        "education_field": float(
            text_key(mentee.education_field) is not None
            and text_key(mentee.education_field) == text_key(mentor.education_field)
        ),
        "sector": float(text_key(mentee.sector) is not None and text_key(mentee.sector) == text_key(mentor.sector)),
        "location": float((city is not None and city == text_key(mentor.city)) or (mentee.remote_ok and mentor.remote_ok)),
        "mother_tongue": float(bool(language_keys(mentee.mother_tongues) & language_keys(mentor.spoken_languages))),
        "experience": experience_value(mentee.experience_years, mentor.experience_years),
        "interests": interest_similarity(interests.vector(mentee.interests), interests.vector(mentor.interests)),
    }


def score_pair(
    mentee: Mentee,
    mentor: Mentor,
    weights: Mapping[str, float] | None = None,
    interests: InterestModel | None = None,
) -> tuple[float, dict[str, float]]:
    """(score, breakdown) of one pair, whether or not the hard rules allow it.

    ``breakdown`` maps each criterion to its weighted contribution; ``score`` is their sum.
    ``interests`` is the cohort's fitted TF-IDF (``fit_interests``); without it the two texts
    alone are the corpus, which gives a different (but still 0..1) interest similarity.
    """
    resolved = resolve_weights(weights)
    values = criteria_values(mentee, mentor, interests)
    breakdown = {name: resolved[name] * values[name] for name in CRITERIA}
    score = 0.0
    for name in CRITERIA:
        score += breakdown[name]
    return score, breakdown


# --- the vectorised path -------------------------------------------------------------------------

class _Codes:
    """Strings to small integer ids shared by mentees and mentors (None -> -1)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        return self.ids.setdefault(value, len(self.ids))


def _bitmasks(sets: Sequence[frozenset[str]], index: dict[str, int]) -> np.ndarray:
    """One row of uint64 words per person: bit i set when the person has language i."""
    words = max(1, (len(index) + 63) // 64)
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    for word in range(words):
        # Python integers first: setting bits one NumPy scalar at a time is ten times slower.
        column = [sum(1 << (index[v] - 64 * word) for v in values if 0 <= index[v] - 64 * word < 64)
                  for values in sets]
        masks[:, word] = np.array(column, dtype=np.uint64)
    return masks


class Buffers:
    """Scratch arrays for one block of mentees × all mentors, reused from block to block.

    Allocating a fresh 20 MB array per block and criterion costs more than the arithmetic (the
    memory comes back from the OS as new pages every time), so a thread scoring many blocks keeps
    one set of these."""

    def __init__(self, rows: int, mentors: int) -> None:
        self.score = np.empty((rows, mentors), dtype=np.float64)
        self.extra = np.empty((rows, mentors), dtype=np.float64)
        self.word = np.empty((rows, mentors), dtype=np.uint64)
        self.flag = np.empty((rows, mentors), dtype=bool)
        self.flag2 = np.empty((rows, mentors), dtype=bool)
        self.allowed = np.empty((rows, mentors), dtype=bool)


def _any_shared(left: np.ndarray, right: np.ndarray, out: np.ndarray, word: np.ndarray,
                spare: np.ndarray) -> np.ndarray:
    """``out[i, j]``: does row i of ``left`` share a bit with row j of ``right``?"""
    np.bitwise_and(left[:, None, 0], right[None, :, 0], out=word)
    np.not_equal(word, 0, out=out)
    for w in range(1, left.shape[1]):
        np.bitwise_and(left[:, None, w], right[None, :, w], out=word)
        np.not_equal(word, 0, out=spare)
        out |= spare
    return out


class CohortScorer:
    """Scores and hard rules of a whole cohort, computed block by block with NumPy.

    Built once per run (``O(mentees + mentors)`` memory plus the banned pairs). ``raw_scores``
    gives float scores of some mentees against every mentor, ``allowed`` the hard rules, and
    ``scores`` both as integer points (score × ``scale``, rounded half to even) with -1 where a
    pair is not allowed. Integers make ties exact and the solver's proof an integer check.
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
        n, m = len(self.mentees), len(self.mentors)
        self.shape = (n, m)
        self.block_rows = BLOCK_ROWS  # read now, so a test can make blocks tiny

        # Languages as bitmasks over the cohort's languages (normalised once per person).
        mentee_teach = [language_keys(e.mentoring_languages) for e in self.mentees]
        mentee_tongues = [language_keys(e.mother_tongues) for e in self.mentees]
        mentor_teach = [language_keys(r.mentoring_languages) for r in self.mentors]
        mentor_spoken = [language_keys(r.spoken_languages) for r in self.mentors]
        languages = sorted(set().union(*mentee_teach, *mentee_tongues, *mentor_teach, *mentor_spoken))
        self.languages = {lang: i for i, lang in enumerate(languages)}
        self._mentee_langs = _bitmasks(mentee_teach, self.languages)
        self._mentor_langs = _bitmasks(mentor_teach, self.languages)
        self._mentee_tongues = _bitmasks(mentee_tongues, self.languages)
        self._mentor_spoken = _bitmasks(mentor_spoken, self.languages)

        # The programme's required languages rule a mentor out for everyone: one column mask.
        self.required_languages = language_keys(required_languages)
        self.missing = [missing_languages(r, self.required_languages) for r in self.mentors]
        self._mentors_ruled_out = np.array([j for j, m in enumerate(self.missing) if m], dtype=np.int64)

        # Hard rules that are rare per mentee (forbids, own and excluded employers) as a sparse
        # list of banned mentors per mentee, applied to each block by fancy indexing.
        mentee_index = {e.id: i for i, e in enumerate(self.mentees)}
        mentor_index = {r.id: j for j, r in enumerate(self.mentors)}
        by_employer: dict[str, list[int]] = {}
        for j, r in enumerate(self.mentors):
            key = employer_key(r.employer)
            if key is not None:
                by_employer.setdefault(key, []).append(j)
        banned: list[set[int]] = [set() for _ in range(n)]
        for i, e in enumerate(self.mentees):
            for key in {employer_key(e.employer), *(employer_key(x) for x in e.excluded_employers)}:
                if key is not None and key in by_employer:
                    banned[i].update(by_employer[key])
        for mentee_id, mentor_id in forbidden:
            if mentee_id in mentee_index and mentor_id in mentor_index:
                banned[mentee_index[mentee_id]].add(mentor_index[mentor_id])
        counts = np.array([len(b) for b in banned], dtype=np.int64)
        self._ban_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._ban_idx = np.array([j for b in banned for j in sorted(b)], dtype=np.int64)

        # Profession: a small table over the distinct codes, gathered per block.
        codes = _Codes()
        mentee_prof = np.array([codes(isco_code(e.wished_profession)) for e in self.mentees], dtype=np.int64)
        mentor_prof = np.array([codes(isco_code(r.profession)) for r in self.mentors], dtype=np.int64)
        distinct = [None, *sorted(codes.ids, key=codes.ids.get)]  # slot 0 is "no code"
        table = np.array([[PROFESSION_BY_LEVEL[isco_level(a, b)] for b in distinct] for a in distinct])
        self._prof_table = self.weights["profession"] * table
        self._mentee_prof, self._mentor_prof = mentee_prof + 1, mentor_prof + 1

        # Equality criteria: ids from one shared vocabulary; a missing value is -1 on the mentee
        # side and -2 on the mentor side, so that it never equals anything.
        def ids(values_e, values_r):
            vocab = _Codes()
            left = np.array([vocab(text_key(v)) for v in values_e], dtype=np.int64)
            right = np.array([vocab(text_key(v)) for v in values_r], dtype=np.int64)
            right[right < 0] = -2
            return left, right

        self._mentee_edu, self._mentor_edu = ids([e.education_field for e in self.mentees],
                                                 [r.education_field for r in self.mentors])
        self._mentee_sector, self._mentor_sector = ids([e.sector for e in self.mentees],
                                                       [r.sector for r in self.mentors])
        self._mentee_city, self._mentor_city = ids([e.city for e in self.mentees], [r.city for r in self.mentors])
        self._mentee_remote = np.array([e.remote_ok for e in self.mentees], dtype=bool)
        self._mentor_remote = np.array([r.remote_ok for r in self.mentors], dtype=bool)

        # Experience: a table over the distinct year values (slot 0 = unknown).
        years = sorted({y for p in (*self.mentees, *self.mentors) if (y := p.experience_years) is not None})
        slot = {y: s + 1 for s, y in enumerate(years)}
        axis = [None, *years]
        self._exp_table = self.weights["experience"] * np.array(
            [[experience_value(a, b) for b in axis] for a in axis], dtype=np.float64
        )
        self._mentee_exp = np.array([slot.get(e.experience_years, 0) for e in self.mentees], dtype=np.int64)
        self._mentor_exp = np.array([slot.get(r.experience_years, 0) for r in self.mentors], dtype=np.int64)

        # Interests: TF-IDF on the cohort's texts. Only terms used on both sides can contribute to
        # a mentee-mentor cosine, so the mentors' side keeps just those (norms already taken), and
        # is dense when small enough: a sparse row times a dense matrix is one pass per term.
        self.interests = fit_interests([e.interests for e in self.mentees] + [r.interests for r in self.mentors])
        left = self.interests.matrix([e.interests for e in self.mentees])
        right = self.interests.matrix([r.interests for r in self.mentors])
        both = np.flatnonzero((left.getnnz(axis=0) > 0) & (right.getnnz(axis=0) > 0))
        self._mentee_terms = left[:, both].tocsr()
        self._mentee_terms.sort_indices()
        self._mentor_rows = right[:, both].tocsr()
        self._mentor_rows.sort_indices()
        right_t = self._mentor_rows.T
        self._mentor_terms = right_t.toarray() if len(both) * m <= DENSE_TERMS_LIMIT else right_t.tocsr()
        self.shared_terms = len(both)

    # -- blocks --

    def buffers(self, rows: int | None = None) -> Buffers:
        return Buffers(rows or self.block_rows, self.shape[1])

    def _banned_coords(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        starts, ends = self._ban_ptr[rows], self._ban_ptr[rows + 1]
        counts = ends - starts
        total = int(counts.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        local = np.repeat(np.arange(len(rows)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        return local, self._ban_idx[np.repeat(starts, counts) + offsets]

    def shares_language(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Block of booleans: mentee ``rows[i]`` and mentor j share a mentoring language."""
        rows = np.asarray(rows, dtype=np.int64)
        work = work or self.buffers(len(rows))
        r = len(rows)
        return _any_shared(self._mentee_langs[rows], self._mentor_langs, work.allowed[:r], work.word[:r],
                           work.flag2[:r])

    def allowed(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Block of booleans: no hard rule (other than capacity) forbids the pair. With ``work``,
        the result lives in ``work.allowed`` until the next call."""
        rows = np.asarray(rows, dtype=np.int64)
        mask = self.shares_language(rows, work)
        local, cols = self._banned_coords(rows)
        mask[local, cols] = False
        if len(self._mentors_ruled_out):
            mask[:, self._mentors_ruled_out] = False
        return mask

    def raw_scores(self, rows: np.ndarray, work: Buffers | None = None) -> np.ndarray:
        """Float scores (sum of weighted criteria, in ``CRITERIA`` order) of mentees ``rows``
        against every mentor. With ``work``, the result lives in ``work.score``."""
        rows = np.asarray(rows, dtype=np.int64)
        work = work or self.buffers(len(rows))
        r = len(rows)
        score, extra, flag, flag2 = work.score[:r], work.extra[:r], work.flag[:r], work.flag2[:r]
        w = self.weights
        np.take(self._prof_table[self._mentee_prof[rows]], self._mentor_prof, axis=1, out=score)
        if w["education_field"]:
            np.equal(self._mentee_edu[rows, None], self._mentor_edu[None, :], out=flag)
            np.add(score, w["education_field"], out=score, where=flag)
        if w["sector"]:
            np.equal(self._mentee_sector[rows, None], self._mentor_sector[None, :], out=flag)
            np.add(score, w["sector"], out=score, where=flag)
        if w["location"]:
            np.equal(self._mentee_city[rows, None], self._mentor_city[None, :], out=flag)
            np.logical_and(self._mentee_remote[rows, None], self._mentor_remote[None, :], out=flag2)
            flag |= flag2
            np.add(score, w["location"], out=score, where=flag)
        if w["mother_tongue"]:
            _any_shared(self._mentee_tongues[rows], self._mentor_spoken, flag, work.word[:r], flag2)
            np.add(score, w["mother_tongue"], out=score, where=flag)
        np.take(self._exp_table[self._mentee_exp[rows]], self._mentor_exp, axis=1, out=extra)
        score += extra
        if w["interests"] and self.shared_terms:
            product = self._mentee_terms[rows] @ self._mentor_terms
            cosine = product if isinstance(product, np.ndarray) else product.toarray()
            np.multiply(cosine, w["interests"], out=cosine)
            score += cosine
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
        import scipy.sparse as sp

        i = np.asarray(mentee_rows, dtype=np.int64)
        j = np.asarray(mentor_cols, dtype=np.int64)
        w = self.weights
        if len(i) and self.shared_terms:
            # Elementwise products summed in term order: the same float operations as the block
            # product, hence the same bits.
            # (A sparse matrix's ``sum`` may add pairwise; a product with ones adds in order.)
            products = sp.csr_matrix(self._mentee_terms[i].multiply(self._mentor_rows[j]))
            cosine = np.asarray(products @ np.ones(products.shape[1]), dtype=np.float64).ravel()
        else:
            cosine = np.zeros(len(i))
        remote = self._mentee_remote[i] & self._mentor_remote[j]
        return {
            "profession": self._prof_table[self._mentee_prof[i], self._mentor_prof[j]],
            "education_field": w["education_field"] * (self._mentee_edu[i] == self._mentor_edu[j]),
            "sector": w["sector"] * (self._mentee_sector[i] == self._mentor_sector[j]),
            "location": w["location"] * ((self._mentee_city[i] == self._mentor_city[j]) | remote),
            "mother_tongue": w["mother_tongue"] * (
                (self._mentee_tongues[i] & self._mentor_spoken[j]) != 0).any(axis=1),
            "experience": self._exp_table[self._mentee_exp[i], self._mentor_exp[j]],
            "interests": w["interests"] * cosine,
        }

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
