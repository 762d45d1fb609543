"""Incremental analysis reads only new commits and equals a full analysis."""

from __future__ import annotations

from peerlearn.engines.knowledge import HistoryState, analyze_repository

from .conftest import ALICE, BOB, CAROL, NOW
from .gitrepo import GitRepo, text


def test_second_run_reads_only_new_commits(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(5)})
    repo.commit(BOB, write={"a.py": text(5) + "b\n"})
    first = analyze_repository(repo.path, now=NOW)
    repo.commit(CAROL, move={"a.py": "b.py"})
    saved = HistoryState.loads(first.state.dumps())

    second = analyze_repository(repo.path, previous=saved, now=NOW)
    full = analyze_repository(repo.path, now=NOW)

    assert second.incremental
    assert second.commits_read == 1
    assert second.state.to_dict() == full.state.to_dict()
    assert second.map == full.map


def test_nothing_new_reads_nothing(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": "a\n"})
    first = analyze_repository(repo.path, now=NOW)
    again = analyze_repository(repo.path, previous=first.state, now=NOW)
    assert again.incremental
    assert again.commits_read == 0


def test_incremental_over_a_merge_equals_full(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(5), "b.py": text(5, "b")})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(BOB, write={"a.py": text(5) + "side\n"})
    repo.git("checkout", "-q", "main")
    first = analyze_repository(repo.path, now=NOW)
    repo.commit(CAROL, write={"b.py": text(5, "b") + "main\n"})
    repo.merge(ALICE, "side")

    second = analyze_repository(repo.path, previous=first.state, now=NOW)
    assert second.incremental
    assert second.state.to_dict() == analyze_repository(repo.path, now=NOW).state.to_dict()


def test_force_push_falls_back_to_a_full_analysis(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": "a\n"})
    repo.commit(BOB, write={"a.py": "b\n"})
    first = analyze_repository(repo.path, now=NOW)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit(CAROL, write={"c.py": "c\n"})

    second = analyze_repository(repo.path, previous=first.state, now=NOW)
    assert not second.incremental
    assert second.state.to_dict() == analyze_repository(repo.path, now=NOW).state.to_dict()
    assert "bob@example.com" not in {p.key for p in second.map.people}


def test_a_changed_mailmap_forces_a_full_analysis(repo: GitRepo) -> None:
    repo.commit("al <al@old.example>", write={"a.py": "a\n"})
    first = analyze_repository(repo.path, now=NOW)
    repo.commit(ALICE, write={".mailmap": "Alice Liddell <alice@example.com> <al@old.example>\n"})
    second = analyze_repository(repo.path, previous=first.state, now=NOW)
    assert not second.incremental
    assert [p.key for p in second.map.people] == ["alice@example.com"]
