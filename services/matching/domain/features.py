"""One feature builder per criterion, for ``CohortScorer``, and the two the hard rules need.

A builder reads its criterion off every mentee and mentor once (small integer ids, bitmasks,
a table over the distinct values, TF-IDF rows), then adds its weighted values to a block of
scores (``add``) or gives them for a list of pairs (``pairs``). The float operations are those
``scoring.criteria_values`` does one pair at a time, and ``CohortScorer`` adds the criteria in
``CRITERIA`` order as ``score_pair`` does, so both paths agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from services.shared.reference import isco08

from .interests import fit_interests
from .model import CRITERIA, Mentee, Mentor
from .scoring import (
    PROFESSION_BY_LEVEL,
    employer_key,
    experience_value,
    language_keys,
    missing_languages,
    text_key,
)

#: The mentors' side of the interest vectors is kept dense up to this many numbers (64 MB).
DENSE_TERMS_LIMIT = 8_000_000


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


def _language_masks(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Bitmasks of both sides over the languages either side names."""
    index = {lang: i for i, lang in enumerate(sorted(set().union(*left, *right)))}
    return _bitmasks(left, index), _bitmasks(right, index)


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


# --- the hard rules ------------------------------------------------------------------------------

class SharedLanguage:
    """The first hard rule: mentee and mentor share a mentoring language."""

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> None:
        self.mentees, self.mentors = _language_masks([language_keys(e.mentoring_languages) for e in mentees],
                                                     [language_keys(r.mentoring_languages) for r in mentors])

    def block(self, rows: np.ndarray, work: Buffers) -> np.ndarray:
        """Booleans of ``rows`` against every mentor, in ``work.allowed``."""
        r = len(rows)
        return _any_shared(self.mentees[rows], self.mentors, work.allowed[:r], work.word[:r], work.flag2[:r])


