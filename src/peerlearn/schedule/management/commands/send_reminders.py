"""`peerlearn manage send_reminders`: e-mail tomorrow's sessions' reminders, once each.

Every `peerlearn worker` already enqueues this job every 10 minutes (peerlearn.periodic);
the command is for running it by hand or from cron. Safe to
run on several machines at once: each reminder is claimed before it is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from peerlearn.schedule.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Send reminder e-mails for sessions starting in the next 24 hours (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = reminders_send_due()
        self.stdout.write(
            f"reminders sent: {run.sent}, already sent: {run.skipped}, "
            f"occurrences prepared: {run.materialised}"
        )
