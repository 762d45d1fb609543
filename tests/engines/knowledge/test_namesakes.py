"""Namesakes and placeholder addresses: merge only where it is safe, say why, and let the
alias file keep people apart."""

from __future__ import annotations

import pytest

from peerlearn.engines.knowledge import (
    AnalysisOptions,
    IdentityOptions,
    analyze_repository,
    map_to_dict,
)
from peerlearn.engines.knowledge.identity import (
    is_placeholder_email,
    parse_alias_rules,
    resolve_people,
)

from .conftest import NOW
from .gitrepo import GitRepo, text


def _people(repo: GitRepo, identity: IdentityOptions | None = None) -> dict[str, object]:
    options = AnalysisOptions(identity=identity or IdentityOptions())
    knowledge = analyze_repository(repo.path, options, now=NOW).map
    return {p.key: p for p in knowledge.people}


def test_two_people_called_alex_stay_two(repo: GitRepo) -> None:
    repo.commit("Alex <alex@one.example>", write={"a.py": text(5)})
    repo.commit("alex <alex.b@two.example>", write={"b.py": text(5, "b")})
    people = _people(repo)
    assert set(people) == {"alex@one.example", "alex.b@two.example"}


def test_a_placeholder_address_merges_no_one(repo: GitRepo) -> None:
    for number, name in enumerate(["Ann Early", "Ben Early", "Cy Early"]):
        repo.commit(f"{name} <none@none>", write={f"f{number}.py": text(5, name)})
    repo.commit("Dee <root@localhost>", write={"g.py": text(5, "g")})
    repo.commit("Eve <root@localhost>", write={"h.py": text(5, "h")})
    knowledge = analyze_repository(repo.path, now=NOW).map
    names = sorted(p.name for p in knowledge.people)
    assert names == ["Ann Early", "Ben Early", "Cy Early", "Dee", "Eve"]
    keys = [p.key for p in knowledge.people]
    assert len(set(keys)) == len(keys)  # unique even when no real address is known
    assert {f.main_author for f in knowledge.files} == set(keys)


def test_a_full_name_merges_across_addresses_and_says_why(repo: GitRepo) -> None:
    repo.commit("José Núñez <jose@work.example>", write={"a.py": text(5)})
    repo.commit("jose  nunez <jn@home.example>", write={"a.py": text(5) + "x\n"})
    repo.commit("J. N. <JN@home.example>", write={"a.py": text(5) + "y\n"})
    (person,) = _people(repo).values()
    reasons = sorted((m.reason, m.evidence) for m in person.merges)  # type: ignore[attr-defined]
    assert reasons == [("same e-mail address", "jn@home.example"), ("same full name", "jose nunez")]
    data = map_to_dict(analyze_repository(repo.path, now=NOW).map)
    merges = data["people"][0]["merges"]
    assert {m["reason"] for m in merges} == {"same e-mail address", "same full name"}
    assert all(m["first"] and m["second"] for m in merges)


def test_the_alias_file_keeps_namesakes_apart(repo: GitRepo) -> None:
    repo.commit("Alex Kim <alex@one.example>", write={"a.py": text(5)})
    repo.commit("Alex Kim <akim@two.example>", write={"b.py": text(5, "b")})
    assert len(_people(repo)) == 1  # same full name: merged by default
    rules = parse_alias_rules("Alex Kim <alex@one.example> != <akim@two.example>\n")
    assert rules.apart
    assert not rules.joins
    people = _people(repo, IdentityOptions().with_alias_rules(rules))
    assert set(people) == {"alex@one.example", "akim@two.example"}
    assert all(not p.merges for p in people.values())  # type: ignore[attr-defined]


def test_apart_holds_through_a_third_identity(repo: GitRepo) -> None:
    # The third identity shares an address with one and a full name with the other.
    repo.commit("Sam Lee <sam@one.example>", write={"a.py": text(5)})
    repo.commit("Sam Lee <lee@two.example>", write={"b.py": text(5, "b")})
    repo.commit("S. Lee <sam@one.example>", write={"c.py": text(5, "c")})
    rules = parse_alias_rules("<sam@one.example> != <lee@two.example>")
    people = _people(repo, IdentityOptions().with_alias_rules(rules))
    assert set(people) == {"sam@one.example", "lee@two.example"}


def test_alias_joins_are_recorded_with_their_line(repo: GitRepo) -> None:
    repo.commit("Robert Tables <bobby@example.com>", write={"a.py": "1\n"})
    repo.commit("rt <rt@laptop.local>", write={"a.py": "2\n"})
    rules = parse_alias_rules(
        "# who is who\n\nRobert Tables <bobby@example.com> = <rt@laptop.local>\n"
    )
    (person,) = _people(repo, IdentityOptions().with_alias_rules(rules)).values()
    assert [(m.reason, m.evidence) for m in person.merges] == [("alias file", "line 3")]  # type: ignore[attr-defined]


@pytest.mark.parametrize("line", ["a <a@x> = b != c", "lonely <l@x>", "a != ", "!= b"])
def test_bad_alias_lines_are_refused_with_their_number(line: str) -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_alias_rules(f"a <a@x> = b\n{line}\n")


@pytest.mark.parametrize(
    ("email", "placeholder"),
    [
        ("none@none", True),
        ("noreply@example.org", True),
        ("root@localhost", True),
        ("root@localhost.localdomain", True),
        ("jane@laptop.(none)", True),
        ("you@example.com", True),
        ("", True),
        ("not-an-address", True),
        ("alex@one.example", False),
        ("me@janedoe.dev", False),
        ("123+dana@users.noreply.github.com", False),
    ],
)
def test_placeholder_addresses(email: str, placeholder: bool) -> None:
    assert is_placeholder_email(email) is placeholder


def test_merges_by_placeholder_address_are_not_made_even_with_one_word_names() -> None:
    people = resolve_people(
        [("Ann", "none@none"), ("Ben", "none@none"), ("ann", "ann@x.example")],
        [3, 2, 1],
        [0, 0, 0],
        [0, 0, 0],
        IdentityOptions(),
    )
    assert len(people.people) == 3
    assert len({p.key for p in people.people}) == 3
