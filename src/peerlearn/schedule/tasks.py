"""Background tasks: thin wrappers that re-fetch by id and call the mail code.

Each task carries the SEQUENCE it was queued for; when a newer change has been saved
since, the task for that change sends the up-to-date version and this one stays quiet.
A person whose message cannot be made or sent is skipped and recorded (see mail.py),
so one bad address or row does not fail the task for everyone.
"""

from __future__ import annotations

from django.tasks import task

from peerlearn.schedule import mail
from peerlearn.schedule.models import Series, Session


@task()
def send_session_invitations(session_id: int, sequence: int) -> int:
    session = Session.objects.select_related("team", "series").filter(pk=session_id).first()
    if session is None or session.sequence != sequence:
        return 0
    return mail.session_invitations_send(session)


@task()
def send_series_invitations(series_id: int, sequence: int) -> int:
    series = Series.objects.filter(pk=series_id).only("sequence").first()
    if series is None or series.sequence != sequence:
        return 0
    return mail.series_invitations_send(series_id)


@task()
def send_due_reminders() -> dict[str, int]:
    """Enqueued by the worker's periodic scheduler (peerlearn.periodic) every few minutes."""
    from peerlearn.schedule.reminders import reminders_send_due

    run = reminders_send_due()
    return {
        "sent": run.sent,
        "skipped": run.skipped,
        "failed": run.failed,
        "materialised": run.materialised,
    }
