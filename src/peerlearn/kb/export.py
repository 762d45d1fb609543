"""Exporting the knowledge base: the stored pages as engines.kb pages, written as a
Markdown tree, a static HTML site or a wiki (engines/kb does the writing).

Exports hold what the reader may read anyway: one team's pages (from its knowledge-base
page), or an organisation's (by its operator, from the command line). File names are the
title's slug and the page's id, so two pages with one title never collide. The export
is repeatable (same pages, same bytes) and incremental (only changed files are written).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from peerlearn.capture.models import SessionNotes
from peerlearn.engines.kb import KbPage as ExportPage
from peerlearn.engines.kb import WriteReport, html_site, markdown_tree, wiki_tree, write_tree
from peerlearn.engines.kb.wiki_git import PushResult, push_wiki
from peerlearn.gaps.models import GapSession
from peerlearn.kb.models import KbPage
from peerlearn.markdown import render_notes_html
from peerlearn.schedule.models import FORMAT_CHOICES

FORMATS = ("markdown", "html", "wiki")
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


def export_files(pages: list[ExportPage], format: str) -> Mapping[str, bytes]:
    if format == "markdown":
        return markdown_tree(pages)
    if format == "html":
        return html_site(pages, render_notes_html)
    if format == "wiki":
        return wiki_tree(pages)
    raise ValueError(f"Not an export format: {format!r} (use {', '.join(FORMATS)}).")


def export_to_directory(
    *, organisation_id: int, directory: Path, format: str, team_id: int | None = None
) -> WriteReport:
    pages = export_pages(organisation_id=organisation_id, team_id=team_id)
    return write_tree(export_files(pages, format), directory)


def export_zip(*, organisation_id: int, format: str, team_id: int | None = None) -> bytes:
    """The export as one zip file, byte for byte the same for the same pages (entries
    sorted, one fixed timestamp)."""
    files = export_files(export_pages(organisation_id=organisation_id, team_id=team_id), format)
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
