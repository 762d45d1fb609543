"""Every write to API tokens goes through these functions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerlearn.api.models import ApiToken
from peerlearn.api.tokens import hash_token, new_token
from peerlearn.audit.services import audit_record
from peerlearn.people.models import User
from peerlearn.validation import check_single_line

# Recording every use would turn each API read into a write; a minute is precise enough
# to tell whether a token is still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its plaintext, which is never available again.

    `actor` (for the audit log) defaults to the token's owner, who makes their own.
    """
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry date must be in the future."})
    check_single_line(name, field="name")
    prefix, plaintext = new_token()
    while ApiToken.objects.filter(prefix=prefix).exists():  # 48 random bits: practically never
        prefix, plaintext = new_token()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_token(plaintext),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    _token_change_record(token=token, action="api_token.created", actor=actor or user)
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """Revoke the token for good. Revoking twice keeps the first revocation time.

    `actor` defaults to the token's owner.
    """
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _token_change_record(token=token, action="api_token.revoked", actor=actor or token.user)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, actor: User | None = None) -> int:
    """Revoke every token of the person that still works; returns how many."""
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    tokens = [token for token in active if not token.is_expired()]
    for token in tokens:
        token.user = user
        api_token_revoke(token=token, actor=actor)
    return len(tokens)


def _token_change_record(*, token: ApiToken, action: str, actor: User | None) -> None:
    # The token's name and public prefix only (its __str__); never the secret.
    audit_record(
        actor=actor,
        organisation=token.user.organisation_id,
        action=action,
        target=token,
        details={"owner": token.user_id},
    )


def api_token_record_use(*, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Note that the token was used; writes at most once per LAST_USED_RESOLUTION.

    Returns whether a write happened. The conditional UPDATE makes concurrent requests
    agree: only one of them moves the timestamp. Not wrapped in transaction.atomic like
    the other services: it is one statement, atomic on its own, and a savepoint on every
    API request would cost two round trips for nothing.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
    updated = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    if updated:
        token.last_used_at = now
    return bool(updated)
