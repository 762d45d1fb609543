"""Near-duplicate gaps: TF-IDF vectors compared by cosine.

Weights are the usual ones: sublinear term frequency ``1 + ln(tf)``, smoothed inverse
document frequency ``ln((1 + n) / (1 + df)) + 1`` and L2-normalised vectors, so a score
is a cosine in [0, 1]. A gap's title should weigh more than its description: build the
document's text with :func:`gap_text`, which writes the title twice.

Pairs above a threshold are found without comparing every pair: an inverted index is
probed only with each vector's rare heavy terms (see :func:`all_pairs`; the idea is the
prefix filtering of Bayardo, Ma and Srikant, 2007, with an L2 bound as in Anastasiu and
Karypis' L2AP), and every candidate is then scored exactly. ``similar_to`` is exact.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peerlearn.engines.gaps.text import tokens

Vector = dict[int, float]  # term number → weight, L2-normalised

# duplicate_pairs probes with each gap's four cheapest heavy terms (see all_pairs).
# Exact search walks the long lists of the title words many gaps share: 19-32 s for the
# benchmark's 10,000 gaps against about 2 s, for the same 200 best pairs, every planted
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


def all_pairs(
    vectors: Sequence[Vector],
    threshold: float,
    *,
    max_probe_terms: int | None = None,
    postings: dict[int, list[tuple[int, float]]] | None = None,
) -> list[tuple[int, int, float]]:
    """Every ``(i, j, cosine)`` with ``i < j`` and cosine ≥ ``threshold`` (> 0).

    Each vector's *signature* is a set of its terms large enough for the L2 norm of the
    rest to fall below √threshold, picked cheapest first (most squared weight for the
    shortest posting list, so rare heavy words). Two unit vectors whose shared terms lie
    outside both signatures have a dot product below √t·√t = t, so any pair above the
    threshold shares a term of one of the two signatures: probing the inverted index
    with signature terms only finds every pair, and the long lists of common words are
    walked only when a vector has nothing rarer.

    ``max_probe_terms`` caps each signature and makes the search approximate, for
    speed on large corpora: a pair is then found only when it shares one of either
    side's first probe terms, and only candidates that get at least half the threshold
    from them (less when the probe terms hold less than half the vector's mass) are
    scored: one shared rare word is not a topic. The benchmarks measure what it misses.
    ``postings`` (as :func:`inverted_index` makes them) saves building them again.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    if postings is None:
        postings = inverted_index(vectors)
    limit = threshold  # the rest's squared norm must stay below this (√t squared)
    signatures: list[frozenset[int]] = []
    rests: list[float] = []
    floors: list[float] = []
    for vector in vectors:
        # Cheapest first: most weight for the shortest posting list.
        cheapest = [(-w * w / len(postings[n]), n, w) for n, w in vector.items()]
        if max_probe_terms is None:
            cheapest.sort()
        else:
            cheapest = heapq.nsmallest(max_probe_terms, cheapest)
        rest = 1.0
        taken: list[int] = []
        for _, number, weight in cheapest:
            if rest < limit:
                break
            taken.append(number)
            rest -= weight * weight
        signatures.append(frozenset(taken))
        rests.append(math.sqrt(max(rest, 0.0)))
        # With a cap, a candidate must get from the probed terms half the threshold (or,
        # when they hold less than half the vector's mass, that mass times it): one
        # shared rare word is not a topic.
        floors.append(0.0 if max_probe_terms is None else threshold * min(0.5, 1.0 - rest))
    pairs: list[tuple[int, int, float]] = []
    scored: set[tuple[int, int]] = set()
    for i, vector in enumerate(vectors):
        partial: dict[int, float] = {}
        get = partial.get
        for number in signatures[i]:
            weight = vector[number]
            for j, other in postings[number]:
                partial[j] = get(j, 0.0) + weight * other
        keys = vector.keys()
        # Terms outside this signature add at most the rest's norm.
        lowest = max(threshold - rests[i], floors[i])
        for j in [j for j, signature_dot in partial.items() if signature_dot >= lowest]:
            if j == i:
                continue
            # A pair may be met from both sides: score it once.
            pair = (i, j) if i < j else (j, i)
            if pair in scored:
                continue
            scored.add(pair)
            other_vector = vectors[j]
            dot = sum([vector[n] * other_vector[n] for n in keys & other_vector.keys()])
            if dot >= threshold:
                pairs.append((*pair, dot))
    pairs.sort()
    return pairs


def inverted_index(vectors: Sequence[Vector]) -> dict[int, list[tuple[int, float]]]:
    """Term → ``(position, weight)`` of every vector holding it, in position order."""
    postings: dict[int, list[tuple[int, float]]] = {}
    for position, vector in enumerate(vectors):
        for number, weight in vector.items():
            postings.setdefault(number, []).append((position, weight))
    return postings


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
        self._postings = inverted_index(self._vectors)

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
            for i, j, score in all_pairs(
                self._vectors, threshold, max_probe_terms=PROBE_TERMS, postings=self._postings
            )
        ]
        pairs.sort(key=lambda p: (-p.score, p.first, p.second))
        return pairs[:limit]
