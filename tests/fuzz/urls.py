"""Every URL pattern of the site as (route, view), for tests that go through all of them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Django admin and the API (ninja dispatches by method itself; tests/fuzz/test_api.py).
FOREIGN_PREFIXES = ("admin/", "api/")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # "teams/<id:team_id>/members/"
    name: str  # "people:team_members"
    view: Callable[..., Any]

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """(converter, name) of each parameter."""
        return [(m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(self.route)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + PARAMETER.sub(lambda m: values[m["name"]], self.route)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        else:
            yield Route(route, f"{namespace}{entry.name or ''}", entry.callback)


def site_routes() -> list[Route]:
    """Every pattern of peerlearn's own pages (Django admin and the API left out)."""
    return [
        r
        for r in _walk(get_resolver().url_patterns, "", "")
        if not r.route.startswith(FOREIGN_PREFIXES)
    ]


def declared_methods(view: Callable[..., Any]) -> set[str] | None:
    """The methods a view answers, when it says so; None when it takes anything.

    Function views say so with Django's require_http_methods (require_GET, require_POST,
    require_safe are made from it): its wrapper keeps the list in its closure. Class-based
    views answer only the methods they have handlers for.
    """
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function: Any = view
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename.endswith("django/views/decorators/http.py"):
            for cell in function.__closure__ or ():
                contents = cell.cell_contents
                if isinstance(contents, list) and all(isinstance(m, str) for m in contents):
                    return set(contents)
        function = getattr(function, "__wrapped__", None)
    return None
