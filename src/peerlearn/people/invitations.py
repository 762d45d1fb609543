"""Invitation e-mails: a new person chooses their own password through a one-time link.

The link carries Django's password-reset uid and token (`default_token_generator`), so
it stops working once the password is set and expires after PASSWORD_RESET_TIMEOUT; the
page it opens is `InvitationAcceptView`, Django's reset confirmation with a welcome.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from peerlearn.people.models import User


def set_password_url(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    path = reverse("people:invitation_accept", kwargs={"uidb64": uid, "token": token})
    return f"{settings.BASE_URL}{path}"


def invitation_send(*, person: User, invited_by: User | None = None) -> bool:
    """Mail the person a link to choose a password. False when there is nothing to do.

    Someone who has set a password already, or has no address, gets no mail: a queued
    invitation that runs late must not send a working reset link nobody asked for.
    """
    if not person.is_active or not person.email or person.has_usable_password():
        return False
    context = {
        "person": person,
        "invited_by": invited_by,
        "organisation": person.organisation,
        "url": set_password_url(person),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("people/email/invitation_subject.txt", context).strip()
    body = render_to_string("people/email/invitation_body.txt", context)
    EmailMessage(subject=subject, body=body, to=[person.email]).send()
    return True
