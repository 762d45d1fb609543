"""Whether a peerlearn process (a web worker, a task worker) uses this data folder.

Each such process holds a shared `flock` on `DATA_DIR/in-use.lock` for as long as it
runs; `peerlearn restore` asks for the exclusive lock without waiting and refuses when
it cannot have it. The kernel drops a process's locks when it exits, however it exits
(SIGKILL included), so a stale lock never blocks a restore, unlike a pid file.
On PostgreSQL a server on another machine holds no lock here: `restore` also counts the
database's other connections (operations.databases).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from django.conf import settings

LOCK_NAME = "in-use.lock"
_held: list[int] = []  # the open descriptor, kept for the life of the process


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / LOCK_NAME


def hold_data_folder() -> None:
    """Mark this process as using the data folder until it exits (idempotent)."""
    if _held:
        return
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    _held.append(descriptor)


def data_folder_in_use() -> bool:
    """True while some process holds the data folder (never creates the lock file)."""
    try:
        descriptor = os.open(lock_path(), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # closing drops the lock if we got it
    return False
