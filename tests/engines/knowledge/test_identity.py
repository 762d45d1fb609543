"""People: .mailmap, alias merging, the alias file, and bots."""

from __future__ import annotations

import pytest

from peerlearn.engines.knowledge import (
    AnalysisOptions,
    IdentityOptions,
    analyze_repository,
    parse_alias_file,
)
from peerlearn.engines.knowledge.identity import normalise_name

from .conftest import ALICE, BOB, NOW
from .gitrepo import GitRepo, text


def people(repo: GitRepo, identity: IdentityOptions | None = None) -> dict[str, tuple[str, ...]]:
    options = AnalysisOptions(identity=identity or IdentityOptions())
    knowledge = analyze_repository(repo.path, options, now=NOW).map
    return {p.key: p.emails for p in knowledge.people}


def test_mailmap_is_respected(repo: GitRepo) -> None:
    repo.commit("al <al@old.example>", write={"a.py": "1\n"})
    repo.commit(ALICE, write={".mailmap": "Alice Liddell <alice@example.com> <al@old.example>\n"})
    assert people(repo) == {"alice@example.com": ("alice@example.com",)}


def test_same_email_different_names_is_one_person(repo: GitRepo) -> None:
    repo.commit("Alice <ALICE@example.com>", write={"a.py": "1\n"})
    repo.commit("A. Liddell <alice@example.com>", write={"a.py": "2\n"})
    knowledge = analyze_repository(repo.path, now=NOW).map
    assert len(knowledge.people) == 1
    assert knowledge.people[0].commits == 2


def test_same_normalised_name_is_one_person(repo: GitRepo) -> None:
    repo.commit("José Núñez <jose@work.example>", write={"a.py": text(5)})
    repo.commit("jose  nunez <jn@home.example>", write={"a.py": text(5) + "x\n"})
    assert people(repo) == {"jn@home.example": ("jn@home.example", "jose@work.example")} or (
        people(repo) == {"jose@work.example": ("jn@home.example", "jose@work.example")}
    )


def test_merged_aliases_add_up_on_a_file(repo: GitRepo) -> None:
    repo.commit("Bob Builder <bob@work.example>", write={"a.py": text(5)})
    repo.commit("bob  builder <bob@home.example>", write={"a.py": text(5) + "x\n"})
    entry = analyze_repository(repo.path, now=NOW).map.files[0]
    assert len(entry.authorships) == 1
    assert entry.authorships[0].first_author
    assert entry.authorships[0].deliveries == 1


def test_alias_file_merges_unrelated_spellings(repo: GitRepo) -> None:
    repo.commit("Robert Tables <bobby@example.com>", write={"a.py": "1\n"})
    repo.commit("rt <rt@laptop.local>", write={"a.py": "2\n"})
    aliases = parse_alias_file(
        "# people who wrote under several names\n"
        "Robert Tables <bobby@example.com> = <rt@laptop.local>\n"
    )
    result = people(repo, IdentityOptions(aliases=aliases))
    assert list(result.values()) == [("bobby@example.com", "rt@laptop.local")]


def test_alias_file_needs_two_identities() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_alias_file("a <a@x> = b\nlonely <l@x>\n")


def test_bots_are_left_out_by_default_and_can_be_kept(repo: GitRepo) -> None:
    repo.commit(
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        write={"a.py": text(5)},
    )
    repo.commit(BOB, write={"a.py": text(5) + "x\n"})
    repo.commit("GitHub <noreply@github.com>", write={"b.py": "b\n"})

    knowledge = analyze_repository(repo.path, now=NOW).map
    assert [p.key for p in knowledge.people] == ["bob@example.com"]
    assert len(knowledge.bots) == 2
    # The bot created a.py; with the bot gone Bob's change starts its counted history.
    assert knowledge.files[0].authorships[0].first_author
    assert [f.path for f in knowledge.files] == ["a.py"]

    kept = people(repo, IdentityOptions(exclude_bots=False))
    assert len(kept) == 3


def test_custom_bot_pattern(repo: GitRepo) -> None:
    repo.commit("CI Runner <ci@build.example>", write={"a.py": "1\n"})
    repo.commit(ALICE, write={"a.py": "2\n"})
    assert list(people(repo, IdentityOptions(bot_patterns=(r"<ci@",)))) == ["alice@example.com"]


def test_github_private_emails_are_people_not_bots(repo: GitRepo) -> None:
    repo.commit("Dana <123+dana@users.noreply.github.com>", write={"a.py": "1\n"})
    assert list(people(repo)) == ["123+dana@users.noreply.github.com"]


def test_normalise_name() -> None:
    assert normalise_name("  José  NÚÑEZ-García ") == "jose nunez garcia"
    assert normalise_name("...") == ""
