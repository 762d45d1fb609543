"""Periodic jobs, enqueued by every `peerlearn worker` as ordinary tasks.

Enqueuing (rather than running inline) means a failed run is recorded with its error
in the task log that admins see. Each job is enqueued when no run of it was enqueued
within its interval; two workers racing may both enqueue once, which is harmless
because every job is idempotent (reminders are claimed one by one before sending).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    task: Any  # a django.tasks Task taking no arguments
    every: dt.timedelta


def periodic_jobs() -> tuple[PeriodicJob, ...]:
    from peerlearn.capture.tasks import send_weekly_digests
    from peerlearn.chat.tasks import deliver_chat_notifications, queue_chat_reminders
    from peerlearn.gaps.tasks import refresh_all_signals
    from peerlearn.knowledge.tasks import recover_abandoned_analyses
    from peerlearn.schedule.tasks import send_due_reminders
    from peerlearn.web.tasks import prune_expired_sessions, prune_task_results

    return (
        PeriodicJob(send_due_reminders, dt.timedelta(minutes=10)),
        PeriodicJob(prune_task_results, dt.timedelta(days=1)),
        PeriodicJob(prune_expired_sessions, dt.timedelta(days=1)),
        PeriodicJob(recover_abandoned_analyses, dt.timedelta(minutes=10)),
        PeriodicJob(refresh_all_signals, dt.timedelta(hours=6)),
        PeriodicJob(send_weekly_digests, dt.timedelta(hours=1)),
        PeriodicJob(queue_chat_reminders, dt.timedelta(hours=1)),
        PeriodicJob(deliver_chat_notifications, dt.timedelta(minutes=2)),  # retries
    )


def enqueue_due_jobs(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose last run was enqueued longer ago than its interval."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in periodic_jobs():
        path = job.task.module_path
        recent = DBTaskResult.objects.filter(task_path=path, enqueued_at__gt=now - job.every)
        if not recent.exists():
            job.task.enqueue()
            enqueued.append(path)
    return enqueued


class PeriodicScheduler(threading.Thread):
    """A daemon thread beside the worker loop that enqueues due jobs once a minute."""

    def __init__(self, poll_seconds: float = 60.0) -> None:
        super().__init__(name="peerlearn-periodic", daemon=True)
        self.poll_seconds = poll_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                enqueue_due_jobs()
            except Exception:
                # Keep going: a database hiccup must not end reminders for good.
                logger.exception("periodic jobs could not be enqueued")
            finally:
                close_old_connections()
            if self.stopped.wait(self.poll_seconds):
                return

    def stop(self) -> None:
        self.stopped.set()
