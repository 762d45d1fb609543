"""Which worker process runs an analysis, and whether it still exists.

An analysis records `host:pid:start` of the process that claimed it. On the same
machine, a process with that id and start time either exists or the run was abandoned
(the worker was killed or the machine restarted); a pid reused by another process has
another start time. For another machine nothing can be asked: the time limit decides.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


@cache
def _host() -> str:
    return socket.gethostname()


def this_worker() -> str:
    pid = os.getpid()
    return f"{_host()}:{pid}:{_start_time(pid) or ''}"


def is_alive(worker: str) -> bool:
    """False only when `worker` certainly no longer runs (same machine, gone or reused)."""
    parts = worker.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return True  # not recorded (a run from before this field): the time limit decides
    host, pid, started = parts
    # A task worker's id may carry the host name cut short (django-tasks-db allows 64).
    if not _host().startswith(host) or not host or not Path("/proc/self/stat").exists():
        return True
    return _start_time(int(pid)) == started and started != ""
