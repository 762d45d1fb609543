"""Greedy truck factor, the 10 % pruning, and what-if."""

from __future__ import annotations

from peerlearn.engines.knowledge import analyze_repository, truck_factor, what_if

from .conftest import ALICE, BOB, CAROL, NOW
from .gitrepo import GitRepo


def test_greedy_removes_top_authors_until_half_the_files_are_orphaned() -> None:
    authors = {
        "a": {"ann"},
        "b": {"ann"},
        "c": {"ann", "ben"},
        "d": {"ben"},
        "e": {"cat"},
        "f": {"cat"},
    }
    result = truck_factor(authors, {"ann": 10, "ben": 5, "cat": 3})
    # ann (3 files) leaves: a, b orphaned, 4/6 covered; ben and cat tie on 2 files,
    # ben has more changes: d orphaned, 2/6 covered < 50 %.
    assert result.people == ("ann", "ben")
    assert result.value == 2
    assert result.coverage_after == 2 / 6


def test_nobody_and_no_files() -> None:
    assert truck_factor({}, {}).value == 0
    assert truck_factor({"a": set()}, {}).value == 0


def test_pruning_drops_people_with_under_ten_percent_of_the_top_files() -> None:
    # ann authors 20 files; 22 one-file people. Greedy needs ann plus two of them to
    # orphan more than half of the 42 files; each has 1/20 = 5 % of ann's files.
    authors = {f"a{i}": {"ann"} for i in range(20)}
    authors.update({f"z{i}": {f"minor{i:02d}"} for i in range(22)})
    unpruned = truck_factor(authors, {})
    pruned = truck_factor(authors, {}, prune_below=0.10)
    assert unpruned.people == ("ann", "minor00", "minor01")
    assert pruned.value == 1
    assert pruned.people == ("ann",)
    assert pruned.pruned == ("minor00", "minor01")


def test_what_if_orphans_files_and_directories() -> None:
    authors = {
        "core/a.py": ("ann",),
        "core/b.py": ("ann", "ben"),
        "ui/c.py": ("ann",),
        "ui/d.py": ("ann",),
        "docs/e.md": (),
    }
    result = what_if(authors, ["ann"])
    assert result.orphaned_files == ("core/a.py", "ui/c.py", "ui/d.py")
    assert result.orphaned_directories == ("ui",)
    assert result.files_without_author_before == 1


def test_truck_factor_on_a_repository(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": "a\n", "b.py": "b\n", "c.py": "c\n"})
    repo.commit(BOB, write={"d.py": "d\n"})
    repo.commit(CAROL, write={"e.py": "e\n"})
    knowledge = analyze_repository(repo.path, now=NOW).map
    assert knowledge.truck_factor.people == ("alice@example.com",)
    assert knowledge.what_if(["bob@example.com"]).orphaned_files == ("d.py",)
    assert knowledge.files_of("alice@example.com") == ("a.py", "b.py", "c.py")
