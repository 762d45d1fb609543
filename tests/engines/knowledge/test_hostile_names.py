"""Repositories with names git allows and a parser may not expect: a path starting with
the byte the log parser once used as its record mark, control characters, bytes that
are not UTF-8, and author names with terminal escapes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from peerlearn.engines.knowledge import analyze_repository, map_to_dict

from .conftest import ALICE, BOB, NOW
from .gitrepo import GitRepo, text


def commit_raw(repo: GitRepo, author: str, name: bytes, content: str) -> None:
    """Commit a file whose name is arbitrary bytes (Linux file names are bytes)."""
    path = os.fsencode(repo.path) + b"/" + name
    with open(path, "wb") as handle:
        handle.write(content.encode())
    repo.commit(author)


def hostile_repo(repo: GitRepo) -> GitRepo:
    repo.commit(ALICE, write={"normal.py": text(5)})
    commit_raw(repo, BOB, b"\x01weird.py", text(6, "w"))
    commit_raw(repo, BOB, b"caf\xe9-latin1.py", text(7, "l"))
    commit_raw(repo, ALICE, b"\x1b[31mred.py", text(8, "r"))
    repo.commit("Mallory \x1b]0;owned\x07 <mallory@example.com>", write={"m.py": text(4, "m")})
    return repo


def test_path_starting_with_the_old_record_mark_is_read(repo: GitRepo) -> None:
    hostile_repo(repo)
    knowledge = analyze_repository(repo.path, now=NOW).map
    paths = {entry.path for entry in knowledge.files}
    assert "\x01weird.py" in paths
    assert "normal.py" in paths
    assert knowledge.commits_analysed == 5


def test_names_that_are_not_utf8_are_shown_escaped(repo: GitRepo) -> None:
    hostile_repo(repo)
    data = map_to_dict(analyze_repository(repo.path, now=NOW).map)
    paths = {entry["path"] for entry in data["files"]}
    assert "caf\\xe9-latin1.py" in paths  # visible, and valid text
    assert "\\x1b[31mred.py" in paths
    assert "\\x01weird.py" in paths
    names = {person["name"] for person in data["people"]}
    assert "Mallory \\x1b]0;owned" in names  # git itself drops the trailing BEL
    for path in paths:
        path.encode("utf-8")  # no lone surrogates left


def test_table_output_escapes_terminal_sequences(repo: GitRepo) -> None:
    hostile_repo(repo)
    completed = subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", "analyze", str(repo.path), "--active-months",
         "1200", "--top", "50"],
        capture_output=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert b"\x1b" not in completed.stdout
    assert b"\x07" not in completed.stdout
    assert b"\\x1b" in completed.stdout  # shown, escaped


def test_json_output_of_hostile_names_is_valid(repo: GitRepo, tmp_path: Path) -> None:
    hostile_repo(repo)
    completed = subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", "analyze", str(repo.path), "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    import json

    data = json.loads(completed.stdout)
    assert any(entry["path"] == "caf\\xe9-latin1.py" for entry in data["files"])
