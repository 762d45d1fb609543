"""Key takeaways of a session, offline: extractive TextRank over the notes and the
transcript, in pure Python.

Extractive, because a takeaway someone can trace to the words actually said or written
(with the speaker and the moment) is trusted and checked; a generated summary is
neither, and would need a model the product does not ship. TextRank (Mihalcea and
Tarau, 2004) ranks each sentence by how much the rest of the session echoes it:
sentences are TF-IDF vectors (the gap engine's terms), edges are their cosine
similarities, and a PageRank over that graph favours the sentences the session keeps
coming back to. Notes get twice the teleport weight of speech: someone chose to write
them down.

To stay fast on a two-hour meeting (1,500 cues, 1,800 sentences) it never compares
all pairs: trivial sentences ("ok", "yes thanks", "can you see my screen?") are dropped
first; a long meeting is cut to the ``MAX_GRAPH`` sentences nearest its centroid (one
linear pass; the notes are kept); similarities are summed through an inverted index of
terms that leaves out terms in more than a tenth of the sentences (their idf makes them
near worthless, and they are what makes an inverted index quadratic); each sentence
keeps its ``NEIGHBOURS`` strongest edges. Everything iterates over lists and
insertion-ordered dicts, never over sets of strings, so the same input gives the same
output in every process whatever its hash seed. Takeaways come in reading order: the
notes' first, then the transcript's by time.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from peerlearn.engines.capture.action_items import ActionCandidate, action_candidates
from peerlearn.engines.capture.sentences import (
    Sentence,
    Source,
    note_sentences,
    tidy,
    transcript_sentences,
)
from peerlearn.engines.capture.transcripts import Transcript, Turn, speaker_turns
from peerlearn.engines.gaps.text import tokens

MIN_TAKEAWAYS, MAX_TAKEAWAYS = 3, 7
MIN_TERMS = 4  # distinct meaningful terms a sentence needs to be a takeaway
NEIGHBOURS = 12
MAX_GRAPH = 600  # sentences in the graph; a long meeting is pre-filtered to these
DAMPING = 0.85
MAX_ITERATIONS, TOLERANCE = 100, 1e-7  # L1 change of the ranks (they sum to 1)
NOTES_WEIGHT = 2.0
REDUNDANT = 0.5  # cosine above which a takeaway repeats one already chosen
# Words of meeting talk that carry no content (stemmed as the terms are).
FILLER_TERMS = frozenset(
    tokens(
        "okay ok yeah yes yep nope hi hello hey bye thanks thank everyone everybody guys "
        "folks um uh hmm mhm right sure great cool awesome nice perfect good fine alright "
        "actually basically literally really just like kind sort stuff thing things lot "
        "think know mean guess see hear screen share sharing mute unmute can could would "
        "gonna wanna going get got let go yeah maybe well one also today question"
    )
)


@dataclass(frozen=True)
class Takeaway:
    text: str
    source: Source
    speaker: str | None
    start_ms: int | None
    line: int | None
    score: float


@dataclass(frozen=True)
class Summary:
    takeaways: tuple[Takeaway, ...]
    action_items: tuple[ActionCandidate, ...]


def summarise(*, notes: str = "", transcript: Transcript | Sequence[Turn] | None = None) -> Summary:
    """Takeaways and candidate action items of a session's notes and transcript."""
    sentences = _sentences(notes, transcript)
    speakers = transcript.speakers if isinstance(transcript, Transcript) else None
    return Summary(
        key_takeaways_of(sentences),
        action_candidates(sentences, speakers=speakers),
    )


def key_takeaways(
    *, notes: str = "", transcript: Transcript | Sequence[Turn] | None = None
) -> tuple[Takeaway, ...]:
    return key_takeaways_of(_sentences(notes, transcript))


def takeaway_count(words: int) -> int:
    """3 for a short session, one more each time its length doubles past 400 words, 7 at
    most (a two-hour meeting)."""
    if words < 800:
        return MIN_TAKEAWAYS
    return min(MAX_TAKEAWAYS, MIN_TAKEAWAYS + int(math.log2(words / 400)))


