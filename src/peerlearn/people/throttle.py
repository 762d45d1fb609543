"""Login throttling, stored in the database so that every web process sees it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peerlearn.people.models import LoginFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def login_is_throttled(*, username: str, address: str | None) -> bool:
    """True when the account, or the address, has had too many recent failures."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    limit = settings.LOGIN_THROTTLE_LIMIT
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    # An address trying many accounts is refused too, at a higher limit.
    return address is not None and recent.filter(address=address).count() >= limit * 4


@transaction.atomic
def login_failure_record(*, username: str, address: str | None) -> None:
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.create(username=username.lower()[:150], address=address)


@transaction.atomic
def login_failures_clear(*, username: str, address: str | None) -> None:
    # Only the account's own failures: a success must not wipe out an address's record
    # of guessing at other accounts.
    LoginFailure.objects.filter(username=username.lower()).delete()
