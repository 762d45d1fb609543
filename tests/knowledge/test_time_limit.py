"""An analysis that takes too long is stopped (git included), fails with a message, keeps
the previous map, and the next analysis of the repository works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peerlearn.knowledge.models import AnalysisStatus
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo, text

from .conftest import CAROL, Register, latest, process_gone, reanalyse, slow_git_config

Capture = Callable[..., Any]


def test_slow_analysis_is_stopped_and_the_previous_map_stays(
    cast: Cast,
    source: GitRepo,
    register: Register,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    repository = register(source.path.as_uri())
    good = latest(repository)
    assert good.status == AnalysisStatus.DONE, good.error

    config, pid_file = slow_git_config(tmp_path / "slow")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    settings.KNOWLEDGE_ANALYSIS_TIMEOUT = 3
    source.commit(CAROL, write={"docs/more.md": text(5, "more")})  # something to fetch
    stopped = reanalyse(repository, django_capture_on_commit_callbacks)

    assert stopped.status == AnalysisStatus.FAILED
    assert "Stopped after 3 s" in stopped.error
    assert "PEERLEARN_ANALYSIS_TIMEOUT" in stopped.error
    assert pid_file.exists()  # git was running when the limit struck …
    assert process_gone(int(pid_file.read_text()))  # … and was killed with the analysis
    good.refresh_from_db()
    assert good.result  # the last good map is still the one pages show
    assert repository.analyses.filter(status=AnalysisStatus.RUNNING).count() == 0

    monkeypatch.delenv("GIT_CONFIG_GLOBAL")
    settings.KNOWLEDGE_ANALYSIS_TIMEOUT = 3600
    again = reanalyse(repository, django_capture_on_commit_callbacks)
    assert again.status == AnalysisStatus.DONE, (
        again.error
    )  # the interrupted fetch left nothing behind
    assert again.commits_analysed == 10


def test_catastrophic_bot_pattern_does_not_hold_up_the_analysis(
    cast: Cast, roots: Path, register: Register
) -> None:
    repo = GitRepo(roots / "victim")
    repo.commit("a" * 40 + "! <victim@example.com>", write={"a.py": text(5)})
    repository = register(str(repo.path), kind="local", bot_patterns=r"(a+)+$")
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.DONE, analysis.error
    assert analysis.files_analysed == 1


def test_pattern_re2_cannot_run_is_refused_on_its_field(cast: Cast, source: GitRepo) -> None:
    from django.core.exceptions import ValidationError

    from peerlearn.knowledge import services

    with pytest.raises(ValidationError) as refused:
        services.repository_create(
            team=cast.platform,
            created_by=cast.fiona,
            name="app",
            kind="local",
            location=str(source.path),
            bot_patterns="ok\n(bot)\\1",
        )
    message = refused.value.message_dict["bot_patterns"][0]
    assert message.startswith("Pattern 2 ((bot)\\1) is not a valid regular expression")
    assert "invalid escape sequence" in message
