"""The backup archive: one gzip-compressed tar file a restore can check before it writes.

Members, in this order:

- `manifest.json`: what the archive is (format and version, database kind, peerlearn
  version, creation time), first so a restore can refuse the wrong kind early;
- `database/…`: the database snapshot (a SQLite file or a `pg_dump` SQL script);
- `data/…`: the data folder's files (repositories, the generated secret key, mail);
- `checksums.json`: the SHA-256 of every file member above, last, so a truncated
  archive lacks it and a damaged one fails its check.

A restore reads the whole archive once (`verify`) before it writes anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import stat
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

FORMAT = "peerlearn-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHECKSUMS = "checksums.json"
DATABASE_PREFIX = "database/"
DATA_PREFIX = "data/"
_CHUNK = 1024 * 1024
_SPOOL_BYTES = 16 * 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be used; the message says why, for the operator."""


@dataclass(frozen=True)
class Manifest:
    database: str  # "sqlite" or "postgresql"
    database_member: str
    peerlearn_version: str
    created_at: str
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "format_version": self.format_version,
                "database": self.database,
                "database_member": self.database_member,
                "peerlearn_version": self.peerlearn_version,
                "created_at": self.created_at,
            },
            indent=2,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            fields: Any = json.loads(data)
        except (UnicodeDecodeError, ValueError):
            raise ArchiveError("its manifest.json is not JSON.") from None
        if not isinstance(fields, dict) or fields.get("format") != FORMAT:
            raise ArchiveError("it is not a peerlearn backup (manifest.json says otherwise).")
        version = fields.get("format_version")
        if version != FORMAT_VERSION:
            raise ArchiveError(
                f"it is in backup format version {version!r}; this peerlearn reads version "
                f"{FORMAT_VERSION} only."
            )
        try:
            manifest = cls(
                database=str(fields["database"]),
                database_member=str(fields["database_member"]),
                peerlearn_version=str(fields["peerlearn_version"]),
                created_at=str(fields["created_at"]),
            )
        except KeyError as missing:
            raise ArchiveError(f"its manifest.json lacks {missing}.") from None
        if manifest.database not in {"sqlite", "postgresql"}:
            raise ArchiveError(f"its database kind {manifest.database!r} is unknown.")
        if not manifest.database_member.startswith(DATABASE_PREFIX):
            raise ArchiveError("its manifest names no database member.")
        return manifest


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _Hashing(io.RawIOBase):
    """A file read through, hashing what passes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


class ArchiveWriter:
    """Write an archive to `path` through `path.partial`, renamed into place when closed."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(  # noqa: SIM115 (closed by close() or abort())
            fileobj=self._file, mode="w:gz", format=tarfile.PAX_FORMAT
        )
        self.checksums: dict[str, str] = {}
        self.files = 0
        self.bytes = 0
        self._add_bytes(MANIFEST, manifest.to_json())

    def _add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(data))
        self.checksums[name] = hashlib.sha256(data).hexdigest()

    def add_file(self, name: str, source: Path) -> None:
        """Copy `source` as it is now: read once into a spool, so a file that grows while
        it is read is stored consistently with the size written in its header."""
        with source.open("rb") as stream, tempfile.SpooledTemporaryFile(_SPOOL_BYTES) as spool:
            hashing = _Hashing(stream)
            while chunk := hashing.read(_CHUNK):
                spool.write(chunk)
            size = spool.tell()
            spool.seek(0)
            status = source.stat()
            info = tarfile.TarInfo(name)
            info.size = size
            info.mtime = int(status.st_mtime)
            info.mode = stat.S_IMODE(status.st_mode)
            self._tar.addfile(info, spool)
        self.checksums[name] = hashing.digest.hexdigest()
        self.files += 1
        self.bytes += size

    def add_directory(self, name: str, source: Path) -> None:
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE
        info.mode = stat.S_IMODE(source.stat().st_mode)
        info.mtime = int(source.stat().st_mtime)
        self._tar.addfile(info)

    def add_symlink(self, name: str, source: Path) -> None:
        info = tarfile.TarInfo(name)
        info.type = tarfile.SYMTYPE
        info.linkname = os.readlink(source)
        self._tar.addfile(info)

    def close(self) -> None:
        self._add_bytes(CHECKSUMS, json.dumps(self.checksums, indent=0).encode())
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.partial.rename(self.path)

    def abort(self) -> None:
        with contextlib.suppress(OSError, tarfile.TarError):
            self._tar.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)


