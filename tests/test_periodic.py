"""The worker's periodic jobs: enqueued once per interval, run by a real db_worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peerlearn.periodic import PeriodicScheduler, enqueue_due_jobs

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
REMINDERS = "peerlearn.schedule.tasks.send_due_reminders"
PRUNE = "peerlearn.web.tasks.prune_task_results"
SESSIONS = "peerlearn.web.tasks.prune_expired_sessions"
RECOVER = "peerlearn.knowledge.tasks.recover_abandoned_analyses"
SIGNALS = "peerlearn.gaps.tasks.refresh_all_signals"
DIGESTS = "peerlearn.capture.tasks.send_weekly_digests"
CHAT_REMINDERS = "peerlearn.chat.tasks.queue_chat_reminders"
CHAT_DELIVERY = "peerlearn.chat.tasks.deliver_chat_notifications"
ALL_JOBS = [REMINDERS, PRUNE, SESSIONS, RECOVER, SIGNALS, DIGESTS, CHAT_REMINDERS, CHAT_DELIVERY]


@override_settings(TASKS=DATABASE_TASKS)
def test_each_job_is_enqueued_once_per_interval() -> None:
    now = timezone.now()
    assert sorted(enqueue_due_jobs(now=now)) == sorted(ALL_JOBS)
    assert enqueue_due_jobs(now=now + dt.timedelta(minutes=1)) == []
    # Chat retries are due every 2 minutes, reminders after 10; pruning only after a day.
    assert enqueue_due_jobs(now=now + dt.timedelta(minutes=3)) == [CHAT_DELIVERY]
    assert sorted(enqueue_due_jobs(now=now + dt.timedelta(minutes=11))) == sorted(
        [CHAT_DELIVERY, RECOVER, REMINDERS]
    )
    assert DBTaskResult.objects.filter(task_path=REMINDERS).count() == 2


@override_settings(TASKS=DATABASE_TASKS)
def test_enqueued_jobs_run_successfully_in_the_worker() -> None:
    enqueue_due_jobs()
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    statuses = dict(DBTaskResult.objects.values_list("task_path", "status"))
    assert statuses == {
        REMINDERS: "SUCCESSFUL",
        PRUNE: "SUCCESSFUL",
        SESSIONS: "SUCCESSFUL",
        RECOVER: "SUCCESSFUL",
        SIGNALS: "SUCCESSFUL",
        DIGESTS: "SUCCESSFUL",
        CHAT_REMINDERS: "SUCCESSFUL",
        CHAT_DELIVERY: "SUCCESSFUL",
    }
    reminders = DBTaskResult.objects.get(task_path=REMINDERS)
    assert reminders.return_value == {"sent": 0, "skipped": 0, "failed": 0, "materialised": 0}


@override_settings(TASKS=DATABASE_TASKS)
def test_scheduler_thread_enqueues_at_start_and_stops_promptly() -> None:
    scheduler = PeriodicScheduler(poll_seconds=3600)
    scheduler.start()
    scheduler.stop()  # the first pass still runs; the hour-long wait ends at once
    scheduler.join(timeout=10)
    assert not scheduler.is_alive()
    assert DBTaskResult.objects.count() == len(ALL_JOBS)