class Bans:
    """The other hard rules. The programme's required languages rule a mentor out for everyone
    (one column mask); forbids, own and excluded employers are rare per mentee, so they are a
    sparse list of banned mentors per mentee, applied to each block by fancy indexing."""

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor],
                 forbidden: Iterable[tuple[str, str]], required_languages: Iterable[str]) -> None:
        self.required_languages = language_keys(required_languages)
        self.missing = [missing_languages(r, self.required_languages) for r in mentors]
        self._ruled_out = np.array([j for j, m in enumerate(self.missing) if m], dtype=np.int64)

        mentee_index = {e.id: i for i, e in enumerate(mentees)}
        mentor_index = {r.id: j for j, r in enumerate(mentors)}
        by_employer: dict[str, list[int]] = {}
        for j, r in enumerate(mentors):
            key = employer_key(r.employer)
            if key is not None:
                by_employer.setdefault(key, []).append(j)
        banned: list[set[int]] = [set() for _ in mentees]
        for i, e in enumerate(mentees):
            for key in {employer_key(e.employer), *(employer_key(x) for x in e.excluded_employers)}:
                if key is not None and key in by_employer:
                    banned[i].update(by_employer[key])
        for mentee_id, mentor_id in forbidden:
            if mentee_id in mentee_index and mentor_id in mentor_index:
                banned[mentee_index[mentee_id]].add(mentor_index[mentor_id])
        counts = np.array([len(b) for b in banned], dtype=np.int64)
        self._ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._idx = np.array([j for b in banned for j in sorted(b)], dtype=np.int64)

    def _coords(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        starts, ends = self._ptr[rows], self._ptr[rows + 1]
        counts = ends - starts
        total = int(counts.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        local = np.repeat(np.arange(len(rows)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        return local, self._idx[np.repeat(starts, counts) + offsets]

    def apply(self, rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Clear the banned pairs of ``rows`` in ``mask`` (a block of ``rows`` × every mentor)."""
        local, cols = self._coords(rows)
        mask[local, cols] = False
        if len(self._ruled_out):
            mask[:, self._ruled_out] = False
        return mask


# --- the criteria ----------------------------------------------------------------------------------

class Table:
    """A criterion that reads one value off each side: a weighted table over the distinct values
    (slot 0 = none), gathered per block."""

    def __init__(self, table: np.ndarray, mentee_slots: np.ndarray, mentor_slots: np.ndarray) -> None:
        self.table, self.mentee_slots, self.mentor_slots = table, mentee_slots, mentor_slots

    def put(self, out: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Write the block's values into ``out`` (the first criterion starts the score this way)."""
        return np.take(self.table[self.mentee_slots[rows]], self.mentor_slots, axis=1, out=out)

    def add(self, score: np.ndarray, rows: np.ndarray, work: Buffers) -> None:
        score += self.put(work.extra[:len(rows)], rows)

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.table[self.mentee_slots[i], self.mentor_slots[j]]

    @property
    def keys(self) -> np.ndarray:
        """What the criterion reads off each mentee, one row each (``CohortScorer`` gathers by it)."""
        return self.mentee_slots[:, None]


def profession(mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> Table:
    """The depth of the ISCO-08 group shared, over the cohort's distinct codes."""
    codes = _Codes()
    mentee_codes = np.array([codes(isco08.as_code(e.wished_profession)) for e in mentees], dtype=np.int64)
    mentor_codes = np.array([codes(isco08.as_code(r.profession)) for r in mentors], dtype=np.int64)
    distinct = [None, *sorted(codes.ids, key=codes.ids.get)]  # slot 0 is "no code"
    table = np.array([[PROFESSION_BY_LEVEL[isco08.shared_level(a, b)] for b in distinct] for a in distinct])
    return Table(weight * table, mentee_codes + 1, mentor_codes + 1)


def experience(mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> Table:
    """How far the mentor is ahead, over the cohort's distinct year values (slot 0 = unknown)."""
    years = sorted({y for p in (*mentees, *mentors) if (y := p.experience_years) is not None})
    slot = {y: s + 1 for s, y in enumerate(years)}
    axis = [None, *years]
    table = weight * np.array([[experience_value(a, b) for b in axis] for a in axis], dtype=np.float64)
    return Table(table, np.array([slot.get(e.experience_years, 0) for e in mentees], dtype=np.int64),
                 np.array([slot.get(r.experience_years, 0) for r in mentors], dtype=np.int64))


class Equal:
    """A criterion met when both sides give the same text (``text_key``): ids from one shared
    vocabulary, a missing value -1 on the mentee side and -2 on the mentor side, so that it never
    equals anything."""

    def __init__(self, weight: float, mentee_values: Sequence[str | None], mentor_values: Sequence[str | None]) -> None:
        vocab = _Codes()
        self.weight = weight
        self.mentees = np.array([vocab(text_key(v)) for v in mentee_values], dtype=np.int64)
        self.mentors = np.array([vocab(text_key(v)) for v in mentor_values], dtype=np.int64)
        self.mentors[self.mentors < 0] = -2

    def flags(self, rows: np.ndarray, work: Buffers) -> np.ndarray:
        return np.equal(self.mentees[rows, None], self.mentors[None, :], out=work.flag[:len(rows)])

    def add(self, score: np.ndarray, rows: np.ndarray, work: Buffers) -> None:
        if self.weight:
            np.add(score, self.weight, out=score, where=self.flags(rows, work))

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.weight * (self.mentees[i] == self.mentors[j])

    @property
    def keys(self) -> np.ndarray:
        return self.mentees[:, None]


def education_field(mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> Equal:
    return Equal(weight, [e.education_field for e in mentees], [r.education_field for r in mentors])


def sector(mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> Equal:
    return Equal(weight, [e.sector for e in mentees], [r.sector for r in mentors])


class Location(Equal):
    """The same city, or both open to meeting remotely."""

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> None:
        super().__init__(weight, [e.city for e in mentees], [r.city for r in mentors])
        self.mentee_remote = np.array([e.remote_ok for e in mentees], dtype=bool)
        self.mentor_remote = np.array([r.remote_ok for r in mentors], dtype=bool)

    def flags(self, rows: np.ndarray, work: Buffers) -> np.ndarray:
        flag = super().flags(rows, work)
        flag |= np.logical_and(self.mentee_remote[rows, None], self.mentor_remote[None, :], out=work.flag2[:len(rows)])
        return flag

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        remote = self.mentee_remote[i] & self.mentor_remote[j]
        return self.weight * ((self.mentees[i] == self.mentors[j]) | remote)

    @property
    def keys(self) -> np.ndarray:
        return np.stack([self.mentees, self.mentee_remote], axis=1).astype(np.int64)


class MotherTongue:
    """A mentee's mother tongue among the languages the mentor speaks."""

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> None:
        self.weight = weight
        self.mentees, self.mentors = _language_masks([language_keys(e.mother_tongues) for e in mentees],
                                                     [language_keys(r.spoken_languages) for r in mentors])

    def add(self, score: np.ndarray, rows: np.ndarray, work: Buffers) -> None:
        if self.weight:
            r = len(rows)
            flag = _any_shared(self.mentees[rows], self.mentors, work.flag[:r], work.word[:r], work.flag2[:r])
            np.add(score, self.weight, out=score, where=flag)

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.weight * ((self.mentees[i] & self.mentors[j]) != 0).any(axis=1)

    @property
    def keys(self) -> np.ndarray:
        return self.mentees.view(np.int64)


class Interests:
    """The cosine of TF-IDF vectors fitted on the cohort's texts. Only terms used on both sides can
    contribute to a mentee-mentor cosine, so the mentors' side keeps just those (norms already
    taken), and is dense when small enough: a sparse row times a dense matrix is one pass per term."""

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], weight: float) -> None:
        self.weight = weight
        self.model = fit_interests([e.interests for e in mentees] + [r.interests for r in mentors])
        left = self.model.matrix([e.interests for e in mentees])
        right = self.model.matrix([r.interests for r in mentors])
        both = np.flatnonzero((left.getnnz(axis=0) > 0) & (right.getnnz(axis=0) > 0))
        self.mentee_terms = left[:, both].tocsr()
        self.mentee_terms.sort_indices()
        self.mentor_rows = right[:, both].tocsr()
        self.mentor_rows.sort_indices()
        right_t = self.mentor_rows.T
        self.mentor_terms = right_t.toarray() if len(both) * len(mentors) <= DENSE_TERMS_LIMIT else right_t.tocsr()
        self.shared_terms = len(both)
        self.keys = None  # a cosine reads the whole text: never gathered

    def add(self, score: np.ndarray, rows: np.ndarray, work: Buffers) -> None:
        if self.weight and self.shared_terms:
            product = self.mentee_terms[rows] @ self.mentor_terms
            cosine = product if isinstance(product, np.ndarray) else product.toarray()
            np.multiply(cosine, self.weight, out=cosine)
            score += cosine

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        import scipy.sparse as sp

        if len(i) and self.shared_terms:
            # Elementwise products summed in term order: the same float operations as the block
            # product, hence the same bits.
            # (A sparse matrix's ``sum`` may add pairwise; a product with ones adds in order.)
            products = sp.csr_matrix(self.mentee_terms[i].multiply(self.mentor_rows[j]))
            cosine = np.asarray(products @ np.ones(products.shape[1]), dtype=np.float64).ravel()
        else:
            cosine = np.zeros(len(i))
        return self.weight * cosine


#: A builder per criterion, ``builder(mentees, mentors, weight)``, in ``CRITERIA`` order.
BUILDERS: dict[str, Callable] = {
    "profession": profession,
    "education_field": education_field,
    "sector": sector,
    "location": Location,
    "mother_tongue": MotherTongue,
    "experience": experience,
    "interests": Interests,
}
assert tuple(BUILDERS) == CRITERIA, "a builder per criterion, in the order scores add up"
