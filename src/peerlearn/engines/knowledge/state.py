"""The serialisable counters an analysis accumulates, and how one change updates them.

The state keeps raw identities (as git printed them, after .mailmap) and every live file
with, per identity, the sequence number of its first event on that file and its number
of deliveries. Merging aliases, dropping bots and excluding files all happen later, when
the map is built, so changing those settings never requires reading history again.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .gcpause import gc_paused

# 3: version 2 plus the renames followed for branch changes to an old name. States of
# versions 1 and 2 are refused: they were made while such changes were lost, so only a
# full read gives the right counters.
STATE_VERSION = 3
# Renames followed from an old name, at most: a chain longer than any real history's
# guards against a cycle the map could hold after odd merges.
_MAX_RENAME_HOPS = 64


@dataclass(slots=True)
class FileRecord:
    """One file's history since it was created (renames keep the record, deletes end it)."""

    # identity index -> [sequence number of its first event here, deliveries]
    contributors: dict[int, list[int]] = field(default_factory=dict)
    last_change_at: int = 0
    # The contributors whose every change here came from a sync or vendoring commit
    # (history.SYNC_SUBJECT); creating the file is not a change, so its creator is in
    # it once the creation was a sync or their later changes all were. None while there
    # is none (nearly every file).
    synced: set[int] | None = None


