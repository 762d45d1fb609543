"""Search: what a viewer may read that matches what they typed, best first, each with a
highlighted snippet that is safe to put in a page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from peerlearn.engines.search.query import ParsedQuery, parse_query
from peerlearn.engines.search.snippets import Segment, highlight, snippet
from peerlearn.people.access import AnyUser
from peerlearn.people.models import Membership
from peerlearn.search import backends
from peerlearn.search.documents import kind_token, open_token, organisation_token, team_token
from peerlearn.search.models import EntryKind, SearchEntry

MAX_LIMIT = 50
MAX_OFFSET = 1000  # ranked results further down are not worth a database's time
KINDS = tuple(EntryKind.values)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    kind_label: str
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    team_id: int
    team_name: str
    session_id: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery
    hits: list[SearchHit]
    limit: int
    offset: int
    has_more: bool


def as_html(segments: Iterable[Segment]) -> SafeString:
    """Every segment escaped; the marked ones, escaped, inside <mark>."""
    parts = (
        f"<mark>{escape(segment.text)}</mark>" if segment.marked else str(escape(segment.text))
        for segment in segments
    )
    return mark_safe("".join(parts))  # noqa: S308  (every piece escaped just above)


def user_scopes(user: AnyUser) -> list[str]:
    """What `user` may read, as scope tokens: the teams they are in (all of their
    organisation's for its admins) and the pages opened to their organisation."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return []
    if user.is_org_admin:
        return [organisation_token(user.organisation_id)]
    teams = Membership.objects.filter(
        user=user, team__organisation_id=user.organisation_id
    ).values_list("team_id", flat=True)
    return [*(team_token(pk) for pk in teams), open_token(user.organisation_id)]


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def search(
    *,
    query: str,
    user: AnyUser | None = None,
    team_ids: Sequence[int] | None = None,
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Entries matching `query` that `user` may read, or of `team_ids` (which the caller
    checked the viewer may read, through people.access). Never raises on what was typed."""
    if (user is None) == (team_ids is None):
        raise TypeError("search() takes a user or team ids, not both")
    scopes = user_scopes(user) if user is not None else [team_token(pk) for pk in team_ids or ()]
    chosen = [kind for kind in KINDS if kinds and kind in kinds]
    limit, offset = _clamp(limit, 1, MAX_LIMIT), _clamp(offset, 0, MAX_OFFSET)
    parsed = parse_query(query)
    ids = backends.ranked_ids(
        parsed, scopes=scopes, kinds=[kind_token(k) for k in chosen], limit=limit + 1,
        offset=offset,
    )  # fmt: skip
    has_more = len(ids) > limit
    ids = ids[:limit]
    entries = SearchEntry.objects.filter(pk__in=ids).select_related("team")
    if team_ids is not None:
        entries = entries.filter(team_id__in=list(team_ids))  # the index said so; belt and braces
    found = {entry.pk: entry for entry in entries}
    words = parsed.highlight_words()
    labels = dict(EntryKind.choices)
    hits = [
        SearchHit(
            kind=entry.kind,
            kind_label=str(labels.get(entry.kind, entry.kind)),
            title=entry.title,
            title_html=as_html(highlight(entry.title, words)),
            snippet_html=as_html(snippet(entry.body, words)),
            url=entry.url,
            team_id=entry.team_id,
            team_name=entry.team.name,
            session_id=entry.session_id,
            updated_at=entry.updated_at,
        )
        for pk in ids
        if (entry := found.get(pk)) is not None
    ]
    return SearchResults(parsed, hits, limit, offset, has_more)
