"""`peerlearn analyze`: output formats and one-line errors with a non-zero status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from peerlearn.cli import main

from .conftest import ALICE, BOB
from .gitrepo import GitRepo


@pytest.fixture
def small(repo: GitRepo) -> GitRepo:
    repo.commit(ALICE, write={"src/a.py": "a\n", "src/b.py": "b\n"})
    repo.commit(BOB, write={"docs/c.md": "c\n"})
    return repo


def test_table_output(small: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(small.path), "--as-of", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert "Truck factor: 1" in out
    assert "alice@example.com" in out
    # Nobody committed in the six months before the as-of date.
    assert out.startswith("Knowledge loss: All 3 files have no active author")
    assert "No knowledge islands" in out


def test_json_output(small: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(small.path), "--format", "json", "--active-months", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["truck_factor"]["people"] == ["alice@example.com"]
    assert [f["path"] for f in data["files"]] == ["docs/c.md", "src/a.py", "src/b.py"]
    assert data["exclusion_rules"]["vendored_dirs"]


def test_state_file_makes_the_second_run_incremental(
    small: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    assert main(["analyze", str(small.path), "--state", str(state)]) == 0
    small.commit(BOB, write={"src/a.py": "changed\n"})
    assert main(["analyze", str(small.path), "--state", str(state)]) == 0
    assert "Read 1 commits incrementally" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2024-13-01"], "bad date '2024-13-01'"),
        (["--since", "yesterday"], "bad date 'yesterday'"),
        (["--as-of", "1990-01-01"], "no commits at or before the as-of date"),
    ],
)
def test_bad_dates(
    small: GitRepo, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(small.path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_repository_errors(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(tmp_path)]) == 2
    assert "not a git repository" in capsys.readouterr().err
    assert main(["analyze", str(repo.path)]) == 2
    assert "has no commits" in capsys.readouterr().err


def test_analyze_needs_no_django_settings(small: GitRepo) -> None:
    code = (
        "import sys; from peerlearn.cli import main; "
        f"code = main(['analyze', {str(small.path)!r}, '--format', 'json']); "
        "from django.conf import settings; "
        "assert not settings.configured; sys.exit(code)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no.such.settings"}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["truck_factor"]["value"] == 1


def test_what_was_left_out_and_why_is_said(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(ALICE, write={"app.py": "a\n"})
    repo.commit(
        "pytest bot <pytestbot@gmail.com>",
        write={f"vendor_stubs/s{i}.pyi": f"{i}\n" for i in range(10)},
    )
    repo.commit("Bob Builder <bob@work.example>", write={"app.py": "b\n"})
    repo.commit("bob builder <bob@home.example>", write={"app.py": "c\n"})
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("<bob@work.example> != <bob@home.example>\n", encoding="utf-8")

    assert main(["analyze", str(repo.path)]) == 0
    out = capsys.readouterr().out
    assert "10 files under vendor_stubs/: a vendored tree" in out
    assert "pytest bot <pytestbot@gmail.com>: 1 commits (the name has the word bot" in out
    assert "People with several identities merged: 1" in out

    assert main(["analyze", str(repo.path), "--format", "json", "--alias-file", str(aliases)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["key"] for p in data["people"]} == {
        "alice@example.com",
        "bob@work.example",
        "bob@home.example",
    }
    assert data["bot_rules"][0]["identity"] == "pytest bot <pytestbot@gmail.com>"
    assert data["left_out"][0]["path"] == "vendor_stubs"

    assert main(["analyze", str(repo.path), "--format", "json", "--include", "vendor_stubs/*"]) == 0
    data = json.loads(capsys.readouterr().out)
    # No longer a vendored tree; no person ever touched those files, so none authors them.
    assert [(e["reason"], e["files"]) for e in data["left_out"]] == [("bot-only", 10)]
    assert data["exclusion_rules"]["include_patterns"] == ["vendor_stubs/*"]
