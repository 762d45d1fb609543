"""A bare view for benchmarks/web_pages.py: the baseline the real pages are compared to.

It goes through the same middleware as every page but does no work of its own. Routed
only when PEERLEARN_BENCHMARK_VIEWS is true (see peerlearn.web.urls).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from peerlearn.config.env import env_bool

BENCHMARK_VIEWS_VARIABLE = "PEERLEARN_BENCHMARK_VIEWS"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def benchmark_urlpatterns(environ: Mapping[str, str] | None = None) -> list[URLPattern]:
    if not env_bool(BENCHMARK_VIEWS_VARIABLE, False, environ=environ):
        return []
    return [path("_benchmark/bare", bare, name="benchmark_bare")]
