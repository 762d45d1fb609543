"""The saved state: what dumps writes loads back, older versions and junk are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from peerlearn.engines.knowledge import HistoryState, analyze_repository

from .conftest import ALICE, BOB, CAROL, NOW
from .gitrepo import GitRepo, text


def _state(repo: GitRepo) -> HistoryState:
    repo.commit(ALICE, write={"a.py": text(5), "src/b.py": text(5, "b")})
    repo.commit(BOB, write={"a.py": text(5) + "bob\n"})
    repo.commit(CAROL, move={"src/b.py": "src/c.py"})
    return analyze_repository(repo.path, now=NOW).state


def test_dumps_then_loads_gives_the_same_state(repo: GitRepo) -> None:
    state = _state(repo)
    again = HistoryState.loads(state.dumps())
    assert again.to_dict() == state.to_dict()
    assert again.files == state.files
    assert json.loads(state.dumps())["version"] == 3


def test_renames_are_saved_and_followed_after_loading(repo: GitRepo) -> None:
    state = _state(repo)
    assert state.renamed == {"src/b.py": "src/c.py"}
    again = HistoryState.loads(state.dumps())
    assert again.renamed == state.renamed
    assert again.live_path("src/b.py") == "src/c.py"


@pytest.mark.parametrize("version", [1, 2])
def test_a_state_from_before_renames_were_followed_is_refused(repo: GitRepo, version: int) -> None:
    # Those states lost branch changes to old names: only a full read puts them back.
    data = _state(repo).to_dict()
    data["version"] = version
    with pytest.raises(ValueError, match="analysing in full"):
        HistoryState.loads(json.dumps(data))


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(version=4),
        lambda d: d.pop("renamed"),
        lambda d: d["renamed"].update({"a.py": 1}),
        lambda d: d.pop("version"),
        lambda d: d.pop("identities"),
        lambda d: d["files"].update({"x.py": [1, 0, 1]}),  # a torn record
        lambda d: d["files"].update({"x.py": [1, 0, "1", 1]}),  # not an integer
        lambda d: d["files"].update({"x.py": [1, 0, 1.5, 1]}),
        lambda d: d["files"].update({"x.py": [1, 99, 1, 1]}),  # no such identity
        lambda d: d["last_commit_at"].pop(),
    ],
)
def test_an_unusable_state_is_refused_with_a_value_error(repo: GitRepo, damage: Any) -> None:
    data = _state(repo).to_dict()
    damage(data)
    with pytest.raises(ValueError, match="knowledge state"):
        HistoryState.loads(json.dumps(data))


@pytest.mark.parametrize("junk", ["", "not json", "[]", "null", '{"version": 3}'])
def test_junk_is_refused_with_a_value_error(junk: str) -> None:
    with pytest.raises(ValueError, match="knowledge state"):
        HistoryState.loads(junk)
