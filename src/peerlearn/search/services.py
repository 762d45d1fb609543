"""Every write to the search index. The services that write pages, notes and
transcripts call these inside their own transaction, so what is found is what is stored:
a rolled-back write leaves the index as it was."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from peerlearn.capture.models import SessionNotes, Transcript
from peerlearn.kb.models import KbPage
from peerlearn.people.models import Team
from peerlearn.search import index_sql
from peerlearn.search.documents import Document, Indexed, document_of, kind_of
from peerlearn.search.models import EntryKind, SearchEntry

_BATCH = 500


def _fields(document: Document) -> dict[str, object]:
    return {
        "team_id": document.team_id,
        "session_id": document.session_id,
        "title": document.title,
        "body": document.body,
        "url": document.url,
        "scope": document.scope,
        "updated_at": timezone.now(),
    }


@transaction.atomic
def search_entry_upsert(*, obj: Indexed) -> SearchEntry:
    """Index (or index again) a knowledge-base page, a session's notes or a transcript."""
    document = document_of(obj)
    # One of each kind per session: a transcript imported again is a new object, and the
    # entry of the one it replaced goes.
    SearchEntry.objects.filter(kind=document.kind, session_id=document.session_id).exclude(
        object_id=document.object_id
    ).delete()
    entry, _created = SearchEntry.objects.update_or_create(
        kind=document.kind, object_id=document.object_id, defaults=_fields(document)
    )
    return entry


@transaction.atomic
def search_entry_remove(*, obj: Indexed) -> None:
    """Forget an object that is being deleted (call before or after its delete)."""
    SearchEntry.objects.filter(kind=kind_of(obj), object_id=obj.pk).delete()


@transaction.atomic
def search_session_scopes_sync(*, session_ids: Iterable[int]) -> int:
    """Who may find the notes and transcripts of these sessions follows who may see the
    sessions: call after a session's audience changed. The number of entries rewritten."""
    ids = list(session_ids)
    if not ids:
        return 0
    written = 0
    objects: list[Indexed] = [
        *SessionNotes.objects.filter(session_id__in=ids).select_related("session__team"),
        *Transcript.objects.filter(session_id__in=ids).select_related("session__team"),
    ]
    for obj in objects:
        document = document_of(obj)
        written += SearchEntry.objects.filter(kind=document.kind, object_id=obj.pk).update(
            scope=document.scope
        )
    return written


def _everything(team: Team | None) -> Iterator[Indexed]:
    scoped = {"team": team} if team is not None else {}
    session_scoped = {"session__team": team} if team is not None else {}
    yield from KbPage.objects.filter(**scoped).select_related("session__team").iterator(_BATCH)
    yield from (
        SessionNotes.objects.filter(**session_scoped)
        .exclude(body="")
        .select_related("session__team")
        .iterator(_BATCH)
    )
    yield from (
        Transcript.objects.filter(**session_scoped).select_related("session__team").iterator(_BATCH)
    )


@transaction.atomic
def search_rebuild(*, team: Team | None = None) -> int:
    """Index every page, notes and transcript again from scratch (one team, or all);
    the number of entries written."""
    entries = SearchEntry.objects.filter(team=team) if team is not None else SearchEntry.objects
    if team is None and connection.vendor == "sqlite":
        # Emptied in one step rather than row by row through the delete trigger.
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS search_index_delete")
            table = index_sql.FTS_TABLE
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # noqa: S608
            SearchEntry.objects.all()._raw_delete(SearchEntry.objects.db)
            cursor.execute(index_sql.SQLITE_CREATE[2])
    else:
        entries.all().delete()
    written = 0
    batch: list[SearchEntry] = []
    for obj in _everything(team):
        document = document_of(obj)
        batch.append(
            SearchEntry(kind=document.kind, object_id=document.object_id, **_fields(document))
        )
        if len(batch) >= _BATCH:
            SearchEntry.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    SearchEntry.objects.bulk_create(batch)
    return written + len(batch)


__all__ = [
    "EntryKind",
    "search_entry_remove",
    "search_entry_upsert",
    "search_rebuild",
    "search_session_scopes_sync",
]
