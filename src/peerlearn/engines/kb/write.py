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

import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".peerlearn-export.json"
_FORMAT = "peerlearn-export/1"


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
    for path in sorted(files):
        _refuse_symlinks(root, parts[path])
    previous = read_manifest(root)
    # List the union first: a run killed halfway leaves no file it wrote unaccounted for.
    if not previous.issuperset(files):
        _write_manifest(root, previous | set(files))
    written, unchanged = [], []
    for path in sorted(files):
        target = root.joinpath(*parts[path])
        if _same(target, files[path]):
            unchanged.append(path)
        else:
            _atomic_write(target, files[path])
            written.append(path)
    removed = _remove_stale(root, previous - set(files))
    _write_manifest(root, set(files))
    return WriteReport(tuple(written), tuple(unchanged), tuple(removed))


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
    target = root / MANIFEST
    if not _same(target, text.encode()):
        _atomic_write(target, text.encode())


def _refuse_symlinks(root: Path, parts: tuple[str, ...]) -> None:
    """Checked before writing anything, so a bad path leaves the directory as it was."""
    current = root
    for number, part in enumerate(parts, start=1):
        current = current / part
        try:
            mode = current.lstat().st_mode
        except FileNotFoundError:
            return
        if stat.S_ISLNK(mode):
            raise UnsafePath(f"{'/'.join(parts)!r}: {current} is a symbolic link")
        last = number == len(parts)
        if (last and stat.S_ISDIR(mode)) or (not last and not stat.S_ISDIR(mode)):
            kind = "a folder" if last else "not a folder"
            raise UnsafePath(f"{'/'.join(parts)!r}: {current} is {kind}")


def _same(target: Path, data: bytes) -> bool:
    try:
        info = target.lstat()
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
        return False
    return target.read_bytes() == data


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; exports are meant to be read
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
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
