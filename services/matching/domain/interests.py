"""Interests as TF-IDF vectors fitted on one cohort's own texts (no model, no download): the
single-pair path (``InterestModel.vector``, ``interest_similarity``) and the bulk one
(``InterestModel.matrix``) give the same numbers to the last bit."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # SciPy is imported where interests are compared, not when the service starts
    import scipy.sparse as sp

#: Words of two letters or more, in any script: the texts are Swedish, Finnish, Norwegian or
#: English, and a shared word is what matters, so no stemming.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


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
