"""Real git repositories for tests, made with real `git` commands and fixed dates."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

BASE = datetime(2024, 1, 1, tzinfo=UTC)


class GitRepo:
    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.clock = int(BASE.timestamp())

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        full_env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            **(env or {}),
        }
        completed = subprocess.run(
            ["git", "-C", str(self.path), *args],
            capture_output=True,
            text=True,
            env=full_env,
            check=True,
        )
        return completed.stdout

    def write(self, relative: str, content: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")

    def commit(
        self,
        author: str,
        *,
        write: dict[str, str] | None = None,
        delete: tuple[str, ...] = (),
        move: dict[str, str] | None = None,
        at: int | None = None,
        message: str = "change",
    ) -> str:
        """One commit by `author` ("Name <email>"); returns its id. Dates tick an hour."""
        for old, new in (move or {}).items():
            (self.path / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
        for relative, content in (write or {}).items():
            self.write(relative, content)
        for relative in delete:
            self.git("rm", "-q", relative)
        self.git("add", "-A")
        return self._commit(author, at, ["commit", "-q", "--allow-empty", "-m", message])

    def merge(self, author: str, branch: str, *, at: int | None = None) -> str:
        return self._commit(author, at, ["merge", "-q", "--no-ff", "-m", "merge", branch])

    def _commit(self, author: str, at: int | None, args: list[str]) -> str:
        name, _, email = author.partition(" <")
        self.clock = at if at is not None else self.clock + 3600
        date = f"@{self.clock} +0000"
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email.rstrip(">"),
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email.rstrip(">"),
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }
        self.git(*args, env=env)
        return self.git("rev-parse", "HEAD").strip()


def text(lines: int, seed: str = "line") -> str:
    """Content long enough for git's rename detection to recognise small edits."""
    return "".join(f"{seed} {i} of a file with enough text to be similar\n" for i in range(lines))
