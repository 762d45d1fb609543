"""What notes Markdown does beyond CommonMark: task lists, footnotes, highlighting,
whiteboard cards and diagrams; and that gap descriptions keep working as before."""

from __future__ import annotations

import pytest

from peerlearn.markdown import MAX_SOURCE, RenderedMarkdown, render_markdown, render_notes
from peerlearn.markdown._blocks import MAX_HIGHLIGHTED


def test_task_lists_are_disabled_checkboxes_ticked_as_typed() -> None:
    html = render_notes("- [ ] book a room\n- [x] pick a topic\n- plain item\n").html
    assert html.count('type="checkbox"') == 2
    assert html.count('disabled="disabled"') == 2
    assert html.count('checked="checked"') == 1
    assert 'checked="checked" disabled="disabled" type="checkbox"> pick a topic' in html
    assert "<li>plain item</li>" in html


def test_footnotes_link_both_ways_with_ids_unique_per_note() -> None:
    text = "Pairing helps[^why], often ^[inline one].\n\n[^why]: Two people see more.\n"
    html = render_notes(text, doc_id="note-3").html
    assert '<a href="#fn-note-3-1" id="fnref-note-3-1"' in html
    assert '<li id="fn-note-3-1" class="footnote-item"><p>Two people see more.' in html
    assert 'href="#fnref-note-3-1" class="footnote-backref" aria-label="Back to the text"' in html
    assert '<li id="fn-note-3-2"' in html
    assert 'id="fnref1"' in render_notes(text).html  # no prefix asked: the plugin's own


@pytest.mark.parametrize("doc_id", ["Note", "a b", "x" * 41, "-x", '"><b>'])
def test_a_doc_id_that_is_not_a_plain_slug_is_refused(doc_id: str) -> None:
    with pytest.raises(ValueError, match="doc_id"):
        render_notes("x[^1]\n\n[^1]: y", doc_id=doc_id)


def test_code_is_highlighted_with_classes_and_never_inline_styles() -> None:
    html = render_notes("```python\ndef pair(a):\n    return '<b>'\n```\n").html
    assert html.startswith('<pre class="highlight"><code><span class="hl-k">def</span>')
    assert '<span class="hl-nf">pair</span>' in html
    assert "&lt;b&gt;" in html
    assert "style=" not in html


def test_unknown_languages_indented_code_and_huge_blocks_are_plain_escaped_text() -> None:
    for text in ("```nosuchlanguage\nx < y\n```", "    x < y\n"):
        assert render_notes(text).html == '<pre class="highlight"><code>x &lt; y\n</code></pre>\n'
    huge = "x = 1\n" * (MAX_HIGHLIGHTED // 6 + 1)
    html = render_notes(f"```python\n{huge}```").html
    assert "hl-" not in html
    assert html.count("x = 1") == huge.count("x = 1")


CARDS = [
    ("https://whimsical.com/retro-Abc123", "whimsical", "whimsical.com/retro-Abc123"),
    ("<https://excalidraw.com/#json=abc,def>", "excalidraw", "excalidraw.com"),
    ("[Sprint retro](https://miro.com/app/board/uXjV_x=/)", "miro", "Sprint retro"),
    ("https://www.figma.com/board/AbC/Retro?node-id=1", "figjam", "www.figma.com/board/AbC/Retro"),
    ("[Arch *sketch*](https://www.tldraw.com/r/abc)", "tldraw", "Arch sketch"),
    ("- https://app.excalidraw.com/l/abc", "excalidraw", "app.excalidraw.com/l/abc"),
]
TOOL_NAMES = {
    "whimsical": "Whimsical board",
    "excalidraw": "Excalidraw drawing",
    "miro": "Miro board",
    "figjam": "FigJam board",
    "tldraw": "tldraw drawing",
}


@pytest.mark.parametrize(("text", "tool", "label"), CARDS)
def test_a_whiteboard_link_alone_on_its_line_is_a_card(text: str, tool: str, label: str) -> None:
    name = TOOL_NAMES[tool]
    html = render_notes(f"Before.\n\n{text}\n\nAfter.").html
    assert f'<a class="whiteboard whiteboard-{tool}" href="https://' in html
    assert f'<span class="whiteboard-tool">{name}:</span>' in html
    assert f'<span class="whiteboard-label">{label}</span>' in html
    assert '<span class="whiteboard-badge" aria-hidden="true"></span>' in html
    assert "<iframe" not in html
    assert "<img" not in html


@pytest.mark.parametrize(
    "text",
    [
        "See https://miro.com/app/board/x for the board",  # not alone on its line
        "https://miro.com/app/board/x\nand a second line",
        "https://notmiro.com/app/board/x",
        "https://miro.com.evil.example/app/board/x",
        "https://miro.com@evil.example/app/board/x",
        "https://www.figma.com/file/AbC/Design",  # a Figma design file, not FigJam
        "ftp://miro.com/x",
        "https://example.com/whimsical.com",
    ],
)
def test_other_links_stay_ordinary_text_or_links(text: str) -> None:
    assert "whiteboard" not in render_notes(text).html


def test_a_long_board_address_is_shortened_on_the_card_not_in_the_link() -> None:
    url = "https://miro.com/app/board/" + "a" * 200 + "/"
    html = render_notes(url).html
    assert f'href="{url}"' in html
    assert "…</span>" in html


def test_highlighting_stops_once_the_document_has_used_its_budget() -> None:
    block = "x = 1\n" * (MAX_HIGHLIGHTED // 6 // 3)  # three fit, the fourth does not
    html = render_notes(f"```python\n{block}```\n\n" * 4).html
    blocks = html.split('<pre class="highlight">')[1:]
    assert ["hl-" in b for b in blocks] == [True, True, True, False]


def test_notes_with_a_mermaid_block_say_so_and_others_do_not() -> None:
    diagram = render_notes("Intro\n\n```mermaid\ngraph TD\n  A --> B\n```\n")
    assert isinstance(diagram, RenderedMarkdown)
    assert diagram.has_diagram
    assert '<div class="diagram"><pre class="mermaid">graph TD\n  A --&gt; B\n</pre></div>' in (
        diagram.html
    )
    assert str(diagram) == diagram.html == diagram.__html__()
    plain = render_notes("```python\nx = 1\n```\n\n    mermaid\n")
    assert not plain.has_diagram
    assert "mermaid" not in plain.html.replace(">mermaid", "")


def test_gap_descriptions_keep_a_mermaid_block_as_code() -> None:
    html = render_markdown("```mermaid\ngraph TD\n  A --> B\n```\n")
    assert html == '<pre class="highlight"><code>graph TD\n  A --&gt; B\n</code></pre>\n'


def test_gap_descriptions_render_as_before() -> None:
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n| a |\n|---|\n| 1 |"
    )
    assert "<strong>bold</strong>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<td>1</td>" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.com" rel="nofollow noopener noreferrer">e</a>' in (
        render_markdown("[e](https://example.com)")
    )


def test_text_past_the_limit_is_cut() -> None:
    html = render_notes("a" * MAX_SOURCE + "TAIL").html
    assert "TAIL" not in html
    assert html.count("a") >= MAX_SOURCE
