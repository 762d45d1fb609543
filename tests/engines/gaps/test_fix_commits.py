from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerlearn.engines.gaps.fix_commits import (
    FixCommit,
    areas_for_issues,
    fix_commits,
    is_fix_message,
    issue_references,
)
from tests.engines.knowledge.gitrepo import BASE, GitRepo

ANN = "Ann Admin <ann@example.com>"
BOB = "Bob Builder <bob@example.com>"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Fix crash (#123)", {"#123"}),
        ("fixes GH-12 and gh-13", {"#12", "#13"}),
        ("closes acme/web#12", {"#12"}),
        ("PROJ-45: handle empty input", {"PROJ-45"}),
        ("see https://jira.example.com/browse/AB2-7", {"AB2-7"}),
        ("decode UTF-8 and ISO-8601 dates, SHA-256 sums, RFC-2616", set()),
        ("patched CVE-2024-1234 in UTC-5", set()),
        ("anchor https://example.com/page#12 and &#123; entity", set()),
        ("issue#12 and x-PROJ-4 and PROJ-4-b are not references", set()),
        ("lower-case proj-45 is not a key", set()),
        ("merge request !7 is not an issue", set()),
        ("#0 and #007 are not issues", set()),
        ("Refs #5, #5 again, PROJ-9", {"#5", "PROJ-9"}),
        ("", set()),
    ],
)
def test_issue_references(message: str, expected: set[str]) -> None:
    assert issue_references(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Fix the parser", True),
        ("fix: conventional commit", True),
        ("BUGFIX in cache", True),
        ("hotfix for release", True),
        ("revert the regression", True),
        ("Resolves #4", True),
        ("prefix the names", False),
        ("debug output", False),
        ("close the file", False),
        ("add a feature", False),
    ],
)
def test_is_fix_message(message: str, expected: bool) -> None:
    assert is_fix_message(message) is expected


@given(st.text())
def test_issue_references_never_raise_and_are_normalised(message: str) -> None:
    for key in issue_references(message):
        assert key.startswith("#") or "-" in key
        assert key.rpartition("-" if "-" in key else "#")[2].isdigit()


def test_fix_commits_reads_references_paths_and_leaves_out_merges(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(ANN, write={"README": "x\n"}, message="initial")
    odd = "src/we ird\nname ü.py"
    fix = repo.commit(BOB, write={odd: "1\n", "src/b.py": "2\n"}, message="Fix #12\n\nbody")
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit(ANN, write={"docs/x.md": "3\n"}, message="PROJ-7 docs")
    repo.git("checkout", "-q", "main")
    repo.commit(ANN, write={"c.txt": "4\n"}, message="feature work")
    # A merge whose message would count: merges are left out all the same.
    repo._commit(ANN, None, ["merge", "-q", "--no-ff", "-m", "Merge: fixes #99", "side"])
    empty = repo.commit(BOB, message="fixes PROJ-8 with nothing changed")
    found = {c.commit: c for c in fix_commits(repo.path)}
    assert set(found) == {fix, side, empty}
    assert found[fix].paths == ("src/b.py", odd)
    assert found[fix].references == {"#12"}
    assert found[fix].is_fix
    assert found[fix].author_email == "bob@example.com"
    assert found[side].is_fix is False
    assert found[side].references == {"PROJ-7"}
    assert found[empty].paths == ()


def test_fix_commits_since(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    start = int(BASE.timestamp())
    repo.commit(ANN, write={"a": "1"}, at=start, message="fix old")
    new = repo.commit(ANN, write={"a": "2"}, at=start + 86400 * 10, message="fix new")
    since = datetime.fromtimestamp(start + 86400, UTC)
    assert [c.commit for c in fix_commits(repo.path, since=since)] == [new]
    assert fix_commits(repo.path, since=since)[0].timestamp == start + 86400 * 10


def commit(references: set[str], *paths: str) -> FixCommit:
    return FixCommit("c", 0, "a@x", frozenset(references), False, paths)


def test_areas_for_issues_counts_commits_per_area() -> None:
    commits = [
        commit({"#1"}, "src/api/views.py", "src/api/urls.py", "README"),
        commit({"PROJ-2"}, "src/api/models.py", "src/web/page.py"),
        commit({"#3"}, "src/other/x.py"),
        commit({"#1"}, "src/web/a.py", "setup.py"),
    ]
    assert areas_for_issues(commits, ["GH-1", "PROJ-2"]) == [
        ("src/api", 2),
        ("src/web", 2),
        ("README", 1),
        ("setup.py", 1),
    ]
    assert areas_for_issues(commits, ["#1"], depth=1) == [
        ("src", 2), ("README", 1), ("setup.py", 1)
    ]  # fmt: skip
    assert areas_for_issues(commits, ["#99"]) == []
    with pytest.raises(ValueError, match="depth must be at least 1"):
        areas_for_issues(commits, ["#1"], depth=0)


def test_fix_commits_refuses_a_naive_since(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(ANN, write={"a": "1"}, message="fix")
    with pytest.raises(ValueError, match="timezone-aware"):
        fix_commits(repo.path, since=datetime(2024, 1, 1))
