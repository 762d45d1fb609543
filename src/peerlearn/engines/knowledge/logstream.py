"""Reading `git log` output as whole-commit blocks, from one end or from both at once.

A full history is read by two git processes walking the same commit order from opposite
ends (`git log` newest first, `git log --reverse` oldest first), one per core. As soon as
a commit one of them has finished is already finished by the other, every commit has
been read, and both are stopped. No commit list is needed beforehand, so nothing serial
delays the start of git's diffing, which is where the time goes.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import GitFailed
from .gitio import popen_git

# Header per commit. A path may hold any byte but NUL, so a record mark inside the
# NUL-separated stream must contain an empty token, which no path and no header field
# can be: every record starts with NUL NUL \x01 (the first with NUL \x01), and the
# fields that may be empty (parents, name, e-mail, subject) carry a letter in front. The
# subject is git's %f, made of [A-Za-z0-9._-] only ("Sync typeshed (#1)" becomes
# "Sync-typeshed-1"): no byte of it can look like a separator.
LOG_FORMAT = "--format=%x00%x01%H%x00P%P%x00%ct%x00N%aN%x00E%aE%x00%at%x00S%f"
RECORD_MARK = b"\0\0\x01"
LOG_ARGS = (
    "log",
    "-z",
    "--name-status",
    "--find-renames",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    LOG_FORMAT,
)
_CHUNK = 1 << 20


class _Reader:
    """Drains one git process into {commit id: fields}. The fields of a commit are its id,
    parents, commit time, name, e-mail, author time and sanitised
    subject (%f) and then (if any) its NUL-separated changes as one field. Splitting
    here happens while git is still diffing."""

    def __init__(self, repo: Path, args: list[str], done: threading.Event) -> None:
        self.blocks: dict[bytes, list[bytes]] = {}
        self.other: _Reader | None = None
        self.done = done
        self.reached_end = False
        self.met = False
        # A file, not a pipe: a pipe could fill up and stall git. Closed by read_blocks.
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = popen_git(repo, args, stderr=self.stderr)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        descriptor = stdout.fileno()
        pending = b""
        try:
            while not self.done.is_set():
                chunk = os.read(descriptor, _CHUNK)  # whatever is there; releases the GIL
                if not chunk:
                    break
                parts = (pending + chunk).split(RECORD_MARK)
                pending = parts.pop()
                if parts and self._store(parts):
                    self.met = True
                    return
            else:
                return  # the other reader has everything we were going to read
            if self.done.is_set() or self.process.wait() != 0:
                # The other reader finished first and our git was stopped, or git failed:
                # this end of file is not the end of the history; `pending` may be torn.
                return
            if pending.strip(b"\0\n"):
                # Same bytes as when the record is cut at the next header's separator.
                self.met = self._store([pending.rstrip(b"\0")])
            # At its end a reader has read the whole history on its own.
            self.reached_end = True
        except (OSError, ValueError):
            return  # the pipe was closed because the job is done
        finally:
            if self.met or self.reached_end:
                self.done.set()

    def _store(self, parts: list[bytes]) -> bool:
        """Keep complete blocks; True once one was already read by the other reader."""
        blocks = self.blocks
        other = self.other.blocks if self.other is not None else None
        met = False
        for part in parts:
            if part[:2] == b"\0\x01":  # the first record of the stream
                part = part[2:]
            if not part:
                continue
            fields = part.split(b"\0", 7)
            if (
                len(fields) < 7
                or fields[1][:1] != b"P"
                or fields[3][:1] != b"N"
                or fields[4][:1] != b"E"
                or fields[6][:1] != b"S"
            ):
                raise GitFailed(f"unreadable git log record near {part[:60]!r}")
            fields[1] = fields[1][1:]
            fields[3] = fields[3][1:]
            fields[4] = fields[4][1:]
            fields[6] = fields[6][1:]
            commit = fields[0]
            blocks[commit] = fields
            if other is not None and commit in other:
                met = True
        return met


def read_blocks(
    repo: Path,
    revisions: list[str],
    *,
    both_ends: bool,
    progress: Callable[[int], None] | None = None,
) -> dict[bytes, list[bytes]]:
    """Every commit that `git log <revisions>` shows, as fields keyed by commit id."""
    done = threading.Event()
    readers = [_Reader(repo, [*LOG_ARGS, *revisions], done)]
    if both_ends:
        readers.append(_Reader(repo, [*LOG_ARGS, "--reverse", *revisions], done))
        readers[0].other, readers[1].other = readers[1], readers[0]
    for reader in readers:
        reader.thread.start()
    try:
        while not done.wait(0.1):
            if progress is not None:
                progress(sum(len(reader.blocks) for reader in readers))
            if not any(reader.thread.is_alive() for reader in readers):
                break
    finally:
        for reader in readers:
            if reader.process.poll() is None:
                reader.process.terminate()  # it has nothing left that was not read
        for reader in readers:
            reader.thread.join()
            if reader.process.stdout is not None:
                reader.process.stdout.close()
            reader.process.wait()
    complete = any(r.met for r in readers) or any(
        r.reached_end and r.process.returncode == 0 for r in readers
    )
    if not complete:
        reader = next((r for r in readers if r.process.returncode != 0), readers[0])
        reader.stderr.seek(0)
        lines = reader.stderr.read().decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit status {reader.process.returncode}"
        for r in readers:
            r.stderr.close()
        raise GitFailed(f"git log failed in {repo}: {detail}")
    for reader in readers:
        reader.stderr.close()
    blocks: dict[bytes, list[bytes]] = {}
    for reader in readers:
        blocks.update(reader.blocks)
    return blocks