def _damaged(error: BaseException) -> ArchiveError:
    return ArchiveError(f"it is damaged or truncated ({type(error).__name__}: {error}).")


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> Iterator[bytes]:
    stream = tar.extractfile(member)
    assert stream is not None  # a regular file
    while chunk := stream.read(_CHUNK):
        yield chunk


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise ArchiveError("there is no such file.")
    try:
        return tarfile.open(path, mode="r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        raise ArchiveError(
            "it is not a gzip-compressed tar archive (not a peerlearn backup)."
        ) from None


def verify(path: Path, destination: Path) -> Manifest:
    """Read the whole archive and check it, writing nothing: its manifest, that every
    member is a file, folder or link that stays inside `destination`, and every checksum."""
    try:
        with _open(path) as tar:
            return _verify(tar, destination)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise _damaged(error) from None


def _verify(tar: tarfile.TarFile, destination: Path) -> Manifest:
    members = iter(tar)
    first = next(members, None)
    if first is None or first.name != MANIFEST or not first.isfile():
        raise ArchiveError("it is not a peerlearn backup (it does not start with manifest.json).")
    manifest_bytes = b"".join(_read(tar, first))
    manifest = Manifest.from_json(manifest_bytes)
    seen = {MANIFEST: hashlib.sha256(manifest_bytes).hexdigest()}
    recorded: Any = None
    for member in members:
        if recorded is not None:
            raise ArchiveError(f"it holds {member.name!r} after {CHECKSUMS}.")
        if member.name == CHECKSUMS and member.isfile():
            try:
                recorded = json.loads(b"".join(_read(tar, member)))
            except (UnicodeDecodeError, ValueError):
                raise ArchiveError(f"its {CHECKSUMS} is not JSON.") from None
            continue
        if not member.name.startswith((DATABASE_PREFIX, DATA_PREFIX)):
            raise ArchiveError(f"it holds {member.name!r}, which no backup holds.")
        if not (member.isfile() or member.isdir() or member.issym()):
            raise ArchiveError(f"{member.name!r} is neither a file, a folder nor a link.")
        try:
            tarfile.data_filter(member, str(destination))
        except tarfile.FilterError as error:
            raise ArchiveError(f"{member.name!r} would be written outside: {error}.") from None
        if member.isfile():
            hashed = hashlib.sha256()
            for chunk in _read(tar, member):
                hashed.update(chunk)
            seen[member.name] = hashed.hexdigest()
    if recorded is None:
        raise ArchiveError(f"it is truncated: {CHECKSUMS}, the last member, is missing.")
    if not isinstance(recorded, dict) or set(recorded) != set(seen):
        raise ArchiveError(f"its members are not the ones {CHECKSUMS} lists.")
    for name, digest in seen.items():
        if recorded[name] != digest:
            raise ArchiveError(f"it is damaged: {name!r} does not match its checksum.")
    if manifest.database_member not in seen:
        raise ArchiveError(f"it lacks its database ({manifest.database_member!r}).")
    return manifest


def extract(path: Path, destination: Path) -> None:
    """Unpack an archive `verify` accepted into `destination` (database/ and data/)."""
    try:
        with _open(path) as tar:
            members = [m for m in tar.getmembers() if m.name not in {MANIFEST, CHECKSUMS}]
            tar.extractall(destination, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise _damaged(error) from None
