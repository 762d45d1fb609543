"""DOA and authorship on small histories, with the expected values worked out by hand."""

from __future__ import annotations

import math

import pytest

from peerlearn.engines.knowledge import AnalysisOptions, analyze_repository, degree_of_authorship
from peerlearn.engines.knowledge.model import Contribution, file_authorship

from .conftest import ALICE, BOB, CAROL, NOW
from .gitrepo import GitRepo, text


def test_doa_formula_matches_the_paper() -> None:
    assert degree_of_authorship(True, 0, 0) == pytest.approx(3.293 + 1.098)
    assert degree_of_authorship(False, 3, 4) == pytest.approx(
        3.293 + 0.164 * 3 - 0.321 * math.log(5)
    )


def test_creator_and_two_time_editor_are_both_authors(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(10)})
    repo.commit(BOB, write={"a.py": text(10) + "b1\n"})
    repo.commit(BOB, write={"a.py": text(10) + "b2\n"})
    repo.commit(ALICE, write={"a.py": text(10) + "a3\n"})

    entry = analyze_repository(repo.path, now=NOW).map.files[0]

    # Alice: created it (FA=1), one change (DL=1), Bob's two changes (AC=2).
    alice = 3.293 + 1.098 + 0.164 * 1 - 0.321 * math.log(1 + 2)
    # Bob: FA=0, DL=2, AC=1 (Alice's later change; her creating add is not a change).
    bob = 3.293 + 0.164 * 2 - 0.321 * math.log(1 + 1)
    by_person = {a.person: a for a in entry.authorships}
    assert by_person["alice@example.com"].doa == pytest.approx(alice)
    assert by_person["bob@example.com"].doa == pytest.approx(bob)
    assert by_person["bob@example.com"].normalised == pytest.approx(bob / alice)
    assert bob / alice > 0.75
    assert set(entry.authors) == {"alice@example.com", "bob@example.com"}
    assert entry.main_author == "alice@example.com"
    assert entry.changes == 3


def test_one_time_editor_of_a_busy_file_is_not_an_author(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": text(10)})
    for i in range(6):
        repo.commit(ALICE, write={"a.py": text(10) + f"{i}\n"})
    repo.commit(CAROL, write={"a.py": text(10) + "carol\n"})

    entry = analyze_repository(repo.path, now=NOW).map.files[0]

    alice = 3.293 + 1.098 + 0.164 * 6 - 0.321 * math.log(1 + 1)
    carol = 3.293 + 0.164 * 1 - 0.321 * math.log(1 + 6)
    by_person = {a.person: a for a in entry.authorships}
    assert by_person["carol@example.com"].doa == pytest.approx(carol)
    assert carol / alice < 0.75
    assert entry.authors == ("alice@example.com",)


def test_first_author_below_absolute_threshold_still_counts() -> None:
    # Creator with many changes by others: DOA < 3.293 but FA=1 and normalised > 0.75.
    others = [Contribution(f"p{i}@x", i + 2, 1) for i in range(30)]
    entry = file_authorship("f", [Contribution("creator@x", 1, 0), *others])
    creator = next(a for a in entry.authorships if a.person == "creator@x")
    assert creator.doa == pytest.approx(3.293 + 1.098 - 0.321 * math.log(31))
    assert creator.doa < 3.293
    assert creator.is_author
    assert not any(a.is_author for a in entry.authorships if a.person != "creator@x")


def test_rename_counts_as_a_change_by_the_renamer(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"old.py": text(10)})
    repo.commit(BOB, move={"old.py": "new.py"})

    entry = analyze_repository(repo.path, now=NOW).map.files[0]

    assert entry.path == "new.py"
    by_person = {a.person: a for a in entry.authorships}
    assert by_person["alice@example.com"].first_author
    assert by_person["bob@example.com"].deliveries == 1
    assert by_person["alice@example.com"].acceptances == 1


def test_options_are_optional_and_default_to_six_active_months(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": "x\n"})
    knowledge = analyze_repository(repo.path, AnalysisOptions(), now=NOW).map
    assert knowledge.active_people == ("alice@example.com",)
    assert knowledge.active_since.month == 9


def test_build_map_gives_the_map_analyze_repository_gives(repo: GitRepo) -> None:
    from peerlearn.engines.knowledge import build_map
    from peerlearn.engines.knowledge.history import read_history

    repo.commit(ALICE, write={"a.py": text(5), "yarn.lock": "x\n", "src/b.py": text(5, "b")})
    repo.commit("alice <alice@home.example>", write={"a.py": text(5) + "home\n"})
    repo.commit("dependabot[bot] <bot@example.com>", write={"src/b.py": text(5, "b") + "1\n"})
    repo.commit(BOB, move={"src/b.py": "src/c.py"}, write={"a.py": text(5) + "bob\n"})

    run = analyze_repository(repo.path, now=NOW)
    snapshot = read_history(repo.path)
    assert build_map(snapshot.state, snapshot.tree, AnalysisOptions(), NOW) == run.map
    assert run.map.excluded_files == {"generated": 1}
