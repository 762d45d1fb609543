"""Near-duplicate gaps: TF-IDF vectors compared by cosine.

Weights are the usual ones: sublinear term frequency ``1 + ln(tf)``, smoothed inverse
document frequency ``ln((1 + n) / (1 + df)) + 1`` and L2-normalised vectors, so a score
is a cosine in [0, 1]. A gap's title should weigh more than its description: build the
document's text with :func:`gap_text`, which writes the title twice.

Pairs above a threshold are found without comparing every pair (see
:func:`peerlearn.engines.gaps.pairs.all_pairs`); ``similar_to`` is exact. Documents are
kept as the rows of a sparse matrix, so scoring a text against all of them is one
matrix-vector product.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from peerlearn.engines.gaps.pairs import Vector, all_pairs
from peerlearn.engines.gaps.text import tokens

__all__ = ["Document", "DuplicatePair", "Match", "SimilarityIndex", "TfidfSpace", "all_pairs"]

# duplicate_pairs probes with each gap's four cheapest heavy terms (see all_pairs).
# Exact search walks the long lists of the title words many gaps share: 19-32 s for the
# benchmark's 10,000 gaps against under 1 s, for the same 200 best pairs, every planted
# duplicate and 97 % of the best 1,000 (docs/benchmarks.md, "Gap de-duplication").
PROBE_TERMS = 4


@dataclass(frozen=True)
class Document:
    id: int
    text: str


@dataclass(frozen=True)
class Match:
    id: int
    score: float  # cosine, 0..1


@dataclass(frozen=True)
class DuplicatePair:
    first: int  # the smaller id
    second: int
    score: float  # cosine, 0..1


def gap_text(title: str, description: str) -> str:
    """The text to index for a gap: the title twice (it says more than the body), then
    the description."""
    return f"{title}\n{title}\n{description}"


def _score(value: float) -> float:
    # Rounded so that sums taken in another order compare equal, and clamped against
    # rounding just above 1.
    return min(1.0, round(value, 6))


class TfidfSpace:
    """Term numbers and inverse document frequencies learnt from a corpus."""

    def __init__(self, corpus: Iterable[Sequence[str]]) -> None:
        self.term_numbers: dict[str, int] = {}
        document_frequency: list[int] = []
        self.size = 0
        for document in corpus:
            self.size += 1
            for term in set(document):
                number = self.term_numbers.get(term)
                if number is None:
                    number = self.term_numbers[term] = len(document_frequency)
                    document_frequency.append(0)
                document_frequency[number] += 1
        self.document_frequency = document_frequency
        n = self.size
        self.idf = [math.log((1 + n) / (1 + df)) + 1 for df in document_frequency]
        self._unseen_idf = math.log(1 + n) + 1

    def vector(self, terms: Sequence[str], *, include_unseen: bool = False) -> Vector:
        """The weighted, normalised vector of ``terms``. Terms the corpus never had take
        part in the norm only when ``include_unseen`` (a query with many unknown words
        is then, rightly, less similar to everything)."""
        weights: Vector = {}
        unseen_mass = 0.0
        numbers = self.term_numbers
        idf = self.idf
        for term, count in Counter(terms).items():
            weight = 1.0 + math.log(count)
            number = numbers.get(term)
            if number is None:
                if include_unseen:
                    unseen_mass += (weight * self._unseen_idf) ** 2
                continue
            weights[number] = weight * idf[number]
        norm = math.sqrt(sum(w * w for w in weights.values()) + unseen_mass)
        if norm == 0.0:
            return {}
        return {number: w / norm for number, w in weights.items()}


def tfidf_matrix(space: TfidfSpace, token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """The weighted, normalised vectors of documents the space learnt from, as the rows
    of a sparse matrix (the same weights as :meth:`TfidfSpace.vector`)."""
    numbers = space.term_numbers
    lengths = np.fromiter((len(terms) for terms in token_lists), dtype=np.int64)
    total = int(lengths.sum())
    columns = np.fromiter(
        (numbers[term] for terms in token_lists for term in terms), dtype=np.int64, count=total
    )
    row_of = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
    shape = (len(token_lists), len(numbers))
    # Duplicates are summed: the data become term counts.
    counts = sparse.csr_matrix((np.ones(total), (row_of, columns)), shape=shape)
    counts.sum_duplicates()
    weights = (1.0 + np.log(counts.data)) * np.asarray(space.idf)[counts.indices]
    squared = np.bincount(
        np.repeat(np.arange(shape[0]), np.diff(counts.indptr)),
        weights=weights * weights,
        minlength=shape[0],
    )
    norms = np.sqrt(squared)
    norms[norms == 0.0] = 1.0
    weights /= np.repeat(norms, np.diff(counts.indptr))
    matrix = sparse.csr_matrix((weights, counts.indices, counts.indptr), shape=shape)
    matrix.sort_indices()
    return matrix


class SimilarityIndex:
    """Documents ready to be compared with a new text or with each other."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._ids: list[int] = []
        token_lists: list[list[str]] = []
        seen: set[int] = set()
        for document in documents:
            if document.id in seen:
                raise ValueError(f"document id {document.id} appears twice")
            seen.add(document.id)
            self._ids.append(document.id)
            token_lists.append(tokens(document.text))
        self._space = TfidfSpace(token_lists)
        self._matrix = tfidf_matrix(self._space, token_lists)

    def __len__(self) -> int:
        return len(self._ids)

    def similar_to(
        self, text: str, *, limit: int = 5, threshold: float = 0.35, exclude: int | None = None
    ) -> list[Match]:
        """The documents most like ``text`` (best first, ties by id): suggestions while
        someone types a new gap. ``exclude`` leaves out the gap being edited."""
        query = self._space.vector(tokens(text), include_unseen=True)
        if not query or not self._ids:
            return []
        dense = np.zeros(self._matrix.shape[1])
        dense[list(query)] = list(query.values())
        scores = self._matrix @ dense
        # Only documents sharing a word (a score above 0) are like the text at all.
        positions = np.flatnonzero((scores >= threshold) & (scores > 0.0))
        matches = [
            Match(self._ids[position], _score(float(scores[position])))
            for position in positions.tolist()
            if self._ids[position] != exclude
        ]
        matches.sort(key=lambda m: (-m.score, m.id))
        return matches[:limit]

    def duplicate_pairs(self, *, threshold: float = 0.5, limit: int = 200) -> list[DuplicatePair]:
        """Pairs of documents at least ``threshold`` alike, best first (ties by ids):
        the list a lead reviews to merge duplicates."""
        ids = self._ids
        pairs = [
            DuplicatePair(min(ids[i], ids[j]), max(ids[i], ids[j]), _score(score))
            for i, j, score in all_pairs(self._matrix, threshold, max_probe_terms=PROBE_TERMS)
        ]
        pairs.sort(key=lambda p: (-p.score, p.first, p.second))
        return pairs[:limit]
