"""Attempt counters for sign-ins and password resets, in the database so that every web
process shares them.

An attempt is *reserved* before the work it limits (checking a password, sending a
reset mail): one conditional UPDATE adds it only while the count is under the limit, so
parallel attempts cannot all pass a check made before any of them was recorded. The
database serialises the UPDATEs of one row (PostgreSQL: a row lock, re-checking the
condition; SQLite: one writer at a time), whatever the isolation of the caller.

Each counter covers a fixed window starting at its first attempt; an attempt after the
window starts a new one. A refusal therefore lasts at most one window after the first
counted attempt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from peerlearn.people.models import ThrottleCounter

_KEY_LENGTH = ThrottleCounter._meta.get_field("key").max_length or 200


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: dt.timedelta


def login_account_rule() -> Rule:
    return Rule(
        "login-account",
        settings.LOGIN_THROTTLE_LIMIT,
        dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS),
    )


def login_address_rule() -> Rule:
    return Rule(
        "login-address",
        settings.LOGIN_THROTTLE_ADDRESS_LIMIT,
        dt.timedelta(seconds=settings.LOGIN_THROTTLE_ADDRESS_WINDOW_SECONDS),
    )


def password_reset_account_rule() -> Rule:
    return Rule(
        "reset-account",
        settings.PASSWORD_RESET_THROTTLE_LIMIT,
        dt.timedelta(seconds=settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS),
    )


def password_reset_address_rule() -> Rule:
    return Rule(
        "reset-address",
        settings.PASSWORD_RESET_THROTTLE_ADDRESS_LIMIT,
        dt.timedelta(seconds=settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS),
    )


class _Refused(Exception):
    """Raised inside `reserve_all` to roll back the reservations already taken."""


def reserve_all(reservations: list[tuple[Rule, str]], *, now: dt.datetime | None = None) -> bool:
    """Count one attempt under every (rule, key), or under none: True if all were under
    their limits, False (and nothing counted) if any was not.

    Callers list the rules in the same order (account before address), so that two
    attempts never wait for each other's rows in opposite orders.
    """
    now = now or timezone.now()
    for rule in dict.fromkeys(rule for rule, _ in reservations):
        _prune(rule, now)
    try:
        with transaction.atomic():
            for rule, key in reservations:
                if not _reserve(rule, key[:_KEY_LENGTH], now):
                    raise _Refused
    except _Refused:
        return False
    return True


def attempt_reserve(rule: Rule, key: str, *, now: dt.datetime | None = None) -> bool:
    return reserve_all([(rule, key)], now=now)


def _reserve(rule: Rule, key: str, now: dt.datetime) -> bool:
    counter = ThrottleCounter.objects.filter(scope=rule.scope, key=key)
    expired = now - rule.window
    for _ in range(3):
        ThrottleCounter.objects.bulk_create(
            [ThrottleCounter(scope=rule.scope, key=key, window_started_at=now)],
            ignore_conflicts=True,
        )
        counter.filter(window_started_at__lte=expired).update(window_started_at=now, count=0)
        if counter.filter(count__lt=rule.limit).update(count=F("count") + 1):
            return True
        if counter.exists():
            return False
        # A parallel attempt pruned the row between our insert and update: again.
    return False


def _prune(rule: Rule, now: dt.datetime) -> None:
    """Delete counters of windows long over, so guessed names cannot fill the table.

    Before any reservation, in its own transaction, and skipping rows another attempt
    holds: a pruner that waited for a row while holding one could deadlock with it.
    """
    stale = ThrottleCounter.objects.filter(
        scope=rule.scope, window_started_at__lt=now - rule.window
    )
    with transaction.atomic():
        ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True)[:500])
        if ids:
            stale.filter(pk__in=ids).delete()


def attempt_release(rule: Rule, key: str) -> None:
    """Give back one reserved attempt (it turned out not to be a failure)."""
    ThrottleCounter.objects.filter(scope=rule.scope, key=key[:_KEY_LENGTH], count__gt=0).update(
        count=Greatest(F("count") - 1, 0)
    )


def attempts_clear(rule: Rule, key: str) -> None:
    ThrottleCounter.objects.filter(scope=rule.scope, key=key[:_KEY_LENGTH]).update(count=0)
