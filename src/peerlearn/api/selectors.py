"""Reads of API tokens, and the access choke point for a token id that came from a user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from peerlearn.api.models import ApiToken
from peerlearn.api.tokens import hash_matches, parse_token
from peerlearn.people.models import User


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def get_api_token_for_user(user: User, token_id: object) -> ApiToken:
    """A person reaches only their own tokens; anyone else's is 404, as if it did not exist."""
    try:
        pk = int(str(token_id))
    except ValueError:
        raise Http404("No such token.") from None
    token = api_tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    return token


def api_token_from_secret(raw: str) -> ApiToken | None:
    """The usable token matching a presented plaintext, with its user, or None.

    Refuses unknown, malformed, revoked and expired tokens and tokens of inactive people.
    The organisation comes along in the same join: /api/me reports it.
    """
    parsed = parse_token(raw)
    if parsed is None:
        return None
    token = (
        ApiToken.objects.select_related("user__organisation").filter(prefix=parsed.prefix).first()
    )
    if token is None or not hash_matches(parsed.full, token.secret_hash):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    return token
