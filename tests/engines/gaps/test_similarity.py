import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.gaps.similarity import (
    Document,
    DuplicatePair,
    SimilarityIndex,
    TfidfSpace,
    all_pairs,
    gap_text,
    tfidf_matrix,
)
from peerlearn.engines.gaps.text import tokens

GAPS = [
    Document(1, gap_text("Kubernetes deployments", "How we deploy services to our k8s clusters")),
    Document(2, gap_text("Deploying to Kubernetes", "Deploy services to the k8s cluster safely")),
    Document(
        3, gap_text("PostgreSQL query tuning", "Reading EXPLAIN ANALYZE and choosing indexes")
    ),
    Document(4, gap_text("Tuning Postgres queries", "EXPLAIN ANALYZE, indexes and query plans")),
    Document(5, gap_text("Giving feedback in code review", "Kind, specific review comments")),
]


def test_near_duplicates_are_paired_and_unrelated_are_not() -> None:
    pairs = SimilarityIndex(GAPS).duplicate_pairs(threshold=0.3)
    assert {(p.first, p.second) for p in pairs} == {(1, 2), (3, 4)}
    assert all(p.score >= 0.3 for p in pairs)
    assert pairs == sorted(pairs, key=lambda p: -p.score)


def test_similar_to_suggests_while_typing_and_honours_exclude() -> None:
    index = SimilarityIndex(GAPS)
    matches = index.similar_to("deploy to kubernetes")
    assert [m.id for m in matches] == [2, 1] or [m.id for m in matches] == [1, 2]
    assert 5 not in [m.id for m in matches]
    assert [m.id for m in index.similar_to(GAPS[0].text, exclude=1)] == [2]
    assert index.similar_to("deploy to kubernetes", limit=1)[0].id == matches[0].id


def test_identical_text_scores_one_and_unknown_words_score_nothing() -> None:
    index = SimilarityIndex(GAPS)
    assert index.similar_to(GAPS[2].text)[0].score == 1.0
    assert index.similar_to("zebra quantum origami") == []


def test_empty_index_and_empty_text() -> None:
    index = SimilarityIndex([])
    assert index.similar_to("anything") == []
    assert index.duplicate_pairs() == []
    assert SimilarityIndex([Document(1, ""), Document(2, "")]).duplicate_pairs() == []


def test_ties_are_broken_by_id_and_output_is_deterministic() -> None:
    same = [Document(i, "terraform state locking") for i in (9, 3, 7)]
    pairs = SimilarityIndex(same).duplicate_pairs()
    assert pairs == [DuplicatePair(3, 7, 1.0), DuplicatePair(3, 9, 1.0), DuplicatePair(7, 9, 1.0)]
    assert [m.id for m in SimilarityIndex(same).similar_to("terraform state")] == [3, 7, 9]
    assert SimilarityIndex(reversed(GAPS)).duplicate_pairs(threshold=0.3) == SimilarityIndex(
        GAPS
    ).duplicate_pairs(threshold=0.3)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="id 1 appears twice"):
        SimilarityIndex([Document(1, "a"), Document(1, "b")])


def test_limit_cuts_the_review_list() -> None:
    same = [Document(i, "terraform state locking") for i in range(10)]
    assert len(SimilarityIndex(same).duplicate_pairs(limit=4)) == 4


WORDS = st.sampled_from(
    [
        "kafka",
        "lag",
        "consumer",
        "helm",
        "chart",
        "deploy",
        "test",
        "flaky",
        "grafana",
        "alert",
        "state",
    ]
)
TEXTS = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=2, max_size=12), st.floats(0.05, 1.0))
def test_pairs_agree_with_brute_force(texts: list[str], threshold: float) -> None:
    index = SimilarityIndex(Document(i, t) for i, t in enumerate(texts))
    rows = index._matrix
    vectors = [dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)) for row in rows]
    expected = {
        (i, j)
        for i in range(len(vectors))
        for j in range(i + 1, len(vectors))
        if sum(w * vectors[j].get(n, 0.0) for n, w in vectors[i].items()) >= threshold + 1e-9
    }
    found = {(i, j) for i, j, _ in all_pairs(vectors, threshold)}
    assert expected <= found
    assert found == {(i, j) for i, j, _ in all_pairs(rows, threshold)}


@settings(max_examples=60, deadline=None)
@given(TEXTS, TEXTS)
def test_scores_lie_in_0_1_and_are_symmetric(a: str, b: str) -> None:
    forward = SimilarityIndex([Document(1, a), Document(2, b)])
    backward = SimilarityIndex([Document(2, b), Document(1, a)])
    ab = forward.similar_to(a, exclude=1, threshold=0.0)
    ba = forward.similar_to(b, exclude=2, threshold=0.0)
    assert [m.score for m in ab] == pytest.approx([m.score for m in ba], abs=1e-6)
    for match in ab + ba:
        assert 0.0 <= match.score <= 1.0
    pairs = forward.duplicate_pairs(threshold=0.01)
    assert pairs == backward.duplicate_pairs(threshold=0.01)
    assert all(0.0 <= p.score <= 1.0 and p.first < p.second for p in pairs)


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=8))
def test_matrix_rows_are_the_spaces_vectors(texts: list[str]) -> None:
    token_lists = [tokens(text) for text in texts]
    space = TfidfSpace(token_lists)
    matrix = tfidf_matrix(space, token_lists)
    for row, terms in zip(matrix, token_lists, strict=True):
        expected = space.vector(terms)
        got = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        assert got.keys() == expected.keys()
        assert list(got.values()) == pytest.approx([expected[n] for n in got])
