"""A person's own account: changing the password, and with it the other keys to it.

API tokens and calendar feed URLs work without the password, so a new password alone
does not shut out someone who learnt the old one and made themselves a token or copied
a feed link. The password form therefore offers (ticked by default) to revoke them too,
through the API's and the schedule's own services.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from peerlearn.api.services import api_tokens_revoke_all
from peerlearn.audit.services import audit_record
from peerlearn.people.models import User
from peerlearn.people.services import person_set_password
from peerlearn.schedule.feeds import calendar_feeds_revoke_all


@dataclass(frozen=True)
class CredentialsRevoked:
    api_tokens: int
    calendar_feeds: int


@transaction.atomic
def account_credentials_revoke(*, person: User, actor: User | None) -> CredentialsRevoked:
    """Revoke the person's working API tokens and end all their calendar feed URLs."""
    revoked = CredentialsRevoked(
        api_tokens=api_tokens_revoke_all(user=person, actor=actor),
        calendar_feeds=calendar_feeds_revoke_all(owner=person),
    )
    audit_record(
        actor=actor,
        organisation=person.organisation_id,
        action="account.credentials_revoked",
        target=person,
        details={"api_tokens": revoked.api_tokens, "calendar_feeds": revoked.calendar_feeds},
    )
    return revoked


@transaction.atomic
def account_password_change(
    *, person: User, password: str, revoke_credentials: bool, actor: User | None
) -> CredentialsRevoked | None:
    """Set a password the form has checked; with `revoke_credentials`, also revoke the
    person's API tokens and calendar feeds, all or nothing."""
    person_set_password(person=person, password=password)
    if not revoke_credentials:
        return None
    return account_credentials_revoke(person=person, actor=actor)
