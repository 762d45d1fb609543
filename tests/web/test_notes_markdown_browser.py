"""Mermaid diagrams in Chromium under the site's real CSP: drawn as SVG with their colours,
no violation on the console, a hostile diagram inert, and no Mermaid on other pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    ConsoleLog,
    browser_type_launch_args,
    console,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.web.notes_urls"),
]


def _requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def _errors(log: ConsoleLog) -> list[str]:
    return [m for m in log.messages if m.startswith(("error", "pageerror"))]


def test_a_diagram_is_drawn_as_svg_with_its_styles_and_no_csp_violation(
    page: Page,
    live_server: LiveServer,
    console: ConsoleLog,  # noqa: F811
) -> None:
    requests = _requests(page)
    page.goto(f"{live_server.url}/test-notes/diagram/")
    svg = page.locator(".diagram pre.mermaid svg")
    expect(svg).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("data-diagrams", "drawn")
    expect(svg.get_by_text("Pair", exact=True)).to_be_visible()
    # Mermaid's <style> applied (the page's policy let it): shapes are not the default black.
    fill = page.locator(".diagram svg .node rect").first.evaluate("e => getComputedStyle(e).fill")
    assert fill not in {"rgb(0, 0, 0)", "black", ""}, fill
    assert [url for url in requests if "mermaid" in url] == [
        f"{live_server.url}/static/vendor/mermaid/mermaid.min.js"
    ]
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert console.csp_violations() == []
    assert _errors(console) == []


def test_two_notes_with_diagrams_load_mermaid_once_and_draw_both(
    page: Page,
    live_server: LiveServer,
    console: ConsoleLog,  # noqa: F811
) -> None:
    requests = _requests(page)
    page.goto(f"{live_server.url}/test-notes/two/")
    expect(page.locator(".diagram pre.mermaid svg")).to_have_count(2)
    expect(page.get_by_text("Question", exact=True)).to_be_visible()
    assert len([url for url in requests if url.endswith("mermaid.min.js")]) == 1
    assert console.csp_violations() == []
    assert _errors(console) == []


def test_a_page_without_a_diagram_does_not_load_mermaid(
    page: Page,
    live_server: LiveServer,
    console: ConsoleLog,  # noqa: F811
) -> None:
    requests = _requests(page)
    page.goto(f"{live_server.url}/test-notes/plain/")
    expect(page.locator("pre.highlight .hl-k").first).to_have_text("def")
    card = page.get_by_role("link", name="Miro board: miro.com/app/board/uXjVexample=")
    expect(card).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if "mermaid" in url or "diagrams.js" in url] == []
    assert page.evaluate("typeof window.mermaid") == "undefined"
    # The highlighting and card colours come from the stylesheets, not inline styles.
    keyword = page.locator("pre.highlight .hl-k").first.evaluate("e => getComputedStyle(e).color")
    assert keyword == "rgb(126, 34, 206)"
    assert console.csp_violations() == []
    assert _errors(console) == []


def test_a_hostile_diagram_runs_nothing(
    page: Page,
    live_server: LiveServer,
    console: ConsoleLog,  # noqa: F811
) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{live_server.url}/test-notes/hostile/")
    svg = page.locator(".diagram pre.mermaid svg")
    expect(svg).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("data-diagrams", "drawn")
    for node in svg.locator(".node").all():
        node.click()
    found = svg.evaluate(
        """svg => {
            const all = [svg, ...svg.querySelectorAll('*')];
            return {
                handlers: all.flatMap(e => [...e.attributes].map(a => a.name))
                    .filter(name => name.startsWith('on')),
                tags: all.map(e => e.localName)
                    .filter(t => ['script', 'img', 'iframe', 'object', 'embed'].includes(t)),
                links: all.map(e => e.getAttribute('href') || e.getAttribute('xlink:href') || '')
                    .filter(h => /^\\s*(javascript|data|vbscript):/i.test(h)),
            };
        }"""
    )
    assert found == {"handlers": [], "tags": [], "links": []}
    assert dialogs == []
    # The directive's themeCSS ("body {display:none}") was not applied; labels are text.
    expect(page.get_by_role("heading", name="Notes")).to_be_visible()
    labels = svg.evaluate("s => [...s.querySelectorAll('text')].map(t => t.textContent)")
    assert '<img src="x">' in labels  # shown as characters, never an image
    assert not any("onerror" in label or "alert" in label for label in labels), labels
    # Mermaid's sanitiser (DOMPurify) parses the label's onerror= in an inert document and
    # Chromium reports the handler as refused there: the only thing the CSP had to say.
    refused = [m for m in console.csp_violations() if "inline event handler" not in m]
    assert refused == []
