"""RenderCache: renders each source once across exports, forgets what is no longer used."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerlearn.engines.kb import RenderCache, html_site, rendered_sources
from peerlearn.markdown import render_markdown

from .pages import page, sample


class CountingRenderer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, markdown: str) -> str:
        self.calls.append(markdown)
        return f"<p>{len(self.calls)}</p>"


def test_a_second_export_renders_nothing_again(tmp_path: Path) -> None:
    render = CountingRenderer()
    with RenderCache(render, tmp_path / "cache.db", version="1") as cache:
        first = html_site(sample(), cache)
    count = len(render.calls)
    assert count > 0
    with RenderCache(render, tmp_path / "cache.db", version="1") as cache:
        second = html_site(sample(), cache)
        assert cache.misses == 0
    assert len(render.calls) == count
    assert first == second


def test_a_new_version_renders_again(tmp_path: Path) -> None:
    render = CountingRenderer()
    with RenderCache(render, tmp_path / "cache.db", version="1") as cache:
        cache("# a")
    with RenderCache(render, tmp_path / "cache.db", version="2") as cache:
        cache("# a")
    assert render.calls == ["# a", "# a"]


def test_entries_not_used_by_the_last_export_are_dropped(tmp_path: Path) -> None:
    render = CountingRenderer()
    with RenderCache(render, tmp_path / "cache.db", version="1") as cache:
        cache("old")
        cache("kept")
    with RenderCache(render, tmp_path / "cache.db", version="1") as cache:
        cache("kept")
    with RenderCache(render, tmp_path / "cache.db", version="1") as cache:
        cache("old")
    assert render.calls == ["old", "kept", "old"]


def test_a_failed_export_stores_nothing(tmp_path: Path) -> None:
    render = CountingRenderer()

    def export_that_fails() -> None:
        with RenderCache(render, tmp_path / "c.db", version="1") as cache:
            cache("text")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        export_that_fails()
    with RenderCache(render, tmp_path / "c.db", version="1") as cache:
        cache("text")
    assert render.calls == ["text", "text"]


def test_prefetch_renders_in_processes_what_the_site_then_finds(tmp_path: Path) -> None:
    pages = [page(f"p{n}", body_markdown=f"Note **{n}**\n\n- item {n}") for n in range(200)]
    with RenderCache(render_markdown, tmp_path / "c.db", version="1") as cache:
        assert cache.prefetch(rendered_sources(pages), workers=2) == 200
        site = html_site(pages, cache)
        assert cache.misses == 200
    assert "<p>Note <strong>7</strong></p>" in site["platform/p7.html"].decode()
    with RenderCache(render_markdown, tmp_path / "c.db", version="1") as cache:
        assert cache.prefetch(rendered_sources(pages), workers=2) == 0
