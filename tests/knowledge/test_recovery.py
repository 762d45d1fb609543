"""A run whose worker died is marked failed, its files removed, and queued again."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peerlearn.knowledge import services, workers
from peerlearn.knowledge.models import Analysis, AnalysisStatus
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo

from .conftest import Register, latest

Capture = Callable[..., Any]


def test_run_of_a_dead_worker_is_failed_and_retried(
    cast: Cast, source: GitRepo, register: Register, roots: Path, settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:  # fmt: skip
    repository = register(str(source.path), kind="local")
    good = latest(repository)
    dead = subprocess.Popen(["true"])
    dead.wait()
    host = workers.this_worker().split(":")[0]
    stuck = Analysis.objects.create(
        repository=repository, status=AnalysisStatus.RUNNING, worker=f"{host}:{dead.pid}:1"
    )
    leftover = Path(settings.DATA_DIR) / "repositories" / f".run-{stuck.pk}-abc"
    leftover.mkdir(parents=True)
    alive = Analysis.objects.create(
        repository=repository, status=AnalysisStatus.RUNNING, worker=workers.this_worker()
    )
    with django_capture_on_commit_callbacks(execute=True):
        recovered = services.analysis_recover_abandoned()
    assert [run.pk for run in recovered] == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == AnalysisStatus.FAILED
    assert "stopped before it finished" in stuck.error
    assert not leftover.exists()
    alive.refresh_from_db()
    assert alive.status == AnalysisStatus.RUNNING  # its worker is this very process
    retry = latest(repository)
    assert retry.pk not in (stuck.pk, alive.pk, good.pk)
    assert retry.status == AnalysisStatus.DONE, retry.error
    good.refresh_from_db()
    assert good.status == AnalysisStatus.DONE