def key_takeaways_of(sentences: Sequence[Sentence]) -> tuple[Takeaway, ...]:
    words = sum(len(s.text.split()) for s in sentences)
    candidates: list[tuple[Sentence, str, list[str]]] = []
    seen: set[tuple[str, ...]] = set()
    for sentence in sentences:
        if sentence.kind != "text":
            continue
        text = tidy(sentence.text)
        terms = [t for t in tokens(text) if t not in FILLER_TERMS]
        key = tuple(sorted(set(terms)))
        if len(key) < MIN_TERMS or key in seen:
            continue  # trivial, or said again word for word
        seen.add(key)
        candidates.append((sentence, text, terms))
    if not candidates:
        return ()
    vectors = _tfidf([terms for _, _, terms in candidates])
    if len(candidates) > MAX_GRAPH:
        kept = _central(vectors, [s.source == "notes" for s, _, _ in candidates])
        candidates = [candidates[i] for i in kept]
        vectors = [vectors[i] for i in kept]
    edges = _edges(vectors)
    prior = [NOTES_WEIGHT if s.source == "notes" else 1.0 for s, _, _ in candidates]
    scores = _pagerank(edges, prior)
    chosen: list[int] = []
    for index in sorted(range(len(candidates)), key=lambda i: (-scores[i], i)):
        if len(chosen) == takeaway_count(words):
            break
        if all(_cosine(vectors[index], vectors[other]) <= REDUNDANT for other in chosen):
            chosen.append(index)
    result = []
    for index in sorted(chosen):
        sentence, text, _ = candidates[index]
        result.append(
            Takeaway(
                text,
                sentence.source,
                sentence.speaker,
                sentence.start_ms,
                sentence.line,
                round(scores[index], 6),
            )
        )
    return tuple(result)


def _sentences(notes: str, transcript: Transcript | Sequence[Turn] | None) -> list[Sentence]:
    turns: Sequence[Turn] = ()
    if isinstance(transcript, Transcript):
        turns = speaker_turns(transcript)
    elif transcript is not None:
        turns = transcript
    return note_sentences(notes) + transcript_sentences(turns)


def _tfidf(documents: list[list[str]]) -> list[dict[str, float]]:
    """Sublinear tf, smoothed idf, L2-normalised: the usual weighting for short texts."""
    frequency: dict[str, int] = {}
    for terms in documents:
        for term in dict.fromkeys(terms):
            frequency[term] = frequency.get(term, 0) + 1
    count = len(documents)
    idf = {term: math.log((count + 1) / (df + 1)) + 1 for term, df in frequency.items()}
    vectors = []
    for terms in documents:
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        weights = {t: (1 + math.log(n)) * idf[t] for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def _central(vectors: list[dict[str, float]], written: list[bool]) -> list[int]:
    """Indexes of the ``MAX_GRAPH`` sentences nearest the session's centroid (every
    sentence of the notes among them), in their original order: a linear pre-filter, so
    the graph of a long meeting stays small."""
    centroid: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for term, weight in vector.items():
            centroid[term] += weight
    closeness = [
        math.inf if notes else sum(w * centroid[t] for t, w in vector.items())
        for vector, notes in zip(vectors, written, strict=True)
    ]
    ranked = sorted(range(len(vectors)), key=lambda i: (-closeness[i], i))
    return sorted(ranked[:MAX_GRAPH])


def _edges(vectors: list[dict[str, float]]) -> list[dict[int, float]]:
    """Symmetric sparse similarity graph: each sentence's strongest ``NEIGHBOURS``."""
    limit = max(50, len(vectors) // 10)
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings.setdefault(term, []).append((index, weight))
    postings = {t: p for t, p in postings.items() if len(p) <= limit}
    edges: list[dict[int, float]] = [{} for _ in vectors]
    for index, vector in enumerate(vectors):
        dots: defaultdict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for other, other_weight in postings.get(term, ()):
                dots[other] += weight * other_weight
        dots.pop(index, None)
        # nlargest keeps the first of equal items, and dots are filled in index order.
        strongest = heapq.nlargest(NEIGHBOURS, dots.items(), key=itemgetter(1))
        for other, similarity in strongest:
            edges[index][other] = similarity
            edges[other][index] = similarity
    return edges


def _pagerank(edges: list[dict[int, float]], prior: list[float]) -> list[float]:
    """Weighted PageRank with a teleport vector proportional to ``prior``; sentences
    with no edge give their rank back through the teleport."""
    count = len(edges)
    total_prior = sum(prior)
    teleport = [p / total_prior for p in prior]
    # Each sentence's out-edges as (neighbour, share of its rank), computed once.
    out: list[list[tuple[int, float]]] = []
    for edge in edges:
        strength = sum(edge.values())
        out.append([(other, DAMPING * w / strength) for other, w in edge.items()])
    dangling = [index for index in range(count) if not out[index]]
    ranks = teleport[:]
    for _ in range(MAX_ITERATIONS):
        lost = DAMPING * sum(ranks[index] for index in dangling)
        new = [(1 - DAMPING + lost) * t for t in teleport]
        for rank, targets in zip(ranks, out, strict=True):
            for other, share in targets:
                new[other] += rank * share
        change = sum(abs(a - b) for a, b in zip(new, ranks, strict=True))
        ranks = new
        if change < TOLERANCE:
            break
    return ranks


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


__all__ = ["Summary", "Takeaway", "key_takeaways", "summarise", "takeaway_count"]
