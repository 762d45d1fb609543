"""Password-reset requests: limited, and the same work for every address.

A request only counts itself against its limits and queues a task; looking the address
up, making the token and sending the mail happen in the worker. So the answer takes
the same steps (and time) whether or not an account has the address, and a requester
cannot tell the two apart by waiting.

Limits: `PEERLEARN_PASSWORD_RESET_LIMIT` requests per e-mail address, known or not (so
the limit does not tell them apart either), and `PEERLEARN_PASSWORD_RESET_ADDRESS_LIMIT`
per client address, within `PEERLEARN_PASSWORD_RESET_WINDOW`.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from peerlearn.people.client_address import address_throttle_key
from peerlearn.people.throttle import (
    password_reset_account_rule,
    password_reset_address_rule,
    reserve_all,
)


def _email_key(email: str) -> str:
    # Accounts are found by the address ignoring case (PasswordResetForm.get_users).
    return f"email:{email.strip().casefold()}"


def password_reset_request(*, email: str, request: HttpRequest | None) -> bool:
    """Queue a reset mail for `email`; False (nothing queued) when over a limit."""
    reservations = [(password_reset_account_rule(), _email_key(email))]
    address = address_throttle_key(request)
    if address is not None:
        reservations.append((password_reset_address_rule(), address))
    if not reserve_all(reservations):
        return False
    from peerlearn.people.tasks import send_password_reset  # tasks import this module

    transaction.on_commit(partial(send_password_reset.enqueue, email=email))
    return True


def password_reset_send(*, email: str) -> int:
    """Mail a reset link to every active account with a password and this address.

    Returns how many were mailed (0 for an unknown address). Links point at
    PEERLEARN_BASE_URL, not at whatever host a request named.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    recipients = len(list(form.get_users(form.cleaned_data["email"])))
    if recipients:
        base = urlsplit(settings.BASE_URL)
        form.save(domain_override=base.netloc, use_https=base.scheme == "https")
    return recipients
