"""`peerlearn restore FILE`: an archive of `peerlearn backup` onto an empty installation.

Everything is checked before anything is written: the whole archive (manifest, every
checksum, no member outside the data folder), that it holds the kind of database this
installation uses, that the database holds no rows and the data folder no files. Then
the database is restored in one step (SQLite's backup API; one `psql` transaction) and
the data folder's files are moved into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from peerlearn.operations import archive, databases, in_use

# What a configured but unused installation already has in its data folder.
_GENERATED = frozenset({"secret_key", in_use.LOCK_NAME})
_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_LISTED = 5


class RestoreRefused(Exception):
    pass


@dataclass(frozen=True)
class RestoreSummary:
    manifest: archive.Manifest
    files: int


def _database_files() -> set[Path]:
    if databases.kind() != "sqlite":
        return set()
    path = databases.sqlite_path()
    return {path.with_name(path.name + end) for end in ("", "-wal", "-shm", "-journal")}


def _files_in(data_dir: Path, ignore: set[Path]) -> list[str]:
    found: list[str] = []
    if not data_dir.is_dir():
        return found
    for folder, _dirs, files in os.walk(data_dir):
        for name in files:
            path = Path(folder) / name
            relative = path.relative_to(data_dir).as_posix()
            if path in ignore or relative in _GENERATED:
                continue
            found.append(relative)
    return sorted(found)


def _listing(names: list[str]) -> str:
    more = len(names) - _LISTED
    return ", ".join(names[:_LISTED]) + (f" and {more} more" if more > 0 else "")


def backup_restore(*, path: Path) -> RestoreSummary:
    path = path.absolute()
    data_dir = Path(settings.DATA_DIR).resolve()
    try:
        manifest = archive.verify(path, data_dir)
        kind = databases.kind()
    except (archive.ArchiveError, databases.DatabaseError) as error:
        raise RestoreRefused(str(error)) from None
    if manifest.database != kind:
        raise RestoreRefused(
            f"it holds a {_NAMES[manifest.database]} database and this installation uses "
            f"{_NAMES[kind]} (DATABASE_URL); restore it into an installation with a "
            f"{_NAMES[manifest.database]} database."
        )
    if in_use.data_folder_in_use():
        raise RestoreRefused(
            "peerlearn is running on this installation (`peerlearn serve`, `peerlearn "
            "worker` or `peerlearn demo` holds its data folder); stop it, then restore."
        )
    others = databases.other_connections()
    if others:
        raise RestoreRefused(
            f"the database has {others} other connection(s): a peerlearn server or worker "
            "(perhaps on another machine) is using it; stop them, then restore."
        )
    occupied = databases.occupied_tables()
    if occupied:
        raise RestoreRefused(
            f"the database is not empty ({_listing(occupied)} hold rows). A backup is "
            "restored only onto an empty installation: a new database and data folder."
        )
    files = _files_in(data_dir, _database_files())
    if files:
        raise RestoreRefused(
            f"the data folder {data_dir} is not empty (it holds {_listing(files)}). A backup "
            "is restored only onto an empty installation: a new database and data folder."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        try:
            archive.extract(path, staging)
            snapshot = staging / manifest.database_member
            if kind == "sqlite":
                databases.sqlite_check(snapshot)
                databases.sqlite_restore(snapshot)
            else:
                databases.postgresql_restore(
                    snapshot,
                    drop_tables=databases.existing_tables(),
                    drop_text_search=databases.text_search_objects(),
                )
        except (archive.ArchiveError, databases.DatabaseError) as error:
            raise RestoreRefused(str(error)) from None
        restored = staging / archive.DATA_PREFIX.rstrip("/")
        count = sum(len(names) for _folder, _dirs, names in os.walk(restored))
        if restored.is_dir():
            for entry in restored.iterdir():
                _move(entry, data_dir / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreSummary(manifest=manifest, files=count)


def _move(source: Path, target: Path) -> None:
    """Move into place, merging into folders that exist (empty: checked above) and
    replacing the generated secret key of the unused installation."""
    if target.is_dir() and not target.is_symlink() and source.is_dir() and not source.is_symlink():
        for child in source.iterdir():
            _move(child, target / child.name)
        return
    os.replace(source, target)
