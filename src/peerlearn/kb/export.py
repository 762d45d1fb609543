"""Exporting the knowledge base: the stored pages as engines.kb pages, written as a
Markdown tree, a static HTML site or a wiki (engines/kb does the writing).

Exports hold what the reader may read anyway: one team's pages (from its knowledge-base
page), or an organisation's (by its operator, from the command line). File names are the
title's slug and the page's id, so two pages with one title never collide. The export
is repeatable (same pages, same bytes) and incremental (only changed files are written).
"""

from __future__ import annotations

import io
import logging
import sqlite3
import zipfile
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from peerlearn.capture.models import SessionNotes
from peerlearn.engines.kb import KbPage as ExportPage
from peerlearn.engines.kb import (
    RenderCache,
    WriteReport,
    html_site,
    markdown_tree,
    rendered_sources,
    wiki_tree,
    write_tree,
)
from peerlearn.engines.kb.wiki_git import PushResult, push_wiki
from peerlearn.gaps.models import GapSession
from peerlearn.kb.models import KbPage
from peerlearn.markdown import RENDER_VERSION, render_notes_html
from peerlearn.schedule.models import FORMAT_CHOICES

FORMATS = ("markdown", "html", "wiki")
logger = logging.getLogger(__name__)
_FORMAT_NAMES = dict(FORMAT_CHOICES)


def export_slug(page: KbPage) -> str:
    base = slugify(page.title)[:60].strip("-") or "page"
    return f"{base}-{page.pk}"


def export_pages(*, organisation_id: int, team_id: int | None = None) -> list[ExportPage]:
    pages = KbPage.objects.filter(team__organisation_id=organisation_id).select_related("team")
    if team_id is not None:
        pages = pages.filter(team_id=team_id)
    rows = list(pages.prefetch_related("teachers").order_by("pk"))
    session_ids = [page.session_id for page in rows]
    notes = dict(
        SessionNotes.objects.filter(session_id__in=session_ids).values_list("session_id", "body")
    )
    gaps: dict[int, list[str]] = {}
    for link in GapSession.objects.filter(session_id__in=session_ids).select_related("gap"):
        gaps.setdefault(link.session_id, []).append(link.gap.title)
    return [
        ExportPage(
            slug=export_slug(page),
            title=page.title,
            date=page.held_on,
            team=page.team.name,
            format=_FORMAT_NAMES.get(page.format, page.format),
            summary=page.summary,
            takeaways=tuple(page.takeaways),
            body_markdown=notes.get(page.session_id, ""),
            teachers=tuple(sorted(person.name for person in page.teachers.all())),
            tags=tuple(page.tags),
            code_areas=tuple(page.code_areas),
            gaps=tuple(sorted(gaps.get(page.session_id, []))),
            updated_at=page.updated_at,
        )
        for page in rows
    ]


def render_cache_path(*, organisation_id: int, team_id: int | None) -> Path:
    """Where the HTML of one export's pages is kept between runs (one file per export
    scope: closing the cache forgets what that export did not use)."""
    folder = Path(settings.DATA_DIR) / "kb-export"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"render-cache-{organisation_id}-{team_id or 'all'}.sqlite3"


def _html_site(
    pages: list[ExportPage], cache_path: Path | None, workers: int
) -> Mapping[str, bytes]:
    if cache_path is None:
        return html_site(pages, render_notes_html)
    try:
        with RenderCache(render_notes_html, cache_path, version=RENDER_VERSION) as cache:
            cache.prefetch(rendered_sources(pages), workers=workers)
            return html_site(pages, cache)
    except sqlite3.DatabaseError as error:
        # Only a cache: a damaged file costs this export its speed, never its result.
        logger.warning("knowledge-base render cache %s unusable (%s); rebuilt", cache_path, error)
        cache_path.unlink(missing_ok=True)
        return html_site(pages, render_notes_html)


def export_files(
    pages: list[ExportPage],
    format: str,
    *,
    cache_path: Path | None = None,
    workers: int = 1,
) -> Mapping[str, bytes]:
    """The export's files. For HTML, `cache_path` keeps rendered Markdown between runs
    (so an export after a few edits renders a few) and `workers` > 1 renders what is not
    cached in that many processes (the command line; a web request renders in-process)."""
    if format == "markdown":
        return markdown_tree(pages)
    if format == "html":
        return _html_site(pages, cache_path, workers)
    if format == "wiki":
        return wiki_tree(pages)
    raise ValueError(f"Not an export format: {format!r} (use {', '.join(FORMATS)}).")


def export_to_directory(
    *,
    organisation_id: int,
    directory: Path,
    format: str,
    team_id: int | None = None,
    workers: int = 1,
) -> WriteReport:
    pages = export_pages(organisation_id=organisation_id, team_id=team_id)
    cache = render_cache_path(organisation_id=organisation_id, team_id=team_id)
    return write_tree(export_files(pages, format, cache_path=cache, workers=workers), directory)


def export_zip(*, organisation_id: int, format: str, team_id: int | None = None) -> bytes:
    """The export as one zip file, byte for byte the same for the same pages (entries
    sorted, one fixed timestamp)."""
    pages = export_pages(organisation_id=organisation_id, team_id=team_id)
    cache = render_cache_path(organisation_id=organisation_id, team_id=team_id)
    files = export_files(pages, format, cache_path=cache)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[path])
    return buffer.getvalue()


def export_to_wiki(
    *,
    organisation_id: int,
    remote_url: str,
    team_id: int | None = None,
    git_config: Mapping[str, str] | None = None,
) -> PushResult:
    pages = export_pages(organisation_id=organisation_id, team_id=team_id)
    workdir = Path(settings.DATA_DIR) / "wiki-clones" / f"{organisation_id}-{team_id or 'all'}"
    workdir.parent.mkdir(parents=True, exist_ok=True)
    return push_wiki(
        wiki_tree(pages),
        remote_url,
        author_name="peerlearn",
        author_email="peerlearn@localhost",
        message=f"Knowledge base: {len(pages)} page(s)",
        workdir=workdir,
        git_config=git_config,
    )
