"""What the map tells a lead (issue 12, second round), on histories made with real git:
knowledge already lost first, islands folded and weighted, both truck-factor answers,
and `peerlearn analyze --what-if` in 80 columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from peerlearn.cli import main
from peerlearn.engines.knowledge import AnalysisOptions, analyze_repository, what_if
from peerlearn.engines.knowledge.serialise import statements

from .conftest import ALICE, BOB, CAROL
from .gitrepo import GitRepo, text

DAY = 86400
START = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
NOW = datetime.fromtimestamp(START + 400 * DAY, UTC)


@pytest.fixture
def team(repo: GitRepo) -> GitRepo:
    """Carol wrote old/ and docs/notes.md and left; Alice and Bob are active. Alice
    knows src/ (nested folders) and legacy/ (untouched for a year); Bob knows the
    hotspot core/ and a big fresh fixture folder."""
    repo.commit(CAROL, write={f"old/m{i}.py": text(4, f"o{i}") for i in range(3)}, at=START)
    repo.commit(CAROL, write={"docs/notes.md": text(4, "n")}, at=START + DAY)
    repo.commit(
        ALICE, write={f"legacy/l{i}.py": text(4, f"l{i}") for i in range(10)}, at=START + 2 * DAY
    )
    repo.commit(ALICE, write={"docs/guide.md": text(4, "g")}, at=START + 3 * DAY)
    src = {"src/app/a.py": "a\n", "src/app/b.py": "b\n", "src/app/ui/c.py": "c\n"}
    repo.commit(ALICE, write={**src, "src/app/ui/d.py": "d\n"}, at=START + 380 * DAY)
    repo.commit(ALICE, write={"tests/test_core.py": "t\n"}, at=START + 381 * DAY)
    fixtures = {f"tests/fixtures/f{i}.json": f"{i}\n" for i in range(20)}
    repo.commit(BOB, write=fixtures, at=START + 390 * DAY)
    for n in range(8):
        repo.commit(
            BOB, write={"core/x.py": f"x{n}\n", "core/y.py": f"y{n}\n"}, at=START + 391 * DAY + n
        )
    return repo


def test_knowledge_loss_is_stated_with_who_knew_it(team: GitRepo) -> None:
    knowledge = analyze_repository(team.path, AnalysisOptions(active_months=6), now=NOW).map
    loss = knowledge.knowledge_loss
    assert (loss.files_without_active_author, loss.total_files) == (4, 42)
    areas = [(a.kind, a.path, a.files, a.authors) for a in loss.areas]
    assert areas == [
        ("directory", "old", 3, ("carol@example.com",)),
        ("file", "docs/notes.md", 1, ("carol@example.com",)),
    ]
    assert statements(knowledge)["knowledge_loss"] == (
        "4 of 42 files (10 %) have no active author."
    )


def test_when_everyone_has_left_the_map_says_so(team: GitRepo) -> None:
    later = datetime.fromtimestamp(START + 2000 * DAY, UTC)
    knowledge = analyze_repository(team.path, AnalysisOptions(active_months=6), now=later).map
    assert knowledge.islands == ()
    assert statements(knowledge)["knowledge_loss"] == (
        "All 42 files have no active author: everyone who knew them has left."
    )
    assert [(a.kind, a.path) for a in knowledge.knowledge_loss.areas] == [("directory", "")]


def test_islands_fold_under_the_topmost_and_rank_by_recent_change(team: GitRepo) -> None:
    knowledge = analyze_repository(team.path, AnalysisOptions(active_months=6), now=NOW).map
    ranked = [(i.kind, i.path) for i in knowledge.islands]
    # src/app and src/app/ui (and their files) are folded into src/.
    assert ranked == [
        ("directory", "core"),
        ("directory", "src"),
        ("directory", "legacy"),
        ("file", "tests/test_core.py"),
        ("directory", "docs"),
        ("directory", "tests/fixtures"),
    ]
    src = next(i for i in knowledge.islands if i.path == "src")
    assert src.nested == 2 + 4  # two folders, four files
    assert knowledge.islands[-1].fixture
    # Asked to, the fixture folder (20 files made ten days ago) ranks on its weight.
    options = AnalysisOptions(active_months=6, rank_fixtures=True)
    ranked = analyze_repository(team.path, options, now=NOW).map.islands
    assert [i.path for i in ranked[:2]] == ["tests/fixtures", "core"]


def test_both_truck_factor_answers_differ_and_agree_with_what_if(repo: GitRepo) -> None:
    # Alice alone knows 11 files; eleven people know one each. Once Alice is gone half
    # the files still have an author, so the greedy removal takes one more person (Bob,
    # who changed his file most): 2 people. The reference tool drops Bob (1 file, under
    # 10 % of Alice's 11): its list is Alice alone.
    repo.commit(ALICE, write={f"a/f{i}.py": text(3, f"a{i}") for i in range(11)})
    repo.commit(BOB, write={"b/bob.py": "b\n"})
    repo.commit(BOB, write={"b/bob.py": "b2\n"})
    for i in range(10):
        repo.commit(f"Person {i} <p{i}@example.com>", write={f"p/{i}.py": f"{i}\n"})
    knowledge = analyze_repository(repo.path, now=NOW).map
    factor = knowledge.truck_factor
    assert factor.removed == ("alice@example.com", "bob@example.com")
    assert factor.value == 2
    assert factor.reference_people == ("alice@example.com",)
    assert (factor.orphaned, factor.total_files) == (12, 22)
    # What-if of the same people counts the same files.
    result = what_if(knowledge.authors_by_file(), factor.removed)
    assert len(result.orphaned_files) == factor.orphaned
    said = statements(knowledge)
    assert said["truck_factor"] == (
        "Truck factor 2: if these 2 people left (Alice Liddell and Bob Builder), 12 of "
        "22 files would have no author left, more than half in all."
    )
    assert said["reference_truck_factor"] == (
        "The reference tool (aserg-ufmg/Truck-Factor) gives 1: it drops Bob Builder, who "
        "authors under 10 % of the top person's files."
    )
    pruned = analyze_repository(repo.path, AnalysisOptions(prune_truck_factor=True), now=NOW)
    assert pruned.map.truck_factor.people == factor.reference_people


def test_what_if_in_the_cli_fits_80_columns(team: GitRepo) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", "analyze", str(team.path),
         "--as-of", "2024-02-05", "--what-if", "Bob Builder, alice@example.com"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    lines = out.splitlines()
    assert lines[0].startswith("Knowledge loss: 4 of 42 files (10 %) have no active author")
    assert "old/ (3 files): known by Carol Danvers" in out
    assert "Truck factor 1: if this person left (Bob Builder)" in out
    assert "The reference tool (aserg-ufmg/Truck-Factor)" in out
    assert "Directories (top level)" in out
    assert "What if: If Bob Builder and Alice Liddell left, 38 of 42 files" in out
    assert "  core/" in lines
    assert "  docs/guide.md" in lines  # docs/notes.md had no active author already
    assert "  core/x.py" not in lines  # shown as core/
    assert "1 islands in test fixtures and data not ranked" in out
    assert max(len(line) for line in lines) <= 80


def test_what_if_json_and_unknown_names(team: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["analyze", str(team.path), "--as-of", "2024-02-05", "--format", "json"]
    assert main([*args, "--no-files", "--what-if", "bob builder"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["what_if"]["removed"] == ["bob@example.com"]
    assert "core" in data["what_if"]["orphaned_directories"]
    assert data["knowledge_loss"]["files_without_active_author"] == 4
    assert data["statements"]["knowledge_loss"].startswith("4 of 42 files")
    assert data["truck_factor"]["reference_people"]
    assert main([*args, "--what-if", "Nobody Here"]) == 2
    assert "nobody named 'Nobody Here'" in capsys.readouterr().err


def test_hostile_names_in_what_if_are_escaped(repo: GitRepo) -> None:
    repo.commit("Mallory \x1b]0;owned\x07 <mallory@example.com>", write={"m.py": "m\n"})
    repo.commit(ALICE, write={"a.py": "a\n"})
    completed = subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", "analyze", str(repo.path),
         "--what-if", "mallory@example.com"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert b"\x1b" not in completed.stdout
    assert b"If Mallory \\x1b]0;owned left" in completed.stdout


def test_month_summaries_equal_separate_as_of_runs(
    team: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["analyze", str(team.path), "--format", "json"]
    assert main([*args, "--no-files", "--as-of", "2024-02-05", "--months", "3"]) == 0
    months = json.loads(capsys.readouterr().out)["months"]
    assert [m["month"] for m in months] == ["2023-11", "2023-12", "2024-01"]
    for summary, last_day in zip(months, ["2023-11-30", "2023-12-31", "2024-01-31"], strict=True):
        assert main([*args, "--as-of", last_day]) == 0
        data = json.loads(capsys.readouterr().out)
        active = {p["key"] for p in data["people"] if p["active"]}
        at_risk = sum(1 for f in data["files"] if len(active.intersection(f["authors"])) == 1)
        assert summary == {
            "month": last_day[:7],
            "tip": data["tip"],
            "files": len(data["files"]),
            "truck_factor": len(data["truck_factor"]["removed"]),
            "reference_truck_factor": len(data["truck_factor"]["reference_people"]),
            "files_at_risk": at_risk,
            "files_without_active_author": data["knowledge_loss"]["files_without_active_author"],
        }
    assert months[0]["files_without_active_author"] == months[0]["files"]  # all had left
    assert months[2]["files_at_risk"] > 0  # Alice came back in January
