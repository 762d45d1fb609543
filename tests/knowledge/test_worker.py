"""The analysis runs in a real `db_worker` against the database task backend."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from peerlearn.knowledge import services
from peerlearn.knowledge.models import AnalysisStatus
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo, text

from .conftest import CAROL, latest

# Transactional: the worker sees only committed rows, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@override_settings(TASKS=DATABASE_TASKS)
def test_worker_clones_analyses_and_updates_incrementally(cast: Cast, source: GitRepo) -> None:
    repository = services.repository_create(
        team=cast.platform,
        created_by=cast.fiona,
        name="app",
        kind="clone",
        location=source.path.as_uri(),
    )
    assert latest(repository).status == AnalysisStatus.QUEUED
    assert DBTaskResult.objects.count() == 1
    run_worker()
    first = latest(repository)
    assert first.status == AnalysisStatus.DONE, first.error
    assert (first.incremental, first.commits_read, first.truck_factor) == (False, 9, 2)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    source.commit(CAROL, write={"docs/more.md": text(5, "more")})
    services.analysis_request(repository=repository, requested_by=cast.fiona)
    run_worker()
    second = latest(repository)
    assert second.status == AnalysisStatus.DONE, second.error
    assert (second.incremental, second.commits_read, second.files_analysed) == (True, 1, 7)
