"""Reading a repository's history into a HistoryState, fast.

Measured choice (docs/benchmarks.md, "Knowledge map"): the `git` command, not pygit2.
The cost is git's tree diffs and rename detection; `git log` does them in C, and two of
them reading the history from both ends use both cores (logstream.py). The blocks are
then replayed in the order of order.py, which makes incremental runs equal full ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import GitFailed
from .gitio import TreeListing, blob_id, check_repository, is_first_parent_descendant, resolve_tip
from .logstream import read_blocks
from .order import replay_order
from .state import HistoryState

# Called with the number of commits read so far (the total is not known in advance).
ProgressCallback = Callable[[int], None]

# A commit that copies code in from elsewhere, by its subject as git's %f gives it
# (words joined by "-"): "Sync typeshed (#1)", "Vendor pip 23.1", "Update vendored
# packages", "Re-vendor six", "Mypybot: sync typeshed", "chore: sync schemas". Only the
# start of the subject counts (after a bot's name or a chore/ci/deps/build prefix):
# "Fix sync bug" is the team's own work. Files only ever changed by such commits (or by
# bots) are evidence of a vendored tree (evidence.py). Part of the state: changing it
# needs a new state version.
SYNC_SUBJECT = re.compile(
    rb"(?i)([a-z0-9]*bot-|chore-|ci-|deps-|build-|automated-|auto-)?"
    rb"(re-?)?(sync|vendor|import-upstream|update-vendored|upgrade-vendored"
    rb"|bump-vendored|update-bundled|update-third-party|vendored)(ed|ing|s)?([-._]|$)"
)


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
    while_listing: Callable[[HistoryState], None] | None = None,
) -> HistorySnapshot:
    """Bring `previous` (or a fresh state) up to date with the repository's history.

    Only `previous.tip..tip` is read when the previous tip is on the new tip's
    first-parent line and nothing that shapes the replay changed (since, .mailmap);
    otherwise (force-push, rewritten history, new .mailmap) the whole history is read.
    `while_listing` is called with the final state while git may still be listing the
    tree at the tip (an incremental update often ends before that listing does).
    """
    check_repository(repo)
    since_ts = _timestamp(since)
    tip = resolve_tip(repo, _timestamp(as_of))
    # The tree at the tip (paths and sizes) is listed while the history is read.
    listing = TreeListing(repo, tip)
    try:
        mailmap_id = blob_id(repo, tip, ".mailmap")
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
            revisions = [tip]
        else:
            revisions = [tip, f"^{state.tip}"]

        before = state.commits_read
        if state.tip != tip:
            # Both ends only pay off on long histories; an update is usually a few commits.
            both_ends = jobs > 1 and len(revisions) == 1
            blocks = read_blocks(repo, revisions, both_ends=both_ends, progress=progress)
            replay(blocks, tip, state, since_ts)
        state.tip = tip
        if while_listing is not None:
            while_listing(state)
        sizes = listing.result()
    finally:
        listing.close()
    return HistorySnapshot(state, sizes, incremental, state.commits_read - before)


def replay(
    headers: dict[bytes, list[bytes]], tip: str, state: HistoryState, since: int | None
) -> None:
    """Apply the commits read by read_blocks to `state`, parents first, in replay order."""
    parents = {commit: fields[1].split() for commit, fields in headers.items()}
    order = replay_order(parents, tip.encode())
    del parents
    # Identities repeat on almost every commit: decode each (name, e-mail) once.
    known: dict[tuple[bytes, bytes], int] = {}
    for commit in order:
        fields = headers[commit]
        if b" " in fields[1]:
            continue  # merges add nothing
        if since is not None and int(fields[2]) < since:
            continue
        at = int(fields[5])
        key = (fields[3], fields[4])
        ident = known.get(key)
        if ident is None:
            ident = known[key] = state.begin_commit(_text(key[0]), _text(key[1]), at)
        else:
            state.count_commit(ident, at)
        if len(fields) == 8 and len(fields[7]) > 1:
            tokens = _text(fields[7]).split("\0")
            if SYNC_SUBJECT.match(fields[6]):
                _apply_synced(state, ident, at, tokens)
            else:
                _apply_changes(state, ident, at, tokens)


def _text(raw: bytes) -> str:
    # surrogateescape keeps paths that are not UTF-8 distinct and round-trippable.
    return raw.decode("utf-8", "surrogateescape")


def _apply_changes(state: HistoryState, ident: int, at: int, tokens: list[str]) -> None:
    """Apply one commit's `--name-status -z` tokens: a status letter (R and C with a
    score) followed by one path, or two for R and C."""
    files = state.files
    end = len(tokens)
    i = 0
    while i < end:
        token = tokens[i]
        kind = token[:1]
        if kind == "\n":  # git puts a newline between the header and the first status
            token = token[1:]
            kind = token[:1]
        if kind == "M" or kind == "T":  # a type change counts as a change
            record = files.get(tokens[i + 1])
            entry = record.contributors.get(ident) if record is not None else None
            if entry is not None and record is not None:
                # The most common event by far, inlined: the same person changes again.
                entry[1] += 1
                if at > record.last_change_at:
                    record.last_change_at = at
                if record.synced is not None:
                    state.unsync(record, ident)  # their own work now, not only syncs
            else:
                state.modify(ident, tokens[i + 1], at)
            i += 2
        elif kind == "A":
            state.add(ident, tokens[i + 1], at)
            i += 2
        elif kind == "D":
            state.delete(tokens[i + 1])
            i += 2
        elif kind == "R":
            state.rename(ident, tokens[i + 1], tokens[i + 2], at)
            i += 3
        elif kind == "C":  # only if copies were asked for: the copy is a new file
            state.add(ident, tokens[i + 2], at)
            i += 3
        elif not token:
            i += 1
        else:
            raise GitFailed(f"unexpected git log output near {token[:40]!r}")


def _apply_synced(state: HistoryState, ident: int, at: int, tokens: list[str]) -> None:
    """A sync commit's changes: counted as usual, and remembered as synced (rare, so
    through the plain state methods)."""
    state.syncing = True
    try:
        _apply_slowly(state, ident, at, tokens)
    finally:
        state.syncing = False


def _apply_slowly(state: HistoryState, ident: int, at: int, tokens: list[str]) -> None:
    end = len(tokens)
    i = 0
    while i < end:
        token = tokens[i]
        if token[:1] == "\n":
            token = token[1:]
        kind = token[:1]
        if kind in ("M", "T"):
            state.modify(ident, tokens[i + 1], at)
            i += 2
        elif kind == "A":
            state.add(ident, tokens[i + 1], at)
            i += 2
        elif kind == "D":
            state.delete(tokens[i + 1])
            i += 2
        elif kind == "R":
            state.rename(ident, tokens[i + 1], tokens[i + 2], at)
            i += 3
        elif kind == "C":
            state.add(ident, tokens[i + 2], at)
            i += 3
        elif not token:
            i += 1
        else:
            raise GitFailed(f"unexpected git log output near {token[:40]!r}")
