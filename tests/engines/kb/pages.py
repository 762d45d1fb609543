"""Pages for the export tests, and helpers that read the exports back."""

from __future__ import annotations

import posixpath
import re
from datetime import UTC, date, datetime
from typing import Any

from peerlearn.engines.kb import KbPage

UPDATED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
HOSTILE = 'Evil "title"\n---\nadmin: true # [x](javascript:alert(1)) <script>alert(1)</script>'


def page(slug: str, **fields: Any) -> KbPage:
    values: dict[str, Any] = {
        "title": slug.replace("-", " ").title(),
        "date": date(2026, 10, 1),
        "team": "Platform",
        "updated_at": UPDATED,
    }
    values.update(fields)
    return KbPage(slug=slug, **values)


def sample() -> list[KbPage]:
    return [
        page(
            "intro-git",
            title="Intro to Git",
            format="lightning talk",
            summary="Branches, *rebase* and `reflog`.",
            takeaways=("Commit often", "1. not a list"),
            body_markdown="Notes.\n\n```mermaid\ngraph TD; A-->B\n```\n",
            teachers=("Ana", "Bilal"),
            tags=("git",),
            code_areas=("src/vcs/",),
            gaps=("Rebasing safely",),
            related=("k8s-basics", "gone"),
        ),
        page(
            "k8s-basics",
            title="Kubernetes basics",
            team="Data & ML",
            date=date(2026, 9, 3),
            related=("intro-git",),
        ),
        page("pairing-db", title="Pairing on the DB", format="pairing", date=date(2026, 10, 7)),
    ]


_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HREF = re.compile(r'href="([^"]+)"')


def markdown_links(text: str) -> list[str]:
    return _LINK.findall(text)


def html_links(text: str) -> list[str]:
    return _HREF.findall(text)


def resolve(source: str, link: str) -> str:
    """The export path a relative link in `source` points to."""
    assert not link.startswith(("/", "http:", "https:")), link
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), link))
