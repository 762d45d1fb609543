"""Background tasks of capture: thin, they call the digest code."""

from __future__ import annotations

from django.tasks import task


@task()
def send_weekly_digests() -> dict[str, int]:
    """Enqueued hourly by the worker's periodic scheduler (peerlearn.periodic)."""
    from peerlearn.capture.digest import digests_send_due

    run = digests_send_due()
    return {"sent": run.sent, "already": run.already, "failed": run.failed}
