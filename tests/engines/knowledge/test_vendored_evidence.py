"""Vendored code recognised by evidence (bots, sync commits) and by whole folder names,
listed with counts, and kept when the team says so."""

from __future__ import annotations

from peerlearn.engines.knowledge import AnalysisOptions, ExclusionRules, analyze_repository
from peerlearn.engines.knowledge.evidence import vendored_trees
from peerlearn.engines.knowledge.state import HistoryState

from .conftest import ALICE, BOB, NOW
from .gitrepo import GitRepo, text

SYNC_BOT = "typeshed-sync[bot] <sync@example.org>"


def _typeshed(repo: GitRepo, files: int = 12) -> None:
    repo.commit(ALICE, write={"mypy/checker.py": text(10), "mypy/venv.py": text(5, "v")})
    stubs = {f"mypy/typeshed/stdlib/m{i}.pyi": text(6, f"m{i}") for i in range(files)}
    stubs["mypy/typeshed/stdlib/venv/__init__.pyi"] = text(6, "venv")
    repo.commit(BOB, write=stubs, message="Sync typeshed (#123)")
    repo.commit(SYNC_BOT, write={"mypy/typeshed/stdlib/m0.pyi": text(7, "m0")})
    # A hand patch inside the tree: still part of the vendored tree.
    repo.commit(BOB, write={"mypy/typeshed/stdlib/m1.pyi": text(7, "m1")}, message="Patch m1")
    repo.commit(BOB, write={"mypy/checker.py": text(11)}, message="Fix sync bug in checker")


def test_a_tree_synced_in_is_left_out_and_listed(repo: GitRepo) -> None:
    _typeshed(repo)
    knowledge = analyze_repository(repo.path, now=NOW).map
    assert [f.path for f in knowledge.files] == ["mypy/checker.py", "mypy/venv.py"]
    assert knowledge.excluded_files == {"vendored-tree": 13}
    (tree,) = knowledge.left_out
    assert (tree.reason, tree.path, tree.files) == ("vendored-tree", "mypy/typeshed", 13)
    assert "12 of its 13 files" in tree.detail
    # "Fix sync bug" is not a sync commit: Bob's change to checker.py counts.
    checker = knowledge.files[0]
    assert {a.person for a in checker.authorships} == {"alice@example.com", "bob@example.com"}


def test_the_team_can_keep_a_tree(repo: GitRepo) -> None:
    _typeshed(repo)
    rules = ExclusionRules(include_patterns=("mypy/typeshed/*",))
    knowledge = analyze_repository(repo.path, AnalysisOptions(exclusions=rules), now=NOW).map
    paths = {f.path for f in knowledge.files}
    assert "mypy/typeshed/stdlib/m1.pyi" in paths
    assert "mypy/typeshed/stdlib/m3.pyi" in paths
    assert knowledge.left_out == ()


def test_files_only_a_bot_touched_are_counted(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"app.py": text(5)})
    repo.commit(SYNC_BOT, write={f"gen/g{i}.py": text(5, f"g{i}") for i in range(3)})
    knowledge = analyze_repository(repo.path, now=NOW).map
    assert knowledge.excluded_files == {"bot-only": 3}
    assert [(e.reason, e.path, e.files) for e in knowledge.left_out] == [("bot-only", "", 3)]
    assert knowledge.left_out[0].detail == "files only a bot ever touched"


def test_a_venv_folder_name_alone_is_not_vendored_but_a_virtualenv_is(repo: GitRepo) -> None:
    repo.commit(
        ALICE,
        write={
            "lib/venv/__init__.py": text(5),
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/tool.py": text(5, "t"),
            "pkg/_vendor/six.py": text(5, "six"),
            "src/vendoring.py": text(5, "v"),
        },
    )
    knowledge = analyze_repository(repo.path, now=NOW).map
    assert [f.path for f in knowledge.files] == ["lib/venv/__init__.py", "src/vendoring.py"]
    assert knowledge.excluded_files == {"vendored": 3}


def test_an_include_pattern_overrides_a_name_rule() -> None:
    rules = ExclusionRules(include_patterns=("vendor/ours/*",))
    assert rules.reason("vendor/ours/a.py") is None
    assert rules.reason("vendor/theirs/a.py") == "vendored"
    assert rules.reasons(["vendor/ours/a.py", "vendor/theirs/a.py"]) == {
        "vendor/theirs/a.py": "vendored"
    }


def test_sync_marks_survive_save_and_load_and_own_work_clears_them(repo: GitRepo) -> None:
    _typeshed(repo, files=2)
    state = analyze_repository(repo.path, now=NOW).state
    again = HistoryState.loads(state.dumps())
    assert again.files == state.files
    assert again.files["mypy/typeshed/stdlib/m0.pyi"].synced is not None
    assert again.files["mypy/typeshed/stdlib/m1.pyi"].synced is None  # Bob patched it himself
    assert again.files["mypy/checker.py"].synced is None


def test_vendored_trees_are_the_topmost_with_enough_evidence() -> None:
    paths = [f"a/b/{i}.py" for i in range(10)] + [f"a/c/{i}.py" for i in range(10)] + ["x.py"]
    marked = {p: "synced" for p in paths if p.startswith("a/b/")}
    assert vendored_trees(paths, marked) == [("a/b", 10, 10)]
    marked.update({p: "bot-only" for p in paths if p.startswith("a/c/")})
    assert vendored_trees(paths, marked) == [("a", 20, 20)]
    assert vendored_trees(paths[:9], dict.fromkeys(paths[:9], "synced")) == []  # too few files
