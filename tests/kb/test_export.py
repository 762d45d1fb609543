"""Exports of the knowledge base: repeatable, incremental, walled off per team, and a
wiki push to a bare git repository made here, checked out again."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from peerlearn.cli import main
from peerlearn.kb import services
from peerlearn.kb.export import (
    export_to_directory,
    export_to_wiki,
    export_zip,
    render_cache_path,
)
from peerlearn.kb.models import KbPage
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db


def _page(cast: Cast, title: str, team: object = None, **extra: object) -> KbPage:
    session = make_session(team or cast.platform, title=title)  # type: ignore[arg-type]
    return services.kb_page_publish(
        session=session,
        actor=cast.alice,
        title=title,
        summary=f"About {title}.",
        takeaways=[f"{title} matters"],
        **extra,  # type: ignore[arg-type]
    ).page


def test_a_directory_export_is_incremental_and_repeatable(cast: Cast, tmp_path: Path) -> None:
    first = _page(cast, "Kafka lag", tags=["kafka"])
    _page(cast, "Helm charts")
    target = tmp_path / "kb"
    report = export_to_directory(organisation_id=cast.org.pk, directory=target, format="markdown")
    written = set(report.written)
    page_file = f"platform/kafka-lag-{first.pk}.md"
    assert page_file in written
    text = (target / page_file).read_text()
    assert text.startswith("---\n")
    assert 'title: "Kafka lag"' in text
    assert "Kafka lag matters" in text
    again = export_to_directory(organisation_id=cast.org.pk, directory=target, format="markdown")
    assert again.written == ()
    services.kb_page_publish(
        session=first.session, actor=cast.alice, title="Kafka lag", summary="New.", takeaways=["x"]
    )
    third = export_to_directory(organisation_id=cast.org.pk, directory=target, format="markdown")
    assert page_file in third.written
    assert len(third.written) <= 3  # the page and the indexes that list its summary


def test_the_cli_writes_a_static_site(cast: Cast, tmp_path: Path, capsys: object) -> None:
    _page(cast, "Tracing <in> production")
    target = tmp_path / "site"
    code = main(
        ["export-kb", "--organisation", "Example Co", "--format", "html", "--to", str(target)]
    )
    assert code == 0
    html = "".join(p.read_text() for p in target.rglob("*.html"))
    assert "Tracing &lt;in&gt; production" in html
    assert main(["export-kb", "--organisation", "Nobody", "--to", str(target)]) == 2


def test_a_team_export_holds_only_that_teams_pages_and_is_the_same_twice(cast: Cast) -> None:
    _page(cast, "Platform page")
    _page(cast, "Mobile page", team=cast.mobile)
    url = reverse("kb:export", args=[cast.platform.pk])
    response = client_for(cast.bob).get(url, {"format": "markdown"})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any("platform-page" in name for name in names)
    assert not any("mobile-page" in name for name in names)
    assert client_for(cast.charlie).get(url).status_code == 404
    assert export_zip(
        organisation_id=cast.org.pk, team_id=cast.platform.pk, format="html"
    ) == export_zip(organisation_id=cast.org.pk, team_id=cast.platform.pk, format="html")


def _git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_the_wiki_push_lands_in_a_git_repository(
    cast: Cast, tmp_path: Path, settings: object
) -> None:
    settings.DATA_DIR = tmp_path / "data"  # type: ignore[attr-defined]
    bare = tmp_path / "wiki.git"
    _git("init", "--bare", "--initial-branch=master", str(bare))
    _page(cast, "Kafka lag")
    _page(cast, "Helm charts")
    result = export_to_wiki(organisation_id=cast.org.pk, remote_url=f"file://{bare}")
    assert result.changed
    clone = tmp_path / "clone"
    _git("clone", str(bare), str(clone))
    home = (clone / "Home.md").read_text()
    assert "(Kafka-lag)" in home  # wiki links have no .md
    assert (clone / "Kafka-lag.md").exists()
    assert (clone / "_Sidebar.md").exists()
    again = export_to_wiki(organisation_id=cast.org.pk, remote_url=f"file://{bare}")
    assert not again.changed
    assert _git("rev-list", "--count", "HEAD", cwd=clone).strip() == "1"


def test_the_html_export_keeps_rendered_notes_between_runs_and_survives_a_damaged_cache(
    cast: Cast, tmp_path: Path, settings: object
) -> None:
    settings.DATA_DIR = tmp_path / "data"  # type: ignore[attr-defined]
    page = _page(cast, "Kafka lag")
    target = tmp_path / "site"
    export_to_directory(organisation_id=cast.org.pk, directory=target, format="html")
    cache = render_cache_path(organisation_id=cast.org.pk, team_id=None)
    assert cache.stat().st_size > 0
    page_file = target / f"platform/kafka-lag-{page.pk}.html"
    first = page_file.read_text()
    assert "About Kafka lag." in first
    services.kb_page_publish(
        session=page.session,
        actor=cast.alice,
        title="Kafka lag",
        summary="Lag **grew**.",
        takeaways=["x"],
    )
    export_to_directory(organisation_id=cast.org.pk, directory=target, format="html")
    assert "Lag <strong>grew</strong>." in page_file.read_text()
    cache.write_bytes(b"this is not an SQLite database" * 100)
    report = export_to_directory(organisation_id=cast.org.pk, directory=target, format="html")
    assert report.written == ()  # the same site, rendered without the cache
