"""Hostile Markdown comes out with nothing that can run: every payload below is rendered
both as notes (diagrams on) and as a gap description, the output is parsed, and each
element, attribute, class and link is checked against what the sanitiser may let out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from peerlearn.markdown import render_markdown, render_notes

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "input", "sup", "section", "div", "span",
}  # fmt: skip
NEVER_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "img", "link",
    "meta", "base", "form", "frame", "frameset", "template", "textarea", "button",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "href", "title", "id", "align", "start", "class", "type", "checked", "disabled",
    "aria-hidden", "aria-label", "rel",
}  # fmt: skip
FOOTNOTE_ID = re.compile(r"fn(ref)?(-[a-z0-9-]+-)?\d+(:\d+)?")


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]
    text: str = ""


@dataclass
class Collector(HTMLParser):
    elements: list[Element] = field(default_factory=list)
    open_pre: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag == "pre":
            self.open_pre.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.open_pre:
            self.open_pre.pop()

    def handle_data(self, data: str) -> None:
        for element in self.open_pre:
            element.text += data


def parse(html: str) -> list[Element]:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def href_is_safe(href: str) -> bool:
    # What a browser would see: entities are decoded by the parser already; it also drops
    # tabs and newlines and ignores case and leading spaces or control characters.
    seen = re.sub(r"[\t\n\r]", "", href).lstrip("\x00- ").lower()
    if seen.startswith(("http://", "https://", "mailto:", "#")):
        return True
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", seen)
    return scheme is None  # a relative link: no scheme at all


def assert_inert(html: str) -> None:
    for element in parse(html):
        assert element.tag in ALLOWED_TAGS, f"<{element.tag}> in {html!r}"
        assert element.tag not in NEVER_TAGS
        for name, value in element.attributes.items():
            assert not name.startswith("on"), f"{name} on <{element.tag}> in {html!r}"
            assert name in ALLOWED_ATTRIBUTES, f"{name}= on <{element.tag}> in {html!r}"
            if name == "href":
                assert href_is_safe(value), f"href {value!r} in {html!r}"
            if name == "id":
                assert FOOTNOTE_ID.fullmatch(value), f"id {value!r} in {html!r}"
        if element.tag == "input":
            assert element.attributes.get("type") == "checkbox"
            assert "disabled" in element.attributes


PAYLOADS = [
    # raw HTML (off in the renderer) and what nh3 would have to catch
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="x.swf">',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<a href="javascript:alert(1)">raw link</a>',
    '<p onclick="alert(1)">para</p>',
    "<details open ontoggle=alert(1)>",
    # links and their schemes, however spelt
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java&#10;script:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](VbScRiPt:msgbox(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: &#106;avascript:alert(1)",
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    "![img](javascript:alert(1)) ![img](https://evil.example/pixel.png)",
    "[![img](x.png)](javascript:alert(1))",
    "`<script>alert(1)</script>`",
    # footnotes
    "Text[^<script>alert(1)</script>]\n\n[^<script>alert(1)</script>]: note",
    'Text[^x" onclick="alert(1)]\n\n[^x" onclick="alert(1)]: note',
    "Text[^a]\n\n[^a]: <img src=x onerror=alert(1)> [y](javascript:alert(1))",
    "Text ^[<script>alert(1)</script> [y](javascript:alert(1))]",
    "[^1]: orphan <svg onload=alert(1)>",
    # task lists
    "- [x] <input onfocus=alert(1) autofocus>",
    "- [ ] [x](javascript:alert(1))",
    '- [x] <input type="text" value="x">',
    "- [x]<script>alert(1)</script>",
    # code blocks: info strings and contents
    '```"><script>alert(1)</script>\ncode\n```',
    "```python onload=alert(1)\nprint(1)\n```",
    "```html\n</code></pre><script>alert(1)</script>\n```",
    "```python\n'</span><img src=x onerror=alert(1)>'\n```",
    "    <script>alert(1)</script>",
    # mermaid blocks
    "```mermaid\ngraph TD\nA[<script>alert(1)</script>] --> B\n```",
    "```mermaid\n</pre><script>alert(1)</script><pre>\n```",
    '```mermaid\ngraph TD\nA["<img src=x onerror=alert(1)>"]\nclick A call alert(1)\n```',
    '```mermaid\nflowchart LR\nA-->B\nclick A "javascript:alert(1)"\n```',
    '```mermaid\n%%{init: {"securityLevel": "loose"}}%%\ngraph TD\nA-->B\n```',
    "```mermaid\n---\nconfig:\n  securityLevel: loose\n---\ngraph TD\nA-->B\n```",
    "```MerMaid onload=alert(1)\ngraph TD\nA-->B\n```",
    # whiteboard cards
    "https://miro.com@evil.example/board",
    "[<img src=x onerror=alert(1)>](https://miro.com/app/board/x)",
    'https://miro.com/"><script>alert(1)</script>',
    "javascript://miro.com/%0aalert(1)",
    "[Board](javascript://whimsical.com/%0aalert(1))",
    '<https://excalidraw.com/#json="><svg onload=alert(1)>>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_executable_survives(payload: str) -> None:
    for html in (render_notes(payload).html, render_markdown(payload)):
        assert_inert(html)
        assert "<script" not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_inside_lists_quotes_and_footnotes(payload: str) -> None:
    indented = payload.replace("\n", "\n    ")
    wrapped = f"- item\n\n    {indented}\n\n> {payload}\n\nSee[^w].\n\n[^w]: {indented}\n"
    assert_inert(render_notes(wrapped).html)


def test_a_mermaid_source_is_text_in_the_page_exactly_as_typed() -> None:
    source = (
        '%%{init: {"securityLevel": "loose"}}%%\ngraph TD\n'
        '  A["<img src=x onerror=alert(1)>"] --> B["</pre><script>x()</script>"]\n'
        '  click A call alert(1)\n  B -->|"&amp; &lt;"| C\n'
    )
    rendered = render_notes(f"```mermaid\n{source}```\n")
    assert rendered.has_diagram
    diagrams = [e for e in parse(rendered.html) if "mermaid" in e.attributes.get("class", "")]
    assert [e.tag for e in diagrams] == ["pre"]
    assert diagrams[0].text == source  # what Mermaid reads is what the person typed
    assert_inert(rendered.html)


def test_a_hostile_page_of_everything_together_is_inert() -> None:
    assert_inert(render_notes("\n\n".join(PAYLOADS)).html)


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVa\tScript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="vbscript:x">x</a>',
        "<svg><circle/></svg>",
        '<span style="color:red">x</span>',
        '<input type="text">',
        '<input type="checkbox">',
        '<li id="main">x</li>',
    ],
)
def test_the_check_itself_catches_what_it_looks_for(html: str) -> None:
    with pytest.raises(AssertionError):
        assert_inert(html)
