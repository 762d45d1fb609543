"""The `peerlearn worker` loop: django-tasks-db's worker, kept running through outages.

The database worker ends on the first error its database raises (the server restarted,
a failover, the network gone). A service manager would restart it, but none may be
there, so the worker waits and tries again instead: it logs the error once per outage,
then polls with a growing pause (up to RETRY_MAX_SECONDS) until the database answers.
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
# A worker that ran this long before failing had a working database: start over at
# the first pause rather than at the long pause of a previous outage.
HEALTHY_SECONDS = 60.0

Sleep = Callable[[float], None]


def _outage(error: BaseException) -> bool:
    """Whether the error means the database cannot be reached (not a bug in a task)."""
    return isinstance(error, OperationalError | InterfaceError)


def recover_abandoned_work() -> None:
    """What a worker does before it takes tasks: runs left by a killed worker are failed
    and queued again now (the knowledge map's recovery, otherwise a periodic job)."""
    from peerlearn.knowledge.services import analysis_recover_abandoned

    recovered = analysis_recover_abandoned()
    if recovered:
        logger.warning(
            "analyses %s were left running by a stopped worker: marked failed, queued again",
            ", ".join(str(run.pk) for run in recovered),
        )


def run_worker(
    options: Sequence[str],
    *,
    keep_trying: bool = True,
    before_each_start: Callable[[], None] = lambda: None,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    pause = RETRY_FIRST_SECONDS
    down_since: float | None = None
    while True:
        started = clock()
        try:
            before_each_start()
            call_command("db_worker", *options)
            return  # --batch finished, or --max-tasks reached
        except DatabaseError as error:
            if not (keep_trying and _outage(error)):
                raise
            if clock() - started > HEALTHY_SECONDS:
                pause = RETRY_FIRST_SECONDS
            if down_since is None or pause == RETRY_FIRST_SECONDS:
                down_since = clock()
                logger.error("the database is unavailable (%s); the worker keeps trying", error)
            else:
                logger.warning(
                    "the database is still unavailable after %.0f s; retrying in %.0f s",
                    clock() - down_since,
                    pause,
                )
        finally:
            # A connection the server dropped is useless: open a new one next time.
            connections.close_all()
        sleep(pause)
        pause = min(pause * 2, RETRY_MAX_SECONDS)