@dataclass(slots=True)
class HistoryState:
    tip: str | None = None
    since: int | None = None
    mailmap_id: str = ""
    commits_read: int = 0
    sequence: int = 0
    identities: list[tuple[str, str]] = field(default_factory=list)
    commits_by_identity: list[int] = field(default_factory=list)
    first_commit_at: list[int] = field(default_factory=list)
    last_commit_at: list[int] = field(default_factory=list)
    files: dict[str, FileRecord] = field(default_factory=dict)
    # old path -> the path its file was renamed to. A branch that forked before a rename
    # still changes the old name; merged later, those changes belong to the renamed file.
    renamed: dict[str, str] = field(default_factory=dict)
    syncing: bool = field(default=False, repr=False)  # replaying a sync commit's changes
    _index: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    # -- replaying history -------------------------------------------------------------

    def begin_commit(self, name: str, email: str, authored_at: int) -> int:
        """Register one non-merge commit by (name, email); return the identity index."""
        key = (name, email)
        ident = self._index.get(key)
        if ident is None:
            ident = len(self.identities)
            self._index[key] = ident
            self.identities.append(key)
            self.commits_by_identity.append(0)
            self.first_commit_at.append(authored_at)
            self.last_commit_at.append(authored_at)
        self.commits_by_identity[ident] += 1
        if authored_at < self.first_commit_at[ident]:
            self.first_commit_at[ident] = authored_at
        if authored_at > self.last_commit_at[ident]:
            self.last_commit_at[ident] = authored_at
        self.commits_read += 1
        return ident

    def count_commit(self, ident: int, authored_at: int) -> None:
        """Another commit by an identity already registered by begin_commit."""
        self.commits_by_identity[ident] += 1
        if authored_at < self.first_commit_at[ident]:
            self.first_commit_at[ident] = authored_at
        if authored_at > self.last_commit_at[ident]:
            self.last_commit_at[ident] = authored_at
        self.commits_read += 1

    def live_path(self, path: str) -> str | None:
        """`path` if a file lives there, else where the renames made since lead (a change
        made on a branch to a file's old name), else None."""
        files, renamed = self.files, self.renamed
        found: str | None = path
        for _ in range(_MAX_RENAME_HOPS):
            if found is None or found in files:
                return found
            found = renamed.get(found)
        return None

    def add(self, ident: int, path: str, at: int) -> None:
        record = self.files.get(path)
        if record is None:
            # A creation: first authorship, and (as in the reference tool) not a delivery.
            # The path is a new file's now, no longer an old name to follow.
            self.renamed.pop(path, None)
            self.sequence += 1
            self.files[path] = FileRecord(
                {ident: [self.sequence, 0]}, at, {ident} if self.syncing else None
            )
            return
        # An add over a live path (parallel branches both adding it) counts as a change.
        self.modify(ident, path, at)

    def modify(self, ident: int, path: str, at: int) -> None:
        record = self.files.get(path)
        if record is None and self.renamed:
            live = self.live_path(path)
            if live is not None:
                record = self.files[live]
        if record is None:
            # History we did not see (before --since, or deleted on another branch):
            # the first change seen plays the creator and is also a delivery.
            record = FileRecord({}, at)
            self.files[path] = record
        entry = record.contributors.get(ident)
        if entry is None:
            self.sequence += 1
            record.contributors[ident] = [self.sequence, 1]
            if self.syncing:
                if record.synced is None:
                    record.synced = set()
                record.synced.add(ident)
        else:
            if self.syncing:
                if entry[1] == 0:  # they only created it (outside a sync) until now
                    if record.synced is None:
                        record.synced = set()
                    record.synced.add(ident)
            elif record.synced is not None:
                self.unsync(record, ident)
            entry[1] += 1
        if at > record.last_change_at:
            record.last_change_at = at

    @staticmethod
    def unsync(record: FileRecord, ident: int) -> None:
        """`ident` changed the file outside a sync commit: not only syncs any more."""
        synced = record.synced
        if synced is not None:
            synced.discard(ident)
            if not synced:
                record.synced = None  # as a saved and loaded record has it

    def delete(self, path: str) -> None:
        # A branch deleting a file another branch renamed meanwhile is a conflict git
        # asks a person to resolve; the renamed file stays until a commit deletes it.
        self.files.pop(path, None)

    def rename(self, ident: int, old: str, new: str, at: int) -> None:
        source = self.live_path(old)
        if source is not None:
            self.files[new] = self.files.pop(source)
            self.renamed[source] = new
        self.renamed.pop(new, None)
        # The reference tool counts a rename as a delivery by whoever renamed the file.
        self.modify(ident, new, at)

    # -- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The saved form (version 2): each file is one flat list of integers,
        `[last change, identity, first event, deliveries, identity, ...]`, which loads in
        a fraction of the time of one small list per contributor (version 1). A
        contributor in `synced` is written as -(identity + 1)."""
        files: dict[str, list[int]] = {}
        for path, record in self.files.items():
            flat = [record.last_change_at]
            synced = record.synced
            for ident, (first, deliveries) in record.contributors.items():
                flat += (-ident - 1 if synced and ident in synced else ident, first, deliveries)
            files[path] = flat
        return {
            "version": STATE_VERSION,
            "tip": self.tip,
            "since": self.since,
            "mailmap_id": self.mailmap_id,
            "commits_read": self.commits_read,
            "sequence": self.sequence,
            "identities": [list(pair) for pair in self.identities],
            "commits_by_identity": self.commits_by_identity,
            "first_commit_at": self.first_commit_at,
            "last_commit_at": self.last_commit_at,
            "files": files,
            "renamed": self.renamed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryState:
        """Read a saved state of the current version; any other version, or a malformed
        state, raises ValueError (callers then analyse in full)."""
        version = data.get("version") if isinstance(data, dict) else None
        if version in (1, 2):
            raise ValueError(
                f"knowledge state version {version} predates following renames for changes "
                "merged from branches: analysing in full"
            )
        if version != STATE_VERSION:
            raise ValueError(f"unsupported knowledge state version {version!r}")
        with gc_paused():
            try:
                return cls._from_dict(data, version)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise ValueError(
                    f"malformed knowledge state (version {version}): {error}"
                ) from None

    @classmethod
    def _from_dict(cls, data: dict[str, Any], version: int) -> HistoryState:
        identities = [(str(name), str(email)) for name, email in data["identities"]]
        state = cls(
            tip=data["tip"],
            since=data["since"],
            mailmap_id=data["mailmap_id"],
            commits_read=int(data["commits_read"]),
            sequence=int(data["sequence"]),
            identities=identities,
            commits_by_identity=[int(n) for n in data["commits_by_identity"]],
            first_commit_at=[int(n) for n in data["first_commit_at"]],
            last_commit_at=[int(n) for n in data["last_commit_at"]],
        )
        count = len(identities)
        if not (
            len(state.commits_by_identity)
            == len(state.first_commit_at)
            == len(state.last_commit_at)
            == count
        ):
            raise ValueError("identity lists of different lengths")
        state._index = {pair: index for index, pair in enumerate(identities)}
        files = state.files
        saved = data["files"]
        # One C-level pass rejects anything but integers (json gives ints for ours).
        array("q", chain.from_iterable(saved.values()))
        for path, flat in saved.items():
            numbers = iter(flat)
            last_change_at = next(numbers)
            files[path] = FileRecord(
                {
                    ident: [first, dl]
                    for ident, first, dl in zip(numbers, numbers, numbers, strict=True)
                },
                last_change_at,
            )
        renamed = data["renamed"]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in renamed.items()):
            raise ValueError("renames that are not paths")
        state.renamed = dict(renamed)
        known: set[int] = set()
        for record in files.values():
            known.update(record.contributors)
        if known and min(known) < 0:
            _decode_synced(files)
            known = {ident if ident >= 0 else -ident - 1 for ident in known}
        if known and (min(known) < 0 or max(known) >= count):
            raise ValueError("counters of an unknown identity")
        return state

    def dumps(self) -> str:
        # surrogateescape'd bytes in odd paths survive because json escapes lone surrogates.
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> HistoryState:
        with gc_paused():
            try:
                data = json.loads(text)
            except ValueError as error:  # json.JSONDecodeError is a ValueError
                raise ValueError(f"knowledge state is not JSON: {error}") from None
            return cls.from_dict(data)


def _decode_synced(files: dict[str, FileRecord]) -> None:
    """Turn the saved -(identity + 1) of synced contributors back into identities."""
    for record in files.values():
        contributors = record.contributors
        if min(contributors, default=0) >= 0:
            continue
        record.contributors = {(i if i >= 0 else -i - 1): v for i, v in contributors.items()}
        record.synced = {-i - 1 for i in contributors if i < 0}
        if len(record.contributors) != len(contributors):
            raise ValueError("a contributor saved twice")
