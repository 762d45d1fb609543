"""The wiki layout: flat files named after titles, links without `.md`."""

from __future__ import annotations

from datetime import date

from peerlearn.engines.kb import wiki_tree

from .pages import HOSTILE, markdown_links, page, sample


def test_home_sidebar_and_a_page_per_title_all_in_one_folder() -> None:
    files = wiki_tree(sample())
    assert sorted(files) == [
        "Home.md",
        "Intro-to-Git.md",
        "Kubernetes-basics.md",
        "Pairing-on-the-DB.md",
        "Team-Data-ML.md",
        "Team-Platform.md",
        "_Sidebar.md",
    ]


def test_every_link_is_a_page_name_without_md_that_exists() -> None:
    files = wiki_tree(sample())
    names = {path.removesuffix(".md") for path in files}
    links = [link for data in files.values() for link in markdown_links(data.decode())]
    assert links
    for link in links:
        assert not link.endswith(".md")
        assert link in names, link
    assert "[Kubernetes basics](Kubernetes-basics)" in files["Intro-to-Git.md"].decode()
    assert "[Platform](Team-Platform)" in files["_Sidebar.md"].decode()


def test_same_title_twice_the_older_page_keeps_the_plain_name() -> None:
    older = page("git-2024", title="Intro to Git", date=date(2024, 1, 1))
    newer = page("git-2026", title="intro to git!", date=date(2026, 1, 1), team="Data")
    files = wiki_tree([newer, older])
    assert "Intro-to-Git.md" in files
    assert "intro-to-git-git-2026.md" in files
    assert "(intro-to-git-git-2026)" in files["Team-Data.md"].decode()
    # A newer page arriving later does not rename the older one.
    assert "Intro-to-Git.md" in wiki_tree([older])


def test_a_title_that_is_a_reserved_name_is_moved_aside() -> None:
    files = wiki_tree([page("home", title="Home"), page("side", title="_Sidebar")])
    assert {"Home-home.md", "Sidebar.md"} <= set(files)
    assert "[Home](Home-home)" in files["Home.md"].decode()


def test_hostile_titles_make_plain_names_and_escaped_text() -> None:
    files = wiki_tree([page("evil", title=HOSTILE), page("dots", title="../../etc/passwd")])
    assert all("/" not in path and not path.startswith(".") for path in files)
    assert "etc-passwd.md" in files
    home = files["Home.md"].decode()
    assert "<script>" not in home
    assert "](javascript" not in home


def test_same_pages_give_the_same_bytes() -> None:
    assert wiki_tree(sample()) == wiki_tree(list(reversed(sample())))
