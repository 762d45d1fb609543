"""Whatever the upload, a parser returns its items or raises ImportProblems: never
another exception."""

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.gaps.imports import ImportProblems
from peerlearn.engines.gaps.imports.markdown_list import parse_markdown_bullets
from peerlearn.engines.gaps.imports.retro_csv import ColumnMapping, csv_columns, parse_retro_csv
from peerlearn.engines.gaps.imports.trackers import (
    parse_github_issues_json,
    parse_gitlab_issues,
    parse_jira_csv,
)

FIXTURES = Path(__file__).parent / "fixtures"
PARSERS: list[Callable[[bytes], object]] = [
    csv_columns,
    lambda data: parse_retro_csv(data, ColumnMapping("Title", "Description", "Votes")),
    lambda data: parse_markdown_bullets(data.decode("utf-8", "replace")),
    parse_github_issues_json,
    parse_gitlab_issues,
    parse_jira_csv,
]
SEEDS = [path.read_bytes() for path in sorted(FIXTURES.iterdir())]


def mutate(data: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    for position, insert in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + len(insert) :]
    return data


@pytest.mark.parametrize("parse", PARSERS)
@settings(max_examples=150, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cuts=st.lists(
        st.tuples(
            st.integers(0, 5000),
            st.sampled_from(
                [b'"', b",", b";", b"\n", b"\x00", b"\xff", b"{", b"]", b"-", b"9" * 30]
            )
            | st.binary(max_size=4),
        ),
        max_size=6,
    ),
)
def test_mutated_uploads_are_refused_cleanly(
    parse: Callable[[bytes], object], seed: bytes, cuts: list[tuple[int, bytes]]
) -> None:
    refused: ImportProblems | None = None
    try:
        result = parse(mutate(seed, cuts))
    except ImportProblems as problems:
        refused = problems
    if refused is None:
        assert isinstance(result, list)
    else:
        assert refused.problems
        assert all(str(problem) for problem in refused.problems)


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (parse_github_issues_json, b"[" * 100_000 + b"]" * 100_000),
        (parse_github_issues_json, b"[]\n" + b"[" * 100_000),
        (parse_gitlab_issues, b'{"iid": 1}\n{"labels": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ],
)
def test_json_nested_past_the_interpreters_limit_is_a_problem(
    parse: Callable[[bytes], object], data: bytes
) -> None:
    """json raises RecursionError, not JSONDecodeError, for thousands of nested arrays."""
    with pytest.raises(ImportProblems) as refused:
        parse(data)

    assert any("nested too deeply" in str(p) for p in refused.value.problems)
