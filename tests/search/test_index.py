"""The index follows every write: publishing, editing and removing pages, saving notes,
importing transcripts and removing recordings, deleting sessions; and a rebuild."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from peerlearn.capture import recording_services
from peerlearn.kb import services as kb_services
from peerlearn.search.models import SearchEntry
from peerlearn.search.selectors import search
from peerlearn.search.services import search_rebuild
from tests.conftest import Cast
from tests.search.conftest import import_transcript, publish, save_notes, session_of

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def _titles(cast: Cast, text: str) -> list[str]:
    return [hit.title for hit in search(query=text, team_ids=[cast.platform.pk]).hits]


def test_publishing_indexes_the_page_and_an_update_replaces_its_words(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona)
    publish(session, cast.fiona, title="Tracing", summary="Spans reach the collector.")
    assert _titles(cast, "collector") == ["Tracing"]
    publish(session, cast.fiona, title="Tracing again", summary="Sampling at the edge.")
    assert _titles(cast, "collector") == []
    assert _titles(cast, "sampling") == ["Tracing again"]
    assert SearchEntry.objects.filter(kind="page").count() == 1


def test_removing_a_page_removes_it_from_the_index(cast: Cast) -> None:
    page = publish(session_of(cast.platform, cast.fiona), cast.fiona, title="T", summary="Kafka")
    kb_services.kb_page_remove(page=page, actor=cast.fiona)
    assert _titles(cast, "kafka") == []
    assert not SearchEntry.objects.exists()


def test_saved_notes_are_found_by_their_new_words_only(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona, title="Retro")
    save_notes(session, cast.bob, "We talked about flaky integration tests.")
    assert _titles(cast, "flaky") == ["Notes: Retro"]
    save_notes(session, cast.bob, "We talked about the release train.")
    assert _titles(cast, "flaky") == []
    assert _titles(cast, "release train") == ["Notes: Retro"]


def test_a_transcript_is_indexed_replaced_and_removed_with_its_recording(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona, title="Canary talk")
    import_transcript(session, cast.fiona, cast.alice, cast.bob)
    assert _titles(cast, "canary promoting") == ["Transcript: Canary talk"]
    import_transcript(
        session, cast.fiona, text="WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFeature flags.\n"
    )
    assert _titles(cast, "promoting") == []
    assert _titles(cast, "flags") == ["Transcript: Canary talk"]
    assert SearchEntry.objects.filter(kind="transcript").count() == 1
    recording_services.recording_remove(session=session, actor=cast.fiona, reason="withdrawn")
    assert _titles(cast, "flags") == []


def test_a_failed_write_leaves_the_index_as_it_was(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona)
    publish(session, cast.fiona, title="Tracing", summary="Spans reach the collector.")

    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(session, cast.fiona, title="Other", summary="Sampling only.")
            raise RolledBack

    with pytest.raises(RolledBack):
        publish_then_fail()
    assert _titles(cast, "collector") == ["Tracing"]
    assert _titles(cast, "sampling") == []


def test_deleting_a_session_deletes_its_entries(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona)
    save_notes(session, cast.bob, "Terraform state locking.")
    session.delete()
    assert _titles(cast, "terraform") == []
    assert not SearchEntry.objects.exists()


def test_rebuild_indexes_everything_again(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona, title="Infra")
    publish(session, cast.fiona, title="Infra page", summary="Terraform modules.")
    save_notes(session, cast.bob, "Terraform state locking.")
    import_transcript(session, cast.fiona, cast.alice, cast.bob)
    SearchEntry.objects.all().delete()
    assert _titles(cast, "terraform") == []
    assert search_rebuild() == 3
    assert sorted(_titles(cast, "terraform")) == ["Infra page", "Notes: Infra"]
    assert _titles(cast, "canary") == ["Transcript: Infra"]
    assert search_rebuild(team=cast.platform) == 3
    call_command("search_rebuild", verbosity=0)
    assert SearchEntry.objects.count() == 3
    assert sorted(_titles(cast, "terraform")) == ["Infra page", "Notes: Infra"]
