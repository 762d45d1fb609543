"""Baseline views for benchmarks/web_pages.py, routed only when PEERLEARN_BENCHMARK_VIEWS
is true (see peerlearn.web.urls).

- bare: the same middleware as every page, no work of its own; the pages' baseline.
- layout: the empty layout for the signed-in user (session, user, base template): the
  floor every signed-in page stands on, to tell fixed costs from a page's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from peerlearn.config.env import env_bool

BENCHMARK_VIEWS_VARIABLE = "PEERLEARN_BENCHMARK_VIEWS"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


def benchmark_urlpatterns(environ: Mapping[str, str] | None = None) -> list[URLPattern]:
    if not env_bool(BENCHMARK_VIEWS_VARIABLE, False, environ=environ):
        return []
    return [
        path("_benchmark/bare", bare, name="benchmark_bare"),
        path("_benchmark/layout", layout, name="benchmark_layout"),
    ]
