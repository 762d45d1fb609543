"""Near-duplicate gaps: TF-IDF vectors compared by cosine.

Weights are the usual ones: sublinear term frequency ``1 + ln(tf)``, smoothed inverse
document frequency ``ln((1 + n) / (1 + df)) + 1`` and L2-normalised vectors, so a score
is a cosine in [0, 1]. A gap's title should weigh more than its description: build the
document's text with :func:`gap_text`, which writes the title twice.

Pairs above a threshold are found without comparing every pair, by the "all pairs"
prefix filter (Bayardo, Ma and Srikant, 2007): terms are ordered from the most to the
least common; for each vector only the suffix of terms after which a match could still
reach the threshold is put in the inverted index, so the long posting lists of common
words are never walked, and every candidate is then scored exactly. This finds every
pair above the threshold (the skipped prefix alone cannot reach it) in pure Python.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from peerlearn.engines.gaps.text import tokens

Vector = dict[int, float]  # term number → weight, L2-normalised


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


@dataclass(frozen=True, slots=True)
class Prefix:
    """The terms of a vector kept out of the inverted index, and what they could add."""

    weights: Vector
    bound: float  # upper bound of their dot product with any vector (< threshold)
    norm: float  # their L2 norm
    last_rank: int  # the rank of the last of them (-1 when there are none)


def all_pairs(vectors: Sequence[Vector], threshold: float) -> list[tuple[int, int, float]]:
    """Every ``(i, j, cosine)`` with ``i < j`` and cosine ≥ ``threshold`` (> 0)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    max_weight: dict[int, float] = {}
    frequency: Counter[int] = Counter()
    for vector in vectors:
        frequency.update(vector.keys())
        for number, weight in vector.items():
            if weight > max_weight.get(number, 0.0):
                max_weight[number] = weight
    # Most common first: they go in the unindexed prefix, their long lists stay short.
    ranking = sorted(frequency.items(), key=lambda t: (-t[1], t[0]))
    rank = {number: position for position, (number, _) in enumerate(ranking)}
    index: dict[int, list[tuple[int, float]]] = {}
    prefixes: list[Prefix] = []
    pairs: list[tuple[int, int, float]] = []
    for j, vector in enumerate(vectors):
        ordered = sorted(vector.items(), key=lambda item: rank[item[0]])
        if j:
            ranks = [rank[number] for number, _ in ordered]
            pairs.extend(
                _matches(j, vector, ordered, ranks, index, prefixes, max_weight, threshold)
            )
        # The prefix grows while what it could add to any dot product stays below the
        # threshold: by each term's largest weight anywhere, and by its own L2 norm
        # (Cauchy-Schwarz against a unit vector); the smaller bound wins.
        by_max = squares = 0.0
        split = len(ordered)
        for position, (number, weight) in enumerate(ordered):
            next_by_max = by_max + weight * max_weight[number]
            next_squares = squares + weight * weight
            if min(next_by_max, math.sqrt(next_squares)) >= threshold:
                split = position
                break
            by_max, squares = next_by_max, next_squares
        prefixes.append(
            Prefix(
                dict(ordered[:split]),
                min(by_max, math.sqrt(squares)),
                math.sqrt(squares),
                rank[ordered[split - 1][0]] if split else -1,
            )
        )
        for number, weight in ordered[split:]:
            index.setdefault(number, []).append((j, weight))
    return pairs


def _matches(
    j: int,
    vector: Vector,
    ordered: list[tuple[int, float]],
    ranks: list[int],
    index: dict[int, list[tuple[int, float]]],
    prefixes: list[Prefix],
    max_weight: dict[int, float],
    threshold: float,
) -> list[tuple[int, int, float]]:
    # Rarest terms first; once what the remaining terms could add falls below the
    # threshold, documents not met yet cannot match and are no longer added.
    remaining_squares = 1.0
    remaining_by_max = sum(weight * max_weight[number] for number, weight in ordered)
    partial: dict[int, float] = {}
    get = partial.get
    for number, weight in reversed(ordered):
        postings = index.get(number)
        if postings:
            if min(remaining_by_max, math.sqrt(max(remaining_squares, 0.0))) >= threshold:
                for i, other in postings:
                    partial[i] = get(i, 0.0) + weight * other
            else:
                for i, other in postings:
                    if i in partial:
                        partial[i] += weight * other
        remaining_squares -= weight * weight
        remaining_by_max -= weight * max_weight[number]
    # Squared norm of this vector's terms up to each rank, to bound a prefix's share.
    cumulative = list(accumulate(weight * weight for _, weight in ordered))
    found = []
    for i, suffix_dot in partial.items():
        prefix = prefixes[i]
        if suffix_dot + prefix.bound < threshold:
            continue
        reach = bisect_right(ranks, prefix.last_rank)
        shared = math.sqrt(cumulative[reach - 1]) if reach else 0.0
        if suffix_dot + min(prefix.bound, prefix.norm * shared) < threshold:
            continue
        weights = prefix.weights
        dot = suffix_dot + sum([weights[n] * vector[n] for n in weights.keys() & vector.keys()])
        if dot >= threshold:
            found.append((i, j, dot))
    return found


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
        self._vectors = [self._space.vector(terms) for terms in token_lists]
        self._postings: dict[int, list[tuple[int, float]]] = {}
        for position, vector in enumerate(self._vectors):
            for number, weight in vector.items():
                self._postings.setdefault(number, []).append((position, weight))

    def __len__(self) -> int:
        return len(self._ids)

    def similar_to(
        self, text: str, *, limit: int = 5, threshold: float = 0.35, exclude: int | None = None
    ) -> list[Match]:
        """The documents most like ``text`` (best first, ties by id): suggestions while
        someone types a new gap. ``exclude`` leaves out the gap being edited."""
        query = self._space.vector(tokens(text), include_unseen=True)
        scores: dict[int, float] = {}
        get = scores.get
        for number, weight in query.items():
            for position, other in self._postings[number]:
                scores[position] = get(position, 0.0) + weight * other
        matches = [
            Match(self._ids[position], _score(score))
            for position, score in scores.items()
            if score >= threshold and self._ids[position] != exclude
        ]
        matches.sort(key=lambda m: (-m.score, m.id))
        return matches[:limit]

    def duplicate_pairs(self, *, threshold: float = 0.5, limit: int = 200) -> list[DuplicatePair]:
        """Pairs of documents at least ``threshold`` alike, best first (ties by ids):
        the list a lead reviews to merge duplicates."""
        ids = self._ids
        pairs = [
            DuplicatePair(min(ids[i], ids[j]), max(ids[i], ids[j]), _score(score))
            for i, j, score in all_pairs(self._vectors, threshold)
        ]
        pairs.sort(key=lambda p: (-p.score, p.first, p.second))
        return pairs[:limit]
