"""The saved state: what dumps writes loads back, older versions still load, junk is refused."""

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


def _version_1(state: HistoryState) -> dict[str, Any]:
    """The format written before version 2: one [identity, first, deliveries] per entry."""
    data = state.to_dict()
    data["version"] = 1
    data["files"] = {
        path: [
            record.last_change_at,
            [[ident, first, dl] for ident, (first, dl) in record.contributors.items()],
        ]
        for path, record in state.files.items()
    }
    return data


def test_dumps_then_loads_gives_the_same_state(repo: GitRepo) -> None:
    state = _state(repo)
    again = HistoryState.loads(state.dumps())
    assert again.to_dict() == state.to_dict()
    assert again.files == state.files
    assert json.loads(state.dumps())["version"] == 2


def test_a_version_1_state_still_loads(repo: GitRepo) -> None:
    state = _state(repo)
    old = HistoryState.loads(json.dumps(_version_1(state)))
    assert old.to_dict() == state.to_dict()
    repo.commit(ALICE, write={"src/c.py": text(5, "b") + "more\n"})
    updated = analyze_repository(repo.path, previous=old, now=NOW)
    assert updated.incremental
    assert updated.map == analyze_repository(repo.path, now=NOW).map


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(version=3),
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


@pytest.mark.parametrize("junk", ["", "not json", "[]", "null", '{"version": 2}'])
def test_junk_is_refused_with_a_value_error(junk: str) -> None:
    with pytest.raises(ValueError, match="knowledge state"):
        HistoryState.loads(junk)
