"""The one loosening of the Content-Security-Policy: styles on pages that draw a diagram.

Mermaid lays a diagram out in the live page and colours it with a `<style>` element and
`style` attributes it writes into the SVG; both are "inline styles", which the site's
`style-src 'self'` refuses (Chromium then draws every shape black and logs dozens of
violations). Their text depends on the diagram and on Mermaid's run, so neither a hash
nor a nonce can name them. So a page whose notes hold a diagram, and only such a page,
gets `style-src-elem 'self' 'unsafe-inline'` and `style-src-attr 'unsafe-inline'`;
scripts stay `'self'` only, and the user text itself still reaches the page through nh3,
which keeps no `<style>` and no `style` attribute. Why this and not more: docs/security.md.

`notes_markdown` (peerlearn.web.templatetags.markdown) calls allow_diagram_styles when it
writes a diagram; DiagramStylesMiddleware, placed just inside Django's CSP middleware,
then hands that middleware the loosened policy for this response only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP  # type: ignore[attr-defined,unused-ignore]

_FLAG = "_peerlearn_diagram_styles"


def allow_diagram_styles(request: HttpRequest) -> None:
    """This response will draw a Mermaid diagram: let it apply Mermaid's styles."""
    setattr(request, _FLAG, True)


def diagram_styles_allowed(request: HttpRequest) -> bool:
    return bool(getattr(request, _FLAG, False))


def diagram_policy(policy: Mapping[str, Any]) -> dict[str, Any]:
    """`policy` with inline styles allowed (elements and attributes); nothing else changed."""
    styles: Sequence[str] = policy.get("style-src") or policy.get("default-src") or [CSP.SELF]
    return {
        **policy,
        "style-src-elem": [*styles, CSP.UNSAFE_INLINE],
        "style-src-attr": [CSP.UNSAFE_INLINE],
    }


class DiagramStylesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that chose its own policy (csp_override) keeps it; no policy, nothing to do.
        if (
            diagram_styles_allowed(request)
            and settings.SECURE_CSP
            and not hasattr(response, "_csp_config")
        ):
            response._csp_config = diagram_policy(settings.SECURE_CSP)  # type: ignore[attr-defined]
        return response
