"""Knowledge app fixtures: real git repositories with recent dates (so people are active),
the allowed roots and the data folder in tmp_path, and a helper to register and analyse.

Authors use the cast's e-mail addresses (alice@example.com …) so identities match
accounts; carol has no account (shown by her git name).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from peerlearn.knowledge import services
from peerlearn.knowledge.models import Analysis, Repository
from peerlearn.people.models import User
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo, text

ALICE = "Alice Liddell <alice@example.com>"
BOB = "Bob Builder <bob@example.com>"
FIONA = "Fiona Facilitator <fiona@example.com>"
CAROL = "Carol Danvers <carol@example.com>"
DAY = 86400


@pytest.fixture
def roots(tmp_path: Path, settings: Any) -> Path:
    """Repositories may be read under tmp_path/allowed; clones go to tmp_path/data."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.KNOWLEDGE_REPOSITORY_ROOTS = [str(allowed)]
    settings.DATA_DIR = tmp_path / "data"
    return allowed


def recent_repo(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.clock = int(time.time()) - 60 * DAY  # commits tick an hour from here
    return repo


def build_history(repo: GitRepo) -> GitRepo:
    """A small history: shared core, an island of alice's, a renamed file, vendored code.

    - src/core.py: alice creates, bob changes twice -> both author it (shared)
    - src/billing/*.py: alice only -> a directory island of alice
    - docs/guide.md: carol only (no account) -> carol's island
    - lib/util.py: fiona creates it as util.py and moves it -> fiona, rename followed
    - vendor/dep.js: excluded as vendored
    """
    repo.commit(ALICE, write={"src/core.py": text(20, "core"), "README.md": "hi\n"})
    repo.commit(BOB, write={"src/core.py": text(21, "core")})
    repo.commit(BOB, write={"src/core.py": text(22, "core")})
    repo.commit(ALICE, write={"src/billing/invoice.py": text(30, "inv")})
    repo.commit(ALICE, write={"src/billing/tax.py": text(15, "tax")})
    repo.commit(CAROL, write={"docs/guide.md": text(10, "guide")})
    repo.commit(FIONA, write={"util.py": text(12, "util")})
    repo.commit(FIONA, move={"util.py": "lib/util.py"})
    repo.commit(BOB, write={"vendor/dep.js": text(50, "dep")})
    return repo


@pytest.fixture
def source(roots: Path) -> GitRepo:
    """A repository inside the allowed roots."""
    return build_history(recent_repo(roots / "app"))


Register = Callable[..., Repository]


@pytest.fixture
def register(
    cast: Cast, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> Register:
    """Register a repository as fiona and run its analysis task (ImmediateBackend)."""

    def make(
        location: str, *, kind: str = "clone", name: str = "app", **options: object
    ) -> Repository:
        with django_capture_on_commit_callbacks(execute=True):
            return services.repository_create(
                team=cast.platform,
                created_by=cast.fiona,
                name=name,
                kind=kind,
                location=location,
                **options,  # type: ignore[arg-type]
            )

    return make


def reanalyse(
    repository: Repository,
    capture: Callable[..., AbstractContextManager[object]],
    user: User | None = None,
) -> Analysis:
    with capture(execute=True):
        analysis = services.analysis_request(repository=repository, requested_by=user)
    analysis.refresh_from_db()
    return analysis


def latest(repository: Repository) -> Analysis:
    return Analysis.objects.filter(repository=repository).first()  # type: ignore[return-value]


def slow_git_config(folder: Path) -> tuple[Path, Path]:
    """A global git config whose pack-objects hook (run by upload-pack while a clone or
    fetch waits for its pack) writes its pid and then sleeps: git really is running,
    and stays so until something kills it. Returns (config file, pid file)."""
    folder.mkdir(parents=True, exist_ok=True)
    pid_file = folder / "hook.pid"
    hook = folder / "slow-pack-objects"
    hook.write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec sleep 600\n')
    hook.chmod(0o755)
    config = folder / "gitconfig"
    config.write_text(f"[uploadpack]\n\tpackObjectsHook = {hook}\n")
    return config, pid_file


def process_gone(pid: int) -> bool:
    """True when `pid` no longer runs (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def wait_for(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    """Poll until `condition` holds; a guard against hanging, not a timing assertion."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
