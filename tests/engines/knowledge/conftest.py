from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from .gitrepo import GitRepo

ALICE = "Alice Liddell <alice@example.com>"
BOB = "Bob Builder <bob@example.com>"
CAROL = "Carol Danvers <carol@example.com>"
NOW = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")
