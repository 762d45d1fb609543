"""Background work for people. Tasks are thin: ids in, re-fetch, call a service."""

from __future__ import annotations

from django.tasks import task

from peerlearn.people.invitations import invitation_send
from peerlearn.people.models import User
from peerlearn.people.password_reset import password_reset_send


@task()
def send_invitation(person_id: int, invited_by_id: int | None = None) -> bool:
    person = User.objects.select_related("organisation").filter(pk=person_id).first()
    if person is None:
        # Removed before the worker got to it: nobody to invite.
        return False
    invited_by = User.objects.filter(pk=invited_by_id).first() if invited_by_id else None
    return invitation_send(person=person, invited_by=invited_by)


@task()
def send_password_reset(email: str) -> int:
    """The reset mail of one request, known address or not (see people.password_reset)."""
    return password_reset_send(email=email)
