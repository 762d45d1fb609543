"""Incremental analysis reads only new commits and equals a full analysis."""

from __future__ import annotations

from datetime import UTC, datetime

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


DAY = 86400
DAN = "Dan Brown <dan@example.com>"
BOB_AT_HOME = "Bob Builder <bob@home.example>"  # the same person by name


def test_incremental_map_equals_a_fresh_map_when_some_files_change(repo: GitRepo) -> None:
    """New commits touch some files (one renamed), an alias takes over a person's key,
    and the reference time moves so that one author becomes inactive and one active."""
    start = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
    files = {"core/a.py": text(6), "core/b.py": text(6, "b"), "ui/v.py": text(6, "v")}
    repo.commit(ALICE, write={**files, "docs/x.md": text(6, "x")}, at=start)
    repo.commit(BOB, write={"core/a.py": text(6) + "bob\n"}, at=start + 10 * DAY)
    repo.commit(CAROL, write={"api/y.py": text(6, "y")}, at=start + 20 * DAY)
    repo.commit(BOB, write={"ui/v.py": text(6, "v") + "bob\n"}, at=start + 290 * DAY)
    repo.commit(DAN, write={"ui/w.py": text(6, "w")}, at=start + 300 * DAY)
    before = datetime.fromtimestamp(start + 320 * DAY, UTC)
    first = analyze_repository(repo.path, now=before)
    assert set(first.map.active_people) == {"bob@example.com", "dan@example.com"}

    repo.commit(
        BOB_AT_HOME,
        move={"core/b.py": "core/c.py"},
        write={"api/y.py": text(6, "y") + "bob\n"},
        at=start + 400 * DAY,
    )
    repo.commit(BOB_AT_HOME, write={"ui/v.py": text(6, "v") + "home\n"}, at=start + 401 * DAY)
    repo.commit(BOB_AT_HOME, write={"api/y.py": text(6, "y") + "2\n"}, at=start + 402 * DAY)
    repo.commit(CAROL, write={"docs/x.md": text(6, "x") + "carol\n"}, at=start + 403 * DAY)
    after = datetime.fromtimestamp(start + 520 * DAY, UTC)

    saved = HistoryState.loads(first.state.dumps())
    second = analyze_repository(repo.path, previous=saved, now=after)
    fresh = analyze_repository(repo.path, now=after)

    assert second.incremental
    assert second.commits_read == 4
    assert second.map == fresh.map
    assert second.state.to_dict() == fresh.state.to_dict()
    # What moved: Dan went quiet, Carol came back, Bob's home address became his key.
    assert set(second.map.active_people) == {"bob@home.example", "carol@example.com"}
    by_path = second.map.authors_by_file()
    assert "core/b.py" not in by_path
    # The rename is a delivery by Bob (0.83 of Alice's DOA): both author it now.
    assert set(by_path["core/c.py"]) == {"alice@example.com", "bob@home.example"}
    assert "bob@home.example" in by_path["core/a.py"]  # untouched, yet its author's key moved
