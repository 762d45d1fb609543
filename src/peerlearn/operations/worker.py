"""The `peerlearn worker` loop: django-tasks-db's worker, kept running through outages.

The database worker ends on the first error its database raises (the server restarted,
a failover, the network gone). A service manager would restart it, but none may be
there, so the worker waits instead: it logs the outage once, asks the database again
after a growing pause (1, 2, 4 … up to RETRY_MAX_SECONDS), and goes on when it answers.
A signal (SIGTERM, Ctrl-C) still stops it at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from django.core.management import call_command
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger("peerlearn.worker")

RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0

Sleep = Callable[[float], None]


def _outage(error: BaseException) -> bool:
    """Whether the error means the database cannot be reached (not a bug in a task)."""
    return isinstance(error, OperationalError | InterfaceError)


WORKER_ID_MAX = 64  # django-tasks-db's limit
STOPPED = "peerlearn.operations.worker.WorkerStopped"


class WorkerStopped(Exception):
    """Recorded on a task whose worker stopped (killed, machine restarted) mid-run."""


def worker_id() -> str:
    """This worker's id for django-tasks-db: `host:pid:start`, the same identity as an
    analysis records, so a task row can tell whether its worker still exists."""
    from peerlearn.knowledge.workers import this_worker

    host, pid, started = this_worker().rsplit(":", 2)
    room = WORKER_ID_MAX - len(pid) - len(started) - 2
    return f"{host[:room]}:{pid}:{started}"


def recover_abandoned_tasks() -> list[str]:
    """Task rows left Running by a worker that no longer exists are marked failed (the
    task page then says so, instead of Running forever). Rows of a worker elsewhere, or
    with an id from before this, are left alone: nothing can be asked about them."""
    from django.tasks import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from peerlearn.knowledge.workers import is_alive

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    gone = [
        str(row.pk)
        for row in running.only("id", "worker_ids")
        if row.worker_ids and not is_alive(str(row.worker_ids[-1]))
    ]
    if gone:
        DBTaskResult.objects.filter(pk__in=gone, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=STOPPED,
            traceback="The worker running this task stopped before it finished.",
        )
    return gone


def recover_abandoned_work() -> None:
    """What a worker does before it takes tasks: analyses left by a killed worker are
    failed and queued again (the knowledge map's recovery, otherwise a periodic job),
    and task rows it left Running are marked failed."""
    from peerlearn.knowledge.services import analysis_recover_abandoned

    recovered = analysis_recover_abandoned()
    if recovered:
        logger.warning(
            "analyses %s were left running by a stopped worker: marked failed, queued again",
            ", ".join(str(run.pk) for run in recovered),
        )
    tasks = recover_abandoned_tasks()
    if tasks:
        logger.warning("tasks %s were left running by a stopped worker: marked failed", tasks)


def run_worker(
    options: Sequence[str],
    *,
    keep_trying: bool = True,
    before_each_start: Callable[[], None] = lambda: None,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    while True:
        try:
            before_each_start()
            call_command("db_worker", *options)
            return  # --batch finished, or --max-tasks reached
        except DatabaseError as error:
            if not (keep_trying and _outage(error)):
                raise
            logger.error("the database is unavailable (%s); the worker waits for it", _brief(error))
        finally:
            # A connection the server dropped is useless: open a new one next time.
            connections.close_all()
        wait_for_database(sleep=sleep, clock=clock)


def _brief(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _database_answers() -> OperationalError | InterfaceError | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError) as error:
        return error
    finally:
        connections.close_all()
    return None


def wait_for_database(
    *, sleep: Sleep = time.sleep, clock: Callable[[], float] = time.monotonic
) -> None:
    """Return once the database answers, asking after 1, 2, 4 … up to RETRY_MAX_SECONDS."""
    pause = RETRY_FIRST_SECONDS
    down_since = clock()
    while True:
        sleep(pause)
        error = _database_answers()
        if error is None:
            logger.warning(
                "the database answers again after %.0f s; the worker goes on", clock() - down_since
            )
            return
        pause = min(pause * 2, RETRY_MAX_SECONDS)
        logger.warning(
            "the database is still unavailable after %.0f s (%s); next try in %.0f s",
            clock() - down_since,
            _brief(error),
            pause,
        )
