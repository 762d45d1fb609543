"""Reading a repository's history into a HistoryState, fast.

Measured choice (docs/benchmarks.md, "Knowledge map"): the `git` command, not pygit2.
The cost is git's tree diffs and rename detection; `git log` does them in C, and two
`git log` processes over two halves of the commit list use both cores, while parsing the
NUL-separated output in Python overlaps with them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from .errors import GitFailed
from .gitio import (
    blob_id,
    check_repository,
    is_first_parent_descendant,
    popen_git,
    resolve_tip,
    run_git,
    tree_sizes,
)
from .order import commits_to_replay, parse_rev_list, replay_order
from .state import HistoryState

ProgressCallback = Callable[[int, int], None]

# One header per commit: \x01 marks it so it cannot be mistaken for a status letter.
_LOG_FORMAT = "--format=%x01%H%x00%aN%x00%aE%x00%at"
_LOG_ARGS = (
    "log",
    "--no-walk=unsorted",
    "--stdin",
    "-z",
    "--name-status",
    "--find-renames",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    _LOG_FORMAT,
)
# Below this many commits a second git process costs more than it saves.
_PARALLEL_THRESHOLD = 2000
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class HistorySnapshot:
    """What one read produced: the updated state, the tree at the tip, and how it went."""

    state: HistoryState
    tree: dict[str, int]
    incremental: bool
    commits_read: int


def _timestamp(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def read_history(
    repo: Path,
    *,
    previous: HistoryState | None = None,
    since: datetime | None = None,
    as_of: datetime | None = None,
    jobs: int = 2,
    progress: ProgressCallback | None = None,
) -> HistorySnapshot:
    """Bring `previous` (or a fresh state) up to date with the repository's history.

    Only `previous.tip..tip` is read when the previous tip is on the new tip's
    first-parent line and nothing that shapes the replay changed (since, .mailmap);
    otherwise (force-push, rewritten history, new .mailmap) the whole history is read.
    """
    check_repository(repo)
    since_ts = _timestamp(since)
    tip = resolve_tip(repo, _timestamp(as_of))
    mailmap_id = blob_id(repo, tip, ".mailmap")

    sizes: dict[str, int] = {}
    sizes_thread = threading.Thread(target=lambda: sizes.update(tree_sizes(repo, tip)))
    sizes_thread.start()

    state = previous
    incremental = (
        state is not None
        and state.tip is not None
        and state.since == since_ts
        and state.mailmap_id == mailmap_id
        and is_first_parent_descendant(repo, state.tip, tip)
    )
    if not incremental or state is None or state.tip is None:
        state = HistoryState(since=since_ts, mailmap_id=mailmap_id)
        revision_range = [tip]
    else:
        revision_range = [tip, f"^{state.tip}"]

    before = state.commits_read
    if state.tip != tip:
        commits = _commits_to_read(repo, revision_range, tip, since_ts)
        _replay(repo, commits, state, jobs, progress)
    state.tip = tip
    sizes_thread.join()
    return HistorySnapshot(state, sizes, incremental, state.commits_read - before)


def _commits_to_read(
    repo: Path, revision_range: list[str], tip: str, since: int | None
) -> list[bytes]:
    # A function of its own so the commit graph (~40 MB at 100k commits) is freed before
    # the history is replayed.
    listing = run_git(repo, "rev-list", "--timestamp", "--parents", *revision_range)
    graph = parse_rev_list(listing, with_times=since is not None)
    return commits_to_replay(graph, replay_order(graph, tip.encode()), since)


def _replay(
    repo: Path,
    commits: list[bytes],
    state: HistoryState,
    jobs: int,
    progress: ProgressCallback | None,
) -> None:
    if not commits:
        return
    parts = max(1, min(jobs, len(commits) // _PARALLEL_THRESHOLD + 1))
    bounds = [len(commits) * i // parts for i in range(parts + 1)]
    processes = [popen_git(repo, _LOG_ARGS) for _ in range(parts)]
    feeders = [
        threading.Thread(target=_feed, args=(proc.stdin, commits[bounds[i] : bounds[i + 1]]))
        for i, proc in enumerate(processes)
    ]
    for feeder in feeders:
        feeder.start()
    # Later parts are buffered by threads (reads release the GIL) while this thread
    # parses the first part as git streams it; they are parsed in order afterwards.
    buffers: list[list[bytes]] = [[] for _ in processes]
    readers = [
        threading.Thread(target=_drain, args=(proc.stdout, buffers[i]))
        for i, proc in enumerate(processes)
        if i > 0
    ]
    for reader in readers:
        reader.start()
    try:
        done = 0
        total = len(commits)
        first_stdout = processes[0].stdout
        assert first_stdout is not None
        sources: list[Iterator[bytes]] = [iter(lambda: first_stdout.read(_CHUNK), b"")]
        sources += [_buffered(readers[i - 1], buffers[i]) for i in range(1, parts)]
        for source in sources:
            done = _apply_log(source, state, done, total, progress)
    finally:
        for feeder in feeders:
            feeder.join()
        for reader in readers:
            reader.join()
        for proc in processes:
            if proc.stdout is not None:
                proc.stdout.close()
            stderr = proc.stderr.read() if proc.stderr is not None else b""
            if proc.wait() != 0:
                detail = stderr.decode("utf-8", "replace").strip().splitlines()
                raise GitFailed(f"git log failed in {repo}: {detail[-1] if detail else ''}")
    if progress is not None:
        progress(total, total)


def _feed(stdin: IO[bytes] | None, commits: list[bytes]) -> None:
    assert stdin is not None
    try:
        stdin.write(b"\n".join(commits) + b"\n")
    finally:
        stdin.close()


def _drain(stdout: IO[bytes] | None, into: list[bytes]) -> None:
    assert stdout is not None
    while chunk := stdout.read(_CHUNK):
        into.append(chunk)


def _buffered(reader: threading.Thread, buffer: list[bytes]) -> Iterator[bytes]:
    reader.join()
    buffer.reverse()
    while buffer:
        yield buffer.pop()  # frees each chunk once parsed


def _complete_commits(chunks: Iterator[bytes]) -> Iterator[str]:
    """Yield decoded text holding whole commits only: cut before the last header seen."""
    pending = b""
    for chunk in chunks:
        data = pending + chunk
        cut = data.rfind(b"\0\x01")
        if cut < 0:
            pending = data
            continue
        pending = data[cut + 1 :]
        # surrogateescape keeps paths that are not UTF-8 distinct and round-trippable.
        yield data[: cut + 1].decode("utf-8", "surrogateescape")
    if pending:
        yield pending.decode("utf-8", "surrogateescape")


def _apply_log(
    chunks: Iterator[bytes],
    state: HistoryState,
    done: int,
    total: int,
    progress: ProgressCallback | None,
) -> int:
    """Parse `git log -z --name-status` output positionally and apply it to `state`.

    Tokens are NUL-separated; a commit header starts with \x01 and has four fields, a
    status is one letter (R and C with a score) followed by one path, or two for R/C.
    """
    ident = -1
    at = 0
    begin, add, modify = state.begin_commit, state.add, state.modify
    delete, rename = state.delete, state.rename
    for text in _complete_commits(chunks):
        tokens = text.split("\0")
        end = len(tokens)
        i = 0
        while i < end:
            token = tokens[i]
            kind = token[:1]
            if kind == "\n":  # git puts a newline between a header and its first status
                token = token[1:]
                kind = token[:1]
            if kind == "M" or kind == "T":  # a type change counts as a change
                modify(ident, tokens[i + 1], at)
                i += 2
            elif kind == "\x01":
                at = int(tokens[i + 3])
                ident = begin(tokens[i + 1], tokens[i + 2], at)
                i += 4
                done += 1
                if progress is not None and done % 1000 == 0:
                    progress(done, total)
            elif kind == "A":
                add(ident, tokens[i + 1], at)
                i += 2
            elif kind == "D":
                delete(tokens[i + 1])
                i += 2
            elif kind == "R":
                rename(ident, tokens[i + 1], tokens[i + 2], at)
                i += 3
            elif kind == "C":  # only if copies were asked for: the copy is a new file
                add(ident, tokens[i + 2], at)
                i += 3
            elif not token:
                i += 1
            else:
                raise GitFailed(f"unexpected git log output near {token[:40]!r}")
    return done
