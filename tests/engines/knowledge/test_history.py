"""Reading history from real repositories: renames, deletes, merges, odd names, bad repos."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerlearn.engines.knowledge import (
    AnalysisOptions,
    EmptyHistory,
    NotAGitRepository,
    ShallowRepository,
    analyze_repository,
)
from peerlearn.engines.knowledge.history import read_history

from .conftest import ALICE, BOB, CAROL, NOW
from .gitrepo import GitRepo, text


def contributors(repo: GitRepo, path: str) -> dict[str, tuple[bool, int]]:
    entry = next(f for f in analyze_repository(repo.path, now=NOW).map.files if f.path == path)
    return {a.person: (a.first_author, a.deliveries) for a in entry.authorships}


def test_rename_with_edit_keeps_the_history(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"src/a.py": text(20)})
    repo.commit(BOB, write={"src/a.py": text(20) + "bob\n"})
    repo.commit(CAROL, move={"src/a.py": "lib/b.py"}, write={"lib/b.py": text(20) + "carol\n"})

    assert contributors(repo, "lib/b.py") == {
        "alice@example.com": (True, 0),
        "bob@example.com": (False, 1),
        "carol@example.com": (False, 1),
    }


def test_delete_ends_history_and_a_re_add_starts_a_new_one(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(5)})
    repo.commit(ALICE, write={"a.py": text(5) + "more\n"})
    repo.commit(ALICE, delete=("a.py",))
    repo.commit(BOB, write={"a.py": "something else entirely\n"})

    assert contributors(repo, "a.py") == {"bob@example.com": (True, 0)}


def test_deleted_files_are_not_in_the_map(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": "a\n", "b.py": "b\n"})
    repo.commit(ALICE, delete=("b.py",))
    paths = [f.path for f in analyze_repository(repo.path, now=NOW).map.files]
    assert paths == ["a.py"]


def test_merge_commits_add_nothing(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(5)})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(BOB, write={"b.py": text(5, "bee")})
    repo.git("checkout", "-q", "main")
    repo.commit(ALICE, write={"a.py": text(5) + "x\n"})
    repo.merge(CAROL, "feature")

    knowledge = analyze_repository(repo.path, now=NOW).map
    assert "carol@example.com" not in {p.key for p in knowledge.people}
    assert contributors(repo, "b.py") == {"bob@example.com": (True, 0)}
    assert knowledge.commits_analysed == 3


def test_non_ascii_paths_and_names(repo: GitRepo) -> None:
    repo.commit("Zoë Ünïcode <zoe@example.com>", write={'dossier é/naïve "q" 文件.py': "x\n"})
    repo.commit("李小龙 <lee@example.com>", write={'dossier é/naïve "q" 文件.py': "y\n"})

    knowledge = analyze_repository(repo.path, now=NOW).map
    assert [f.path for f in knowledge.files] == ['dossier é/naïve "q" 文件.py']
    assert {p.name for p in knowledge.people} == {"Zoë Ünïcode", "李小龙"}


def test_odd_author_strings(repo: GitRepo) -> None:
    repo.commit("x <>", write={"a.py": "1\n"})
    repo.commit("Name With = and # <odd+tag@例え.jp>", write={"a.py": "2\n"})
    people = analyze_repository(repo.path, now=NOW).map.people
    assert {p.name for p in people} == {"x", "Name With = and #"}


def test_live_files_match_the_tree_after_branchy_history(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(8), "b.py": text(8, "b")})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(BOB, move={"a.py": "moved/a.py"})
    repo.commit(BOB, delete=("b.py",))
    repo.git("checkout", "-q", "main")
    repo.commit(CAROL, write={"c.py": "c\n"})
    repo.merge(ALICE, "side")

    snapshot = read_history(repo.path)
    assert set(snapshot.state.files) == set(snapshot.tree) == {"moved/a.py", "c.py"}


def test_not_a_git_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepository, match="not a git repository"):
        analyze_repository(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepository, match="no such directory"):
        analyze_repository(tmp_path / "absent")


def test_empty_history(repo: GitRepo) -> None:
    with pytest.raises(EmptyHistory, match="has no commits"):
        analyze_repository(repo.path)


def test_shallow_clone_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit(ALICE, write={"a.py": "1\n"})
    repo.commit(ALICE, write={"a.py": "2\n"})
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True
    )
    with pytest.raises(ShallowRepository, match="shallow clone"):
        analyze_repository(clone)


def test_as_of_uses_only_commits_up_to_the_date(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(5)})
    middle = repo.clock
    repo.commit(BOB, write={"a.py": text(5) + "b\n", "b.py": "new\n"})

    then = datetime.fromtimestamp(middle + 60, UTC)
    knowledge = analyze_repository(repo.path, AnalysisOptions(as_of=then)).map
    assert [f.path for f in knowledge.files] == ["a.py"]
    assert [p.key for p in knowledge.people] == ["alice@example.com"]
    assert knowledge.reference_time == then


def test_since_counts_only_later_commits(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(5)})
    cut = repo.clock + 60
    repo.commit(BOB, write={"a.py": text(5) + "b\n"})

    options = AnalysisOptions(since=datetime.fromtimestamp(cut, UTC))
    entry = analyze_repository(repo.path, options, now=NOW).map.files[0]
    # Alice's add is before the window: Bob's change is the first seen, so he "created" it.
    assert [(a.person, a.first_author, a.deliveries) for a in entry.authorships] == [
        ("bob@example.com", True, 1)
    ]


def test_reading_from_both_ends_gives_the_same_commits_as_one_reader(repo: GitRepo) -> None:
    from peerlearn.engines.knowledge.logstream import read_blocks

    for i in range(12):
        repo.commit(ALICE if i % 2 else BOB, write={f"f{i % 4}.py": text(5, str(i))})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(CAROL, write={"side.py": "s\n"})
    repo.git("checkout", "-q", "main")
    repo.commit(ALICE, write={"f0.py": "main\n"})
    repo.merge(BOB, "side")
    tip = repo.git("rev-parse", "HEAD").strip()

    one = read_blocks(repo.path, [tip], both_ends=False)
    both = read_blocks(repo.path, [tip], both_ends=True)
    assert both == one
    assert len(one) == 15

    single = analyze_repository(repo.path, AnalysisOptions(jobs=1), now=NOW).map
    assert analyze_repository(repo.path, AnalysisOptions(jobs=2), now=NOW).map == single


def test_a_git_failure_is_reported_in_one_line(repo: GitRepo) -> None:
    from peerlearn.engines.knowledge import GitFailed
    from peerlearn.engines.knowledge.logstream import read_blocks

    repo.commit(ALICE, write={"a.py": "a\n"})
    with pytest.raises(GitFailed, match="git log failed"):
        read_blocks(repo.path, ["no-such-revision"], both_ends=True)


def test_a_bare_clone_is_analysed_like_its_origin(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit(ALICE, write={"a.py": text(5)})
    repo.commit(BOB, move={"a.py": "b.py"})
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(bare)], check=True)
    assert analyze_repository(bare, now=NOW).map == analyze_repository(repo.path, now=NOW).map


def test_the_tree_listed_in_the_background_matches_ls_tree(repo: GitRepo) -> None:
    from peerlearn.engines.knowledge import GitFailed
    from peerlearn.engines.knowledge.gitio import TreeListing, tree_sizes

    repo.commit(ALICE, write={"a.py": "a\n", "src/b.py": "bb\n"})
    listing = TreeListing(repo.path, "HEAD")
    try:
        assert listing.result() == tree_sizes(repo.path, "HEAD") == {"a.py": 2, "src/b.py": 3}
    finally:
        listing.close()
    broken = TreeListing(repo.path, "no-such-revision")
    try:
        with pytest.raises(GitFailed, match="git ls-tree failed"):
            broken.result()
    finally:
        broken.close()
