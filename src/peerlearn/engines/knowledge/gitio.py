"""Small, checked wrappers around the `git` command.

Everything here runs git with a fixed environment so that the user's configuration
(pager, colour, quoting, locale) cannot change the bytes we parse.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from .errors import EmptyHistory, GitFailed, NotAGitRepository, ShallowRepository

# -c options that make output stable whatever the user's ~/.gitconfig says.
_STABLE_CONFIG = (
    "-c",
    "core.quotePath=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "log.showRoot=true",
    "-c",
    "diff.renameLimit=5000",
    # git's default 96 MB cache of delta bases per process made two parallel `git log`
    # peak at ~220 MB each on 100k commits; 24 MB measured no slower (docs/benchmarks.md).
    "-c",
    "core.deltaBaseCacheLimit=24m",
)


def git_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GIT_PAGER": "cat",
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            # Into a pipe git flushes after every commit by default: 100k tiny writes and
            # reads. Buffered output cut the reading side's CPU time several-fold.
            "GIT_FLUSH": "0",
            # Never let a repository's hooks or an external diff run while we read it.
            "GIT_EXTERNAL_DIFF": "",
        }
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def git_command(repo: Path, *args: str) -> list[str]:
    return ["git", "-C", str(repo), *_STABLE_CONFIG, *args]


def run_git(repo: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
    """Run git and return stdout; raise GitFailed with git's own message on failure."""
    completed = subprocess.run(
        git_command(repo, *args),
        input=stdin,
        capture_output=True,
        env=git_environment(),
        check=False,
    )
    if check and completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {completed.returncode}"
        raise GitFailed(f"git {args[0]} failed in {repo}: {detail}")
    return completed.stdout


def popen_git(repo: Path, args: Sequence[str], *, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        git_command(repo, *args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=git_environment(),
    )


def check_repository(repo: Path) -> None:
    """Refuse paths that are not usable git histories, with a message saying why."""
    if not repo.exists():
        raise NotAGitRepository(f"{repo}: no such directory")
    completed = subprocess.run(
        git_command(repo, "rev-parse", "--git-dir"),
        capture_output=True,
        env=git_environment(),
        check=False,
    )
    if completed.returncode != 0:
        raise NotAGitRepository(f"{repo}: not a git repository")
    shallow = run_git(repo, "rev-parse", "--is-shallow-repository").strip()
    if shallow == b"true":
        raise ShallowRepository(
            f"{repo}: is a shallow clone; its history is incomplete "
            "(run `git fetch --unshallow` first)"
        )
    head = subprocess.run(
        git_command(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"),
        capture_output=True,
        env=git_environment(),
        check=False,
    )
    if head.returncode != 0:
        raise EmptyHistory(f"{repo}: has no commits")


def resolve_tip(repo: Path, as_of_timestamp: int | None) -> str:
    """HEAD, or the newest commit on HEAD's first-parent line committed at or before as-of."""
    if as_of_timestamp is None:
        return run_git(repo, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    out = run_git(
        repo, "rev-list", "-1", "--first-parent", f"--before={as_of_timestamp}", "HEAD"
    ).strip()
    if not out:
        raise EmptyHistory(f"{repo}: has no commits at or before the as-of date")
    return out.decode()


def blob_id(repo: Path, tip: str, path: str) -> str:
    """Object id of `path` at `tip`, or "" when absent (used to notice .mailmap changes)."""
    out = run_git(repo, "rev-parse", "--verify", "--quiet", f"{tip}:{path}", check=False)
    return out.decode().strip()


def is_first_parent_descendant(repo: Path, old: str, tip: str) -> bool:
    """True when `old` lies on `tip`'s first-parent line (so old..tip extends the order)."""
    if old == tip:
        return True
    exists = run_git(repo, "cat-file", "-t", old, check=False).strip()
    if exists != b"commit":
        return False
    out = run_git(repo, "rev-list", "--first-parent", "--parents", f"{old}..{tip}").strip()
    if not out:
        return False
    # If old is on the line, the oldest listed commit has old as its first parent; after
    # a force-push or a fast-forward onto a merge that took old as a second parent, not.
    oldest = out.splitlines()[-1].split()
    return len(oldest) >= 2 and oldest[1].decode() == old


def tree_sizes(repo: Path, tip: str) -> dict[str, int]:
    """Regular files and symlinks at `tip` with their sizes in bytes (submodules left out)."""
    return parse_tree_sizes(run_git(repo, *_LS_TREE, tip))


class TreeListing:
    """`tree_sizes` started in the background: git writes into a file, so nothing has to
    drain a pipe meanwhile and the caller's thread is free for Python work (a reader
    thread, needing the GIL for every chunk, measured ~0.01 s slower at 100k commits)."""

    def __init__(self, repo: Path, tip: str) -> None:
        self._repo = repo
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            git_command(repo, *_LS_TREE, tip),
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._err,
            env=git_environment(),
        )

    def result(self) -> dict[str, int]:
        if self._process.wait() != 0:
            self._err.seek(0)
            message = self._err.read().decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit status {self._process.returncode}"
            raise GitFailed(f"git ls-tree failed in {self._repo}: {detail}")
        self._out.seek(0)
        return parse_tree_sizes(self._out.read())

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._out.close()
        self._err.close()


_LS_TREE = ("ls-tree", "-r", "-l", "-z", "--full-tree")


def parse_tree_sizes(out: bytes) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) < 4 or fields[1] != b"blob":
            continue
        size = int(fields[3]) if fields[3].isdigit() else 0
        sizes[path.decode("utf-8", "surrogateescape")] = size
    return sizes
