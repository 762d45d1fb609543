"""All pairs of TF-IDF vectors at least ``threshold`` alike, without comparing every pair.

An inverted index is probed only with each vector's rare heavy terms (the prefix
filtering of Bayardo, Ma and Srikant, 2007, with an L2 bound as in Anastasiu and
Karypis' L2AP), and every candidate is then scored exactly. Both steps are sparse
matrix products (SciPy): the same arithmetic as walking posting lists by hand, done in
compiled loops, which is what brings 10,000 gaps under the 2 s the backlog allows
(docs/benchmarks.md, "Gap de-duplication").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Vector = dict[int, float]  # term number → weight, L2-normalised

# Rows whose partial products are taken at once: bounds memory on large corpora (a
# block's products hold one entry per pair sharing a probed term).
BLOCK_ROWS = 2_000
# Candidates scored exactly at once, for the same reason.
SCORE_BLOCK = 200_000


def matrix_of(vectors: Sequence[Vector]) -> sparse.csr_matrix:
    """The vectors as the rows of a sparse matrix (columns are term numbers)."""
    lengths = [len(vector) for vector in vectors]
    columns = np.fromiter(
        (number for vector in vectors for number in vector), dtype=np.int64, count=sum(lengths)
    )
    weights = np.fromiter(
        (weight for vector in vectors for weight in vector.values()),
        dtype=np.float64,
        count=sum(lengths),
    )
    width = int(columns.max()) + 1 if len(columns) else 0
    indptr = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
    matrix = sparse.csr_matrix((weights, columns, indptr), shape=(len(vectors), width))
    matrix.sort_indices()
    return matrix


def all_pairs(
    vectors: Sequence[Vector] | sparse.csr_matrix,
    threshold: float,
    *,
    max_probe_terms: int | None = None,
) -> list[tuple[int, int, float]]:
    """Every ``(i, j, cosine)`` with ``i < j`` and cosine ≥ ``threshold`` (> 0), in order.

    ``vectors`` are L2-normalised rows (dicts, or a CSR matrix as ``matrix_of`` and
    ``SimilarityIndex`` make them).

    Each vector's *signature* is a set of its terms large enough for the L2 norm of the
    rest to fall below √threshold, picked cheapest first (most squared weight for the
    shortest posting list, so rare heavy words). Two unit vectors whose shared terms lie
    outside both signatures have a dot product below √t·√t = t, so any pair above the
    threshold shares a term of one of the two signatures: probing with signature terms
    only finds every pair, and the long lists of common words are walked only when a
    vector has nothing rarer.

    ``max_probe_terms`` caps each signature and makes the search approximate, for
    speed on large corpora: a pair is then found only when it shares one of either
    side's first probe terms, and only candidates that get at least half the threshold
    from them (less when the probe terms hold less than half the vector's mass) are
    scored: one shared rare word is not a topic. The benchmarks measure what it misses.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    matrix: sparse.csr_matrix = (
        vectors if isinstance(vectors, sparse.csr_matrix) else matrix_of(vectors)
    )
    rows = matrix.shape[0]
    if rows < 2 or matrix.nnz == 0:
        return []
    signatures, lowest = _signatures(matrix, threshold, max_probe_terms)
    columns = matrix.T.tocsr()
    firsts: list[NDArray[np.int64]] = []
    seconds: list[NDArray[np.int64]] = []
    for start in range(0, rows, BLOCK_ROWS):
        partial = (signatures[start : start + BLOCK_ROWS] @ columns).tocoo()
        i = partial.row.astype(np.int64) + start
        j = partial.col.astype(np.int64)
        keep = (partial.data >= lowest[i]) & (i != j)
        i, j = i[keep], j[keep]
        firsts.append(np.minimum(i, j))
        seconds.append(np.maximum(i, j))
    # A pair may be met from both sides: score it once.
    codes = np.unique(np.concatenate(firsts) * rows + np.concatenate(seconds))
    pairs: list[tuple[int, int, float]] = []
    for start in range(0, len(codes), SCORE_BLOCK):
        block = codes[start : start + SCORE_BLOCK]
        first, second = block // rows, block % rows
        dots = np.asarray(matrix[first].multiply(matrix[second]).sum(axis=1)).ravel()
        found = dots >= threshold
        pairs += zip(
            first[found].tolist(), second[found].tolist(), dots[found].tolist(), strict=True
        )
    return pairs  # codes were sorted, so pairs are too


def _signatures(
    matrix: sparse.csr_matrix, threshold: float, max_probe_terms: int | None
) -> tuple[sparse.csr_matrix, NDArray[np.float64]]:
    """Each row's signature terms (as a matrix of their weights), and the least partial
    product from them a candidate needs."""
    rows, width = matrix.shape
    counts = np.diff(matrix.indptr)
    row_of = np.repeat(np.arange(rows, dtype=np.int64), counts)
    terms = matrix.indices.astype(np.int64)
    weights = matrix.data
    posting_lengths = np.bincount(terms, minlength=width)
    cost = -(weights * weights) / posting_lengths[terms]
    order = np.lexsort((terms, cost, row_of))  # by row, cheapest first, ties by term
    row_of, terms, weights = row_of[order], terms[order], weights[order]
    squared = weights * weights
    row_start = matrix.indptr[:-1]
    # The squared mass before each term, within its row.
    before = np.cumsum(squared) - squared
    before -= np.repeat(np.append(before, 0.0)[row_start], counts)
    rank = np.arange(len(terms)) - np.repeat(row_start, counts)
    taken = (1.0 - before) >= threshold  # the rest's squared norm must fall below t
    if max_probe_terms is not None:
        taken &= rank < max_probe_terms
    taken_mass = np.bincount(row_of[taken], weights=squared[taken], minlength=rows)
    rest = np.maximum(1.0 - taken_mass, 0.0)
    # With a cap, a candidate must get from the probed terms half the threshold (or,
    # when they hold less than half the vector's mass, that mass times it).
    uncapped = max_probe_terms is None
    floors = np.zeros(rows) if uncapped else threshold * np.minimum(0.5, 1.0 - rest)
    lowest = np.maximum(threshold - np.sqrt(rest), floors)
    signatures = sparse.csr_matrix(
        (weights[taken], (row_of[taken], terms[taken])), shape=(rows, width)
    )
    return signatures, lowest
