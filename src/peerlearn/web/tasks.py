"""Housekeeping tasks of the installation."""

from __future__ import annotations

from django.core.management import call_command
from django.tasks import task

# Successful results are only interesting for a while; failures stay longer for admins.
KEEP_SUCCESSFUL_DAYS = 14
KEEP_FAILED_DAYS = 90


@task()
def prune_task_results() -> None:
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=KEEP_SUCCESSFUL_DAYS,
        failed_min_age_days=KEEP_FAILED_DAYS,
        verbosity=0,
    )


@task()
def prune_expired_sessions() -> None:
    """Delete sessions past their expiry (they can no longer sign anybody in)."""
    call_command("clearsessions", verbosity=0)
