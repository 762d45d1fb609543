"""Registering and analysing real repositories: local paths, clones, incremental runs,
and failures that keep the previous map."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from peerlearn.engines.knowledge import analyze_repository
from peerlearn.knowledge import services, sources
from peerlearn.knowledge.models import Analysis, AnalysisStatus, Repository
from peerlearn.knowledge.options import analysis_options
from peerlearn.knowledge.result import dumps_map
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo, text

from .conftest import ALICE, CAROL, Register, latest, reanalyse

Capture = Callable[..., Any]


def comparable(result: str) -> dict[str, Any]:
    """A stored result without the moment it was computed at."""
    data: dict[str, Any] = json.loads(result)
    data.pop("reference_time")
    data.pop("active_since")
    return data


def test_local_path_inside_roots_is_analysed(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    repository = register(str(source.path), kind="local")
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.DONE, analysis.error
    assert analysis.incremental is False
    assert analysis.commits_read == 9
    data = json.loads(analysis.result)
    authors = {row[0]: row[4] for row in data["file_rows"]}
    assert set(authors["src/core.py"]) == {"alice@example.com", "bob@example.com"}
    assert authors["lib/util.py"] == ["fiona@example.com"]  # followed through the rename
    assert "vendor/dep.js" not in authors
    assert data["excluded_files"] == {"vendored": 1}
    assert analysis.files_analysed == 6
    assert not sources.clone_directory(repository).exists()  # a local path is read in place


def test_local_path_outside_roots_is_refused(cast: Cast, roots: Path, tmp_path: Path) -> None:
    outside = GitRepo(tmp_path / "elsewhere")
    outside.commit(ALICE, write={"a.py": "x\n"})
    for location in (str(outside.path), str(roots / ".." / "elsewhere"), "relative/path"):
        with pytest.raises(ValidationError) as refused:
            services.repository_create(
                team=cast.platform, created_by=cast.fiona, name="x", kind="local", location=location
            )
        assert "location" in refused.value.message_dict
    assert not Repository.objects.exists()


def test_symlink_out_of_roots_is_refused(cast: Cast, roots: Path, tmp_path: Path) -> None:
    (tmp_path / "secret").mkdir()
    (roots / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(ValidationError, match="outside the folders"):
        sources.check_local_path(str(roots / "link"))


def test_no_roots_configured_turns_local_paths_off(settings: Any, tmp_path: Path) -> None:
    settings.KNOWLEDGE_REPOSITORY_ROOTS = []
    with pytest.raises(ValidationError, match="PEERLEARN_REPOSITORY_ROOTS"):
        sources.check_local_path(str(tmp_path))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("-uhttps://example.com/x.git", "cannot start with"),
        ("--upload-pack=touch /tmp/pwned", "cannot start with"),
        ("ext::sh -c touch% /tmp/pwned", "spaces"),
        ("ext::sh", "Remote helpers"),
        ("fd::17", "Remote helpers"),
        ("http://example.com/x.git", "Use an https://"),
        ("ssh://-oProxyCommand=x/repo", "cannot start with"),
        ("ssh://-oProxyCommand=x@example.com/repo", "user name"),
        ("https://user:token@example.com/x.git", "password"),
        ("file:///etc", "outside the folders"),
        ("file://otherhost/srv/x", "path on this server"),
        ("https://exa mple.com/x", "spaces"),
    ],
)
def test_bad_clone_urls_are_refused(roots: Path, url: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        sources.check_clone_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/org/repo.git",
        "ssh://git@example.com:2222/org/repo",
        "git@github.com:org/repo.git",
    ],
)
def test_good_clone_urls_are_accepted(roots: Path, url: str) -> None:
    assert sources.check_clone_url(url) == url


def test_clone_url_is_cloned_then_fetched_incrementally(
    cast: Cast, source: GitRepo, register: Register, django_capture_on_commit_callbacks: Capture
) -> None:
    repository = register(source.path.as_uri())
    first = latest(repository)
    assert first.status == AnalysisStatus.DONE, first.error
    clone = sources.clone_directory(repository)
    assert (clone / "HEAD").exists()
    assert not (clone / ".git").exists()
    assert subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "--is-shallow-repository"],
        capture_output=True, text=True, check=True,
    ).stdout.strip() == "false"  # fmt: skip

    source.commit(CAROL, write={"src/core.py": text(23, "core")})
    second = reanalyse(repository, django_capture_on_commit_callbacks, cast.fiona)
    assert second.status == AnalysisStatus.DONE, second.error
    assert second.incremental is True
    assert second.commits_read == 1
    assert second.commits_analysed == 10

    # The same map as reading the whole history afresh.
    fresh = analyze_repository(source.path, analysis_options(repository))
    assert comparable(second.result) == comparable(dumps_map(fresh.map))
    # Only the newest good run keeps its (large) result and state.
    first.refresh_from_db()
    assert first.result == ""
    assert first.state == ""


def test_broken_sources_fail_clearly_and_keep_the_previous_map(
    cast: Cast, source: GitRepo, register: Register, django_capture_on_commit_callbacks: Capture
) -> None:
    repository = register(str(source.path), kind="local")
    good = latest(repository)
    assert good.status == AnalysisStatus.DONE

    shutil.rmtree(source.path / ".git")  # no longer a repository
    failed = reanalyse(repository, django_capture_on_commit_callbacks)
    assert failed.status == AnalysisStatus.FAILED
    assert "not a git repository" in failed.error
    assert failed.finished_at is not None

    good.refresh_from_db()
    assert good.result
    assert good.state

    empty = GitRepo(source.path)  # re-initialised: no commits
    assert empty.path == source.path
    failed = reanalyse(repository, django_capture_on_commit_callbacks)
    assert "has no commits" in failed.error


def test_shallow_clone_is_refused_with_advice(
    cast: Cast, source: GitRepo, roots: Path, register: Register
) -> None:
    shallow = roots / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", source.path.as_uri(), str(shallow)], check=True
    )
    repository = register(str(shallow), kind="local")
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.FAILED
    assert "shallow" in analysis.error
    assert "--unshallow" in analysis.error


def test_unreachable_clone_url_fails_with_gits_message(
    cast: Cast, roots: Path, register: Register
) -> None:
    missing = roots / "missing.git"  # looks like a bare repository to a glance, is not one
    for folder in ("objects", "refs"):
        (missing / folder).mkdir(parents=True)
    (missing / "HEAD").write_text("garbage\n")
    repository = register(missing.as_uri())
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.FAILED
    assert analysis.error.startswith("git clone failed:")
    assert not sources.clone_directory(repository).exists()


def test_options_are_validated_on_their_field(cast: Cast, source: GitRepo) -> None:
    with pytest.raises(ValidationError) as refused:
        services.repository_create(
            team=cast.platform,
            created_by=cast.fiona,
            name="app",
            kind="local",
            location=str(source.path),
            active_months=0,
            bot_patterns="ok\n([unclosed",
            aliases="Only One <one@example.com>",
        )
    errors = refused.value.message_dict
    assert set(errors) == {"active_months", "bot_patterns", "aliases"}
    assert "Pattern 2" in errors["bot_patterns"][0]
    assert "line 1" in errors["aliases"][0]
    assert not Repository.objects.exists()


def test_options_change_rebuilds_the_map_without_reading_history(
    cast: Cast, source: GitRepo, register: Register, django_capture_on_commit_callbacks: Capture
) -> None:
    repository = register(str(source.path), kind="local")
    with django_capture_on_commit_callbacks(execute=True):
        services.repository_update(
            repository=repository,
            requested_by=cast.fiona,
            name="app",
            active_months=6,
            prune_truck_factor=False,
            extra_exclusions="docs/*",
            bot_patterns="",
            aliases="Carol <carol@example.com> = Alice Liddell <alice@example.com>",
        )
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.DONE
    assert (analysis.incremental, analysis.commits_read) == (True, 0)
    data = json.loads(analysis.result)
    assert data["excluded_files"] == {"configured": 1, "vendored": 1}
    assert "carol@example.com" not in {p["key"] for p in data["people"]}  # merged into alice


def test_duplicate_name_refused(cast: Cast, source: GitRepo, register: Register) -> None:
    register(str(source.path), kind="local")
    with pytest.raises(ValidationError, match="already has a repository named"):
        services.repository_create(
            team=cast.platform,
            created_by=cast.fiona,
            name="APP",
            kind="local",
            location=str(source.path),
        )


def test_one_queued_analysis_at_a_time(cast: Cast, source: GitRepo, register: Register) -> None:
    repository = register(str(source.path), kind="local")
    # Not executing on_commit: the first request stays queued, the second joins it.
    first = services.analysis_request(repository=repository, requested_by=None)
    second = services.analysis_request(repository=repository, requested_by=None)
    assert first.pk == second.pk
    assert Analysis.objects.filter(status=AnalysisStatus.QUEUED).count() == 1


def test_task_for_a_deleted_repository_returns_quietly(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    from peerlearn.knowledge.tasks import analyse_repository

    repository = register(source.path.as_uri())
    analysis = services.analysis_request(repository=repository, requested_by=None)
    clone = sources.clone_directory(repository)
    assert clone.exists()
    services.repository_delete(repository=repository, deleted_by=cast.fiona)
    assert analyse_repository.call(analysis.pk) == {"analysis": analysis.pk, "status": "skipped"}


def test_force_pushed_origin_is_fetched_and_read_in_full(
    cast: Cast, source: GitRepo, register: Register, django_capture_on_commit_callbacks: Capture
) -> None:
    repository = register(source.path.as_uri())
    source.git("reset", "-q", "--hard", "HEAD~2")  # rewrite: the old tip is gone upstream
    source.commit(CAROL, write={"docs/other.md": text(5, "other")})
    again = reanalyse(repository, django_capture_on_commit_callbacks)
    assert again.status == AnalysisStatus.DONE, again.error
    assert again.incremental is False
    assert again.commits_analysed == 8
    assert again.tip == source.git("rev-parse", "HEAD").strip()
