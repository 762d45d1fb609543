"""`{% notes_markdown %}`: assets once per page, Mermaid only with a diagram, and the
loosened style policy on exactly those responses."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client, RequestFactory

from peerlearn.web.csp import diagram_policy, diagram_styles_allowed

from .notes_urls import DIAGRAM, PLAIN

MERMAID = "vendor/mermaid/mermaid.min.js"
TEMPLATE = "{% load markdown %}{% for text in notes %}{% notes_markdown text %}{% endfor %}"


def render(notes: list[str], with_request: bool = True) -> tuple[str, bool]:
    request = RequestFactory().get("/") if with_request else None
    html = engines["django"].from_string(TEMPLATE).render({"notes": notes}, request)
    return html, request is not None and diagram_styles_allowed(request)


def test_notes_without_a_diagram_bring_stylesheets_but_no_script() -> None:
    html, loosened = render([PLAIN, PLAIN])
    assert html.count("web/notes.css") == 1
    assert html.count("web/highlight.css") == 1
    assert "<script" not in html
    assert not loosened


@pytest.mark.parametrize("with_request", [True, False])
def test_diagrams_bring_mermaid_and_its_starter_once(with_request: bool) -> None:
    html, loosened = render([PLAIN, DIAGRAM, DIAGRAM], with_request=with_request)
    assert html.count(MERMAID) == 1
    assert html.count("web/diagrams.js") == 1
    assert html.index(MERMAID) < html.index("web/diagrams.js")  # both defer: in order
    assert html.count("web/notes.css") == 1
    assert html.count('<pre class="mermaid">') == 2
    assert loosened is with_request


def test_the_diagram_policy_loosens_styles_only() -> None:
    policy = diagram_policy(settings.SECURE_CSP)
    assert policy["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    untouched = {k: v for k, v in policy.items() if not k.startswith("style-src-")}
    assert untouched == dict(settings.SECURE_CSP)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.urls("tests.web.notes_urls")
def test_only_a_page_with_a_diagram_gets_inline_styles_and_never_inline_scripts() -> None:
    client = Client()
    with_diagram = client.get("/test-notes/diagram/")
    without = client.get("/test-notes/plain/")
    assert with_diagram.status_code == without.status_code == 200
    loosened = _directives(with_diagram.headers["Content-Security-Policy"])
    strict = _directives(without.headers["Content-Security-Policy"])
    assert loosened["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert loosened["style-src-attr"] == ["'unsafe-inline'"]
    assert loosened["script-src"] == strict["script-src"] == ["'self'"]
    assert strict["style-src"] == ["'self'"]
    assert "style-src-elem" not in strict
    assert "style-src-attr" not in strict
    assert MERMAID in with_diagram.content.decode()
    assert MERMAID not in without.content.decode()
    login_policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in login_policy
