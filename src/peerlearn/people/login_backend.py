"""The sign-in throttle, inside authentication itself.

Every password sign-in calls `django.contrib.auth.authenticate` (the app's login form,
Django admin's, any future form or API that takes passwords), and authenticate asks this
backend. So the throttle is here, once, rather than in each form.

- **Keyed on the account the sign-in would match.** The sign-in form normalises the
  username (NFKC) before authenticating and Django matches it exactly; the throttle
  normalises the same way and looks the account up, counting against `person:<id>`.
  Look-alike spellings of one account (full-width letters, ligatures) therefore share
  one count, and a spelling that matches no account (other letter case: "BOB" is not
  bob) counts only against that spelling, so it cannot lock out the real account.
- **Counted before the password is checked** (`throttle.reserve_all`): an attempt takes
  its place under the account's and the address's limits atomically, so parallel
  attempts cannot all pass. A success gives its places back: the account's count is
  cleared, the address's reduced by this one attempt.
- **Per address too**, at a higher limit over a shorter window: an address guessing at
  many accounts is refused, but an office behind one shared address is not locked out
  for long by one person's mistakes. The address is the client's, behind trusted
  proxies (`people.client_address`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from peerlearn.people.client_address import address_throttle_key
from peerlearn.people.models import User
from peerlearn.people.throttle import (
    attempt_release,
    attempts_clear,
    login_account_rule,
    login_address_rule,
    reserve_all,
)

THROTTLED_MESSAGE = (
    "Too many failed sign-ins for this account or address. Wait a few minutes, "
    "or reset your password."
)
_THROTTLED_MARK = "_peerlearn_sign_in_throttled"


def login_account_key(username: str) -> str:
    """What the throttle counts a sign-in as: the account it would sign in to, if any."""
    normalised = User.normalize_username(username)
    pk = (
        User._default_manager.filter(**{User.USERNAME_FIELD: normalised})
        .values_list("pk", flat=True)
        .first()
    )
    return f"person:{pk}" if pk is not None else f"name:{normalised}"


def person_account_key(person: User) -> str:
    return f"person:{person.pk}"


@dataclass(frozen=True)
class SignInAttempt:
    account_key: str
    address_key: str | None


def sign_in_attempt_begin(*, username: str, request: HttpRequest | None) -> SignInAttempt | None:
    """Reserve the attempt under both limits; None when either refuses it."""
    attempt = SignInAttempt(login_account_key(username), address_throttle_key(request))
    reservations = [(login_account_rule(), attempt.account_key)]
    if attempt.address_key is not None:
        reservations.append((login_address_rule(), attempt.address_key))
    return attempt if reserve_all(reservations) else None


@transaction.atomic
def sign_in_attempt_succeeded(attempt: SignInAttempt) -> None:
    attempts_clear(login_account_rule(), attempt.account_key)
    if attempt.address_key is not None:
        # Only this attempt: the address's failures at other accounts still count.
        attempt_release(login_address_rule(), attempt.address_key)


def sign_in_failures_clear(*, person: User) -> None:
    """Lift the account's refusal, e.g. once its password was reset."""
    attempts_clear(login_account_rule(), person_account_key(person))


def sign_in_was_throttled(request: HttpRequest | None) -> bool:
    return bool(getattr(request, _THROTTLED_MARK, False))


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None  # not a password sign-in: nothing to throttle, nothing to check
        attempt = sign_in_attempt_begin(username=str(username), request=request)
        if attempt is None:
            if request is not None:
                setattr(request, _THROTTLED_MARK, True)
            # Stops authenticate() at once (no other backend is asked) and sends Django's
            # user_login_failed signal, as for a wrong password.
            raise PermissionDenied(THROTTLED_MESSAGE)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            sign_in_attempt_succeeded(attempt)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend's async path checks the password without calling authenticate();
        # it must not be a way around the throttle.
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
