"""The static site: escaped text, sanitised Markdown, relative links, no script."""

from __future__ import annotations

from peerlearn.engines.kb import html_site
from peerlearn.markdown import render_notes_html

from .pages import HOSTILE, html_links, page, resolve, sample


def site(pages: list[object] | None = None) -> dict[str, str]:
    files = html_site(pages or sample(), render_notes_html)  # type: ignore[arg-type]
    return {path: data.decode() for path, data in files.items()}


def test_index_team_indexes_pages_and_a_style_sheet() -> None:
    assert sorted(site()) == [
        "data-ml/index.html",
        "data-ml/k8s-basics.html",
        "index.html",
        "platform/index.html",
        "platform/intro-git.html",
        "platform/pairing-db.html",
        "style.css",
    ]


def test_every_link_is_relative_and_lands_on_a_file() -> None:
    files = site()
    for source, text in files.items():
        for link in html_links(text):
            assert resolve(source, link) in files, (source, link)
    assert (
        '<a href="../data-ml/k8s-basics.html">Kubernetes basics</a>'
        in files["platform/intro-git.html"]
    )


def test_titles_and_names_are_escaped_and_markdown_is_sanitised() -> None:
    evil = page(
        "evil",
        title=HOSTILE,
        team="<b>Team</b>",
        teachers=('"><img src=x onerror=alert(1)>',),
        summary="[click](javascript:alert(1)) <script>alert(2)</script>",
        takeaways=("<i>ok</i>",),
    )
    files = site([evil])
    text = files["b-team-b/evil.html"]
    assert "<script" not in text
    assert "<img" not in text
    assert 'href="javascript' not in text
    assert "<a href=" not in text.split("Summary")[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the title, shown as text
    assert "&lt;b&gt;Team&lt;/b&gt;" in text
    assert "&lt;i&gt;ok&lt;/i&gt;" in text
    assert "<script" not in files["index.html"]
    assert "<b>" not in files["index.html"]


def test_mermaid_blocks_become_pre_mermaid_with_their_source_escaped() -> None:
    text = site()["platform/intro-git.html"]
    assert '<pre class="mermaid">graph TD; A--&gt;B\n</pre>' in text
    assert "<script" not in text


def test_same_pages_give_the_same_bytes() -> None:
    assert site() == site(list(reversed(sample())))
