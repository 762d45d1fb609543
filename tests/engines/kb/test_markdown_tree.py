"""The Markdown tree: front matter that reads back, relative links, indexes."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.kb import KbExportError, markdown_tree

from .pages import HOSTILE, UPDATED, markdown_links, page, resolve, sample
from .yaml_reader import front_matter


def test_one_file_per_page_in_its_team_folder_with_indexes() -> None:
    files = markdown_tree(sample())
    assert sorted(files) == [
        "data-ml/index.md",
        "data-ml/k8s-basics.md",
        "index.md",
        "platform/index.md",
        "platform/intro-git.md",
        "platform/pairing-db.md",
    ]


def test_front_matter_reads_back_with_every_field() -> None:
    fields, body = front_matter(markdown_tree(sample())["platform/intro-git.md"].decode())
    assert fields == {
        "title": "Intro to Git",
        "slug": "intro-git",
        "date": date(2026, 10, 1),
        "updated": UPDATED.isoformat(),
        "team": "Platform",
        "format": "lightning talk",
        "teachers": ["Ana", "Bilal"],
        "tags": ["git"],
        "areas": ["src/vcs/"],
        "gaps": ["Rebasing safely"],
        "related": ["k8s-basics", "gone"],
    }
    assert "# Intro to Git" in body
    assert "```mermaid\ngraph TD; A-->B\n```" in body


def test_a_hostile_title_stays_inside_its_value() -> None:
    files = markdown_tree([page("evil", title=HOSTILE, teachers=(HOSTILE,), tags=("a\nb: c",))])
    fields, body = front_matter(files["platform/evil.md"].decode())
    assert fields["title"] == HOSTILE
    assert fields["teachers"] == [HOSTILE]
    assert fields["tags"] == ["a\nb: c"]
    assert "admin" not in fields
    heading = next(line for line in body.splitlines() if line.startswith("# "))
    assert "[x](javascript" not in heading  # escaped: `\[x\]\(javascript...`
    assert "<script>" not in body


@settings(max_examples=200, deadline=None)
@given(st.text(), st.lists(st.text(), max_size=3))
def test_any_text_reads_back_exactly(title: str, tags: list[str]) -> None:
    if not title.strip():
        title = "t" + title
    files = markdown_tree([page("p", title=title, tags=tuple(tags), team=title)])
    path = next(p for p in files if p.endswith("/p.md"))
    fields, _ = front_matter(files[path].decode("utf-8"))
    assert fields["title"] == title
    assert fields["team"] == title
    assert fields["tags"] == tags


def test_a_lone_surrogate_is_written_as_a_replacement_character() -> None:
    files = markdown_tree([page("p", title="a\ud800b")])
    fields, _ = front_matter(files["platform/p.md"].decode("utf-8"))
    assert fields["title"] == "a\ufffdb"


def test_links_between_pages_are_relative_and_land_on_files() -> None:
    files = markdown_tree(sample())
    for source, data in files.items():
        for link in markdown_links(data.decode()):
            assert resolve(source, link) in files, (source, link)
    intro = files["platform/intro-git.md"].decode()
    assert "[Kubernetes basics](../data-ml/k8s-basics.md)" in intro
    assert "gone (not exported)" in intro


def test_team_index_lists_its_pages_newest_first_and_top_index_lists_teams() -> None:
    files = markdown_tree(sample())
    team = files["platform/index.md"].decode()
    assert team.index("(pairing-db.md)") < team.index("(intro-git.md)")
    top = files["index.md"].decode()
    assert "[Data & ML](data-ml/index.md) (1 page)" not in top  # `&` is escaped
    assert "[Data \\& ML](data-ml/index.md) (1 page)" in top
    assert "[Platform](platform/index.md) (2 pages)" in top


def test_same_pages_in_any_order_give_the_same_bytes() -> None:
    pages = sample()
    shuffled = pages[:]
    random.Random(4).shuffle(shuffled)
    assert markdown_tree(pages) == markdown_tree(shuffled)


def test_a_page_called_index_does_not_replace_the_team_index() -> None:
    files = markdown_tree([page("index", title="About indexes"), page("other")])
    assert "platform/index-2.md" in files
    assert "About indexes" not in files["platform/index.md"].decode().split("\n- ")[0]
    assert "(index-2.md)" in files["platform/index.md"].decode()


def test_teams_whose_names_make_the_same_folder_get_two_folders() -> None:
    files = markdown_tree([page("a", team="Platform"), page("b", team="platform!")])
    assert {"platform/a.md", "platform-2/b.md"} <= set(files)


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([page("a b")], "page 1 ('a b'): slug must be"),
        ([page("a"), page("A")], "page 2 ('A'): slug repeats that of 'a'"),
        ([page("a", updated_at=datetime(2026, 1, 1))], "updated_at must be timezone-aware"),
        ([page("a", team=" ")], "team name is empty"),
    ],
)
def test_bad_pages_are_refused_with_the_page_named(pages: list[object], message: str) -> None:
    with pytest.raises(KbExportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        markdown_tree(pages)  # type: ignore[arg-type]
