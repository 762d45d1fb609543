"""Markdown in templates (what each feature does: the docstring of peerlearn.markdown).

    {% load markdown %}
    {{ gap.description|markdown }}                  {# gap descriptions: no diagrams #}
    {% notes_markdown session.notes %}              {# session notes, diagrams drawn #}
    {% notes_markdown note.text doc_id=note.pk %}   {# several notes on one page #}

`notes_markdown` needs the request in the context (Django's `request` context processor,
on in settings): it writes web/notes.css and web/highlight.css once per page, and when
the notes hold a ```mermaid block it writes "web/diagram_scripts.html" (Mermaid and
web/diagrams.js) once and calls peerlearn.web.csp.allow_diagram_styles(request), so this
response alone may apply Mermaid's inline styles. Nothing else is needed in the page.
"""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from peerlearn.markdown import render_markdown, render_notes
from peerlearn.web.csp import allow_diagram_styles

register = template.Library()

_WRITTEN = "_peerlearn_notes_assets"  # which assets this page already has


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """`{{ gap.description|markdown }}`: sanitised HTML (peerlearn.markdown)."""
    return render_markdown(text or "")


def _written(context: template.Context) -> set[str]:
    # On the request, so notes in several included templates share it; without a request
    # (a template rendered on its own) the outermost render keeps it.
    request = context.get("request")
    if isinstance(request, HttpRequest):
        if not hasattr(request, _WRITTEN):
            setattr(request, _WRITTEN, set())
        written: set[str] = getattr(request, _WRITTEN)
        return written
    outermost = cast("dict[str, Any]", context.render_context.dicts[0])
    kept: set[str] = outermost.setdefault(_WRITTEN, set())
    return kept


@register.simple_tag(takes_context=True)
def notes_markdown(context: template.Context, text: str, doc_id: str | int | None = None) -> str:
    """`{% notes_markdown session.notes %}`: notes HTML with the stylesheets on first use
    and, when it holds a diagram, Mermaid's scripts once and the loosened style policy."""
    rendered = render_notes(text or "", doc_id=doc_id)
    written = _written(context)
    parts: list[str] = []
    if "styles" not in written:
        written.add("styles")
        parts.append(render_to_string("web/notes_styles.html"))
    parts.append(rendered.html)
    if rendered.has_diagram:
        request = context.get("request")
        if isinstance(request, HttpRequest):
            allow_diagram_styles(request)
        if "scripts" not in written:
            written.add("scripts")
            parts.append(render_to_string("web/diagram_scripts.html"))
    return mark_safe("".join(parts))  # noqa: S308 - sanitised HTML and our own templates
