"""A worker killed (SIGKILL) in the middle of a knowledge analysis: the analysis is marked
failed and retried, the last good map stays meanwhile, and nothing half-written remains
(no rows of the killed run, no half-made clone, no temporary folders, no git locks).

The analysis is held in the middle deterministically: git's `uploadpack.packObjectsHook`
(read from the worker's global git configuration) runs a script that says it started and
then waits, so the clone or fetch is under way when the worker is killed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from peerlearn.operations.worker import STOPPED
from tests.engines.knowledge.gitrepo import GitRepo
from tests.operations.installation import NEEDS_PGSERVER, Installation, new_installation
from tests.operations.processes import alive, descendants, wait_until

AUTHOR = "Alice Liddell <alice@example.com>"

REGISTER = """
import sys
from peerlearn.knowledge.services import repository_create
from peerlearn.people.services import organisation_create, team_create

team = team_create(organisation=organisation_create(name="Kill Co"), name="Platform")
repository = repository_create(
    team=team, created_by=None, name="app", kind="clone", location=sys.argv[1]
)
print(repository.pk)
"""

REQUEST = """
from peerlearn.knowledge.models import Repository
from peerlearn.knowledge.services import analysis_request
analysis_request(repository=Repository.objects.get(), requested_by=None)
"""

STATE = """
import json
from peerlearn.knowledge.models import Analysis, Repository
from peerlearn.knowledge.selectors import repository_runs

runs = list(Analysis.objects.order_by("pk").values("pk", "status", "error", "tip", "result"))
for run in runs:
    run["has_result"] = bool(run.pop("result"))
shown = repository_runs(Repository.objects.get())
print(json.dumps({
    "runs": runs,
    "shown": shown.good.pk if shown.good else None,
    "map_files": len(shown.map.files) if shown.map else None,
}))
"""


TASK_ROWS = """
import json
from django_tasks_db.models import DBTaskResult
rows = DBTaskResult.objects.order_by("enqueued_at").values("id", "status", "exception_class_path")
print(json.dumps([{**row, "id": str(row["id"])} for row in rows]))
"""


def _task_rows(installation: Installation) -> list[dict[str, str]]:
    return json.loads(installation.python(TASK_ROWS))  # type: ignore[no-any-return]


def _state(installation: Installation) -> dict[str, Any]:
    return json.loads(installation.python(STATE))  # type: ignore[no-any-return]


def _source(folder: Path, commits: int) -> GitRepo:
    repo = GitRepo(folder)
    repo.clock = int(time.time()) - 30 * 86400
    for number in range(commits):
        repo.commit(AUTHOR, write={f"src/module_{number}.py": f"value = {number}\n" * 20})
    return repo


def _holding_hook(folder: Path) -> tuple[Path, Path]:
    """A global git configuration whose pack-objects hook says it started, then waits."""
    started = folder / "hook-started"
    hook = folder / "hold-pack-objects.sh"
    hook.write_text(f"#!/bin/sh\necho $$ > {started}\nexec sleep 600\n")
    hook.chmod(0o755)
    config = folder / "gitconfig"
    config.write_text(f"[uploadpack]\n\tpackObjectsHook = {hook}\n")
    return config, started


def _leftovers(data_dir: Path) -> list[str]:
    repositories = data_dir / "repositories"
    found = [p.name for p in repositories.iterdir() if p.name.startswith(".")]
    for clone in (p for p in repositories.iterdir() if p.is_dir() and p.name.isdigit()):
        found += [str(p) for p in clone.rglob("*.lock")]
        found += [str(p) for p in clone.glob("objects/incoming-*")]
        found += [str(p) for p in clone.glob("objects/pack/tmp_*")]
    return found


def _batch_worker(installation: Installation) -> None:
    result = installation.cli("worker", "--batch", "--no-periodic")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=NEEDS_PGSERVER)])
@pytest.mark.parametrize("moment", ["first clone", "fetch after a good map"])
def test_worker_killed_mid_analysis_is_failed_retried_and_clean(
    tmp_path: Path, moment: str, kind: str
) -> None:
    sources = tmp_path / "sources"
    source = _source(sources / "app", 20)
    installation = new_installation(kind, tmp_path / "install")
    installation.env["PEERLEARN_REPOSITORY_ROOTS"] = str(sources)
    installation.migrate()
    repository_id = installation.python(REGISTER, source.path.as_uri()).strip()
    good: dict[str, Any] | None = None
    if moment == "fetch after a good map":
        _batch_worker(installation)
        (good,) = _state(installation)["runs"]
        assert good["status"] == "done", good
        source.commit(AUTHOR, write={"src/late.py": "late = 1\n"})
        installation.python(REQUEST)

    config, started = _holding_hook(tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "peerlearn.cli", "worker", "--no-periodic", "--interval", "0.2"],
        env={**installation.env, "GIT_CONFIG_GLOBAL": str(config)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(started.exists, "git to be sending objects")
        processes = descendants(worker.pid)  # the runner, git, its upload-pack, the hook
        assert len(processes) >= 3, processes
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    # The runner notices that its worker is gone and stops everything it started.
    wait_until(lambda: not any(alive(pid) for pid in processes), "the analysis to be stopped")

    left = _leftovers(installation.data_dir)
    assert any(name.startswith(".run-") for name in left), left  # the run's work folder
    if good is None:
        assert any(name.startswith(f".{repository_id}-") for name in left), left  # half a clone
    state = _state(installation)
    killed = state["runs"][-1]
    assert killed["status"] == "running"  # as the killed worker left it
    assert not killed["has_result"]
    if good is not None:  # the pages still show the last good map
        assert state["shown"] == good["pk"]
        assert state["map_files"] == 20
    else:
        assert state["shown"] is None

    (killed_task,) = [row for row in _task_rows(installation) if row["status"] == "RUNNING"]

    _batch_worker(installation)  # a new worker: recovers, then runs the retry

    # The killed worker's task row says what happened rather than Running forever.
    tasks = {row["id"]: row for row in _task_rows(installation)}
    assert tasks[killed_task["id"]]["status"] == "FAILED"
    assert tasks[killed_task["id"]]["exception_class_path"] == STOPPED
    assert [row for row in tasks.values() if row["status"] == "RUNNING"] == []

    state = _state(installation)
    runs = {run["pk"]: run for run in state["runs"]}
    assert runs[killed["pk"]]["status"] == "failed"
    assert "stopped before it finished; it is retried" in runs[killed["pk"]]["error"]
    retry = state["runs"][-1]
    assert retry["pk"] > killed["pk"]
    assert retry["status"] == "done", retry
    assert state["shown"] == retry["pk"]
    assert state["map_files"] == (21 if good is not None else 20)
    tip = source.git("rev-parse", "HEAD").strip()
    assert retry["tip"] == tip
    assert [run for run in state["runs"] if run["status"] in {"queued", "running"}] == []
    assert _leftovers(installation.data_dir) == []
    clone = installation.data_dir / "repositories" / repository_id
    fsck = subprocess.run(["git", "-C", str(clone), "fsck", "--no-progress"], check=False)
    assert fsck.returncode == 0
