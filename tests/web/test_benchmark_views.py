"""The bare benchmark view exists only when PEERLEARN_BENCHMARK_VIEWS turns it on."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from peerlearn.web.benchmark_views import benchmark_urlpatterns


@pytest.mark.parametrize("name", ["bare", "layout"])
def test_benchmark_views_are_not_routed_by_default(db: None, name: str) -> None:
    with pytest.raises(NoReverseMatch):
        reverse(f"web:benchmark_{name}")
    assert Client().get(f"/_benchmark/{name}").status_code == 404


def test_benchmark_view_is_not_routed_when_switched_off() -> None:
    assert benchmark_urlpatterns({}) == []
    assert benchmark_urlpatterns({"PEERLEARN_BENCHMARK_VIEWS": "0"}) == []


def test_benchmark_view_is_routed_when_switched_on() -> None:
    patterns = benchmark_urlpatterns({"PEERLEARN_BENCHMARK_VIEWS": "1"})
    assert [str(pattern.pattern) for pattern in patterns] == [
        "_benchmark/bare",
        "_benchmark/layout",
    ]
    response = patterns[0].callback(None)  # type: ignore[arg-type]
    assert response.content == b"ok"
