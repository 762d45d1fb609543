"""Write an export to a directory, touching only what changed.

`write_tree` compares each file's bytes with what is on disk and writes only the ones
that differ, each atomically (a temporary file in the same folder, then a rename, so a
reader never sees half a file). It keeps a manifest (`.peerlearn-export.json`) of the
files it wrote, and removes a file on a later run only when the manifest lists it and
the export no longer produces it: files someone else put in the directory are never
deleted. Paths are checked before anything is written: relative, no `..`, `.` or empty
parts, no `.git`, no backslashes, and never through a symlink.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".peerlearn-export.json"
_FORMAT = "peerlearn-export/1"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafePath(ValueError):
    """An export path that would land outside the directory or somewhere it must not."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]  # new or changed
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def check_path(path: str) -> tuple[str, ...]:
    """The parts of a safe relative path, or UnsafePath saying what is wrong with it."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path:
        raise UnsafePath(f"{path!r}: must be a relative path with '/' separators")
    parts = tuple(path.split("/"))
    for part in parts:
        if part in ("", ".", ".."):
            raise UnsafePath(f"{path!r}: empty, '.' or '..' part")
        if part.casefold() == ".git":
            raise UnsafePath(f"{path!r}: inside .git")
    if path == MANIFEST:
        raise UnsafePath(f"{path!r}: is the export's own manifest")
    return parts


def write_tree(files: Mapping[str, bytes], directory: str | os.PathLike[str]) -> WriteReport:
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    parts = {path: check_path(path) for path in files}
    folders = _Folders(str(root))
    found = {path: folders.check(parts[path]) for path in sorted(files)}
    previous = read_manifest(root)
    # List the union first: a run killed halfway leaves no file it wrote unaccounted for.
    if not previous.issuperset(files):
        _write_manifest(root, previous | set(files))
    written, unchanged = [], []
    for path in sorted(files):
        target = os.path.join(folders.root, *parts[path])
        if _same(target, found[path], files[path]):
            unchanged.append(path)
        else:
            folders.make(parts[path][:-1])
            _atomic_write(target, files[path])
            written.append(path)
    removed = _remove_stale(root, previous - set(files))
    _write_manifest(root, set(files))
    return WriteReport(tuple(written), tuple(unchanged), tuple(removed))


class _Folders:
    """Checks paths on disk before anything is written, so a bad one leaves the directory
    as it was; remembers folders already checked or made (10,000 files share 25)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._checked: set[tuple[str, ...]] = {()}
        self._missing: set[tuple[str, ...]] = set()
        self._made: set[tuple[str, ...]] = {()}

    def check(self, parts: tuple[str, ...]) -> os.stat_result | None:
        """The file's own lstat (None: absent); UnsafePath through a link or a non-folder."""
        for depth in range(1, len(parts)):
            folder = parts[:depth]
            if folder in self._checked:
                continue
            if folder[:-1] in self._missing:
                self._missing.add(folder)
                continue
            info = self._lstat(folder)
            if info is None:
                self._missing.add(folder)
            elif stat.S_ISLNK(info.st_mode):
                raise UnsafePath(f"{'/'.join(parts)!r}: {'/'.join(folder)} is a symbolic link")
            elif not stat.S_ISDIR(info.st_mode):
                raise UnsafePath(f"{'/'.join(parts)!r}: {'/'.join(folder)} is not a folder")
            else:
                self._checked.add(folder)
        if parts[:-1] in self._missing:
            return None
        info = self._lstat(parts)
        if info is not None and stat.S_ISLNK(info.st_mode):
            raise UnsafePath(f"{'/'.join(parts)!r}: is a symbolic link")
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise UnsafePath(f"{'/'.join(parts)!r}: is a folder")
        return info

    def make(self, folder: tuple[str, ...]) -> None:
        if folder not in self._made:
            os.makedirs(os.path.join(self.root, *folder), exist_ok=True)
            self._made.add(folder)

    def _lstat(self, parts: tuple[str, ...]) -> os.stat_result | None:
        try:
            return os.lstat(os.path.join(self.root, *parts))
        except FileNotFoundError:
            return None


def read_manifest(root: Path) -> set[str]:
    """Paths listed by the previous run; an unreadable manifest lists nothing (so nothing
    gets deleted on its say-so), and so does a path in it that is not safe."""
    try:
        data = json.loads((root / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return set()
    listed = data.get("files")
    if not isinstance(listed, list):
        return set()
    safe = set()
    for path in listed:
        try:
            if isinstance(path, str):
                check_path(path)
                safe.add(path)
        except UnsafePath:
            continue
    return safe


def _write_manifest(root: Path, paths: set[str]) -> None:
    text = json.dumps({"format": _FORMAT, "files": sorted(paths)}, indent=1) + "\n"
    target = os.path.join(root, MANIFEST)
    try:
        info: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        info = None
    if not _same(target, info, text.encode()):
        _atomic_write(target, text.encode())


def _same(target: str, info: os.stat_result | None, data: bytes) -> bool:
    if info is None or not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
        return False
    with open(target, "rb") as stream:
        return stream.read() == data


def _atomic_write(target: str, data: bytes) -> None:
    # Our own temporary name (O_EXCL, so never someone else's file) with mode 0644 less
    # the umask, as for any file the user makes: mkstemp's 0600 would need a chmod more.
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _remove_stale(root: Path, stale: set[str]) -> list[str]:
    removed = []
    for path in sorted(stale):
        parts = check_path(path)
        if not _real_folders(root, parts[:-1]):
            continue  # a folder replaced by a link since: not ours to follow
        target = root.joinpath(*parts)
        try:
            if not stat.S_ISREG(target.lstat().st_mode):
                continue
            target.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
        _remove_empty_parents(root, target.parent)
    return removed


def _real_folders(root: Path, parts: tuple[str, ...]) -> bool:
    current = root
    for part in parts:
        current = current / part
        try:
            if not stat.S_ISDIR(current.lstat().st_mode):
                return False
        except FileNotFoundError:
            return False
    return True


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder != root:
        try:
            folder.rmdir()  # only succeeds when empty: other people's files stay
        except OSError:
            return
        folder = folder.parent
