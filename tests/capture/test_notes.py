"""Session notes: versions, conflicts that overwrite nothing, action items from lines."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerlearn.capture import services
from peerlearn.capture.models import ActionItem, NotesRevision, SessionNotes
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db


def test_saving_notes_keeps_every_version(cast: Cast) -> None:
    session = make_session(cast.platform)
    first = services.notes_save(session=session, author=cast.bob, body="# Tracing", base_version=0)
    second = services.notes_save(
        session=session, author=cast.alice, body="# Tracing\nSpans", base_version=1
    )
    assert (first.notes.version, second.notes.version) == (1, 2)
    notes = SessionNotes.objects.get(session=session)
    assert notes.body == "# Tracing\nSpans"
    assert notes.updated_by == cast.alice
    assert list(NotesRevision.objects.values_list("version", "body", "author")) == [
        (2, "# Tracing\nSpans", cast.alice.pk),
        (1, "# Tracing", cast.bob.pk),
    ]


def test_a_save_on_an_old_version_overwrites_nothing_and_returns_theirs(cast: Cast) -> None:
    session = make_session(cast.platform)
    services.notes_save(session=session, author=cast.bob, body="Bob's", base_version=0)
    with pytest.raises(services.NotesConflict) as conflict:
        services.notes_save(session=session, author=cast.alice, body="Alice's", base_version=0)
    assert conflict.value.theirs == "Bob's"
    assert conflict.value.version == 1
    assert conflict.value.by == "Bob"
    assert SessionNotes.objects.get(session=session).body == "Bob's"
    # Written again on the version she has now seen, hers wins, on purpose.
    services.notes_save(session=session, author=cast.alice, body="Both", base_version=1)
    assert SessionNotes.objects.get(session=session).body == "Both"


def test_the_page_shows_both_versions_on_a_conflict(cast: Cast) -> None:
    session = make_session(cast.platform)
    url = reverse("capture:notes_save", args=[session.pk])
    assert client_for(cast.bob).post(url, {"body": "Bob was here", "version": 0}).status_code == 302
    response = client_for(cast.alice).post(url, {"body": "Alice <b>too</b>", "version": 0})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Bob saved these notes while you were writing" in html
    assert "Bob was here" in html
    assert "Alice &lt;b&gt;too&lt;/b&gt;" in html  # hers, escaped, kept in the editor too
    assert 'name="version" value="1"' in html
    assert SessionNotes.objects.get(session=session).body == "Bob was here"


def test_task_lines_become_action_items_once(cast: Cast) -> None:
    session = make_session(cast.platform)
    body = (
        "# Notes\n"
        "- [ ] @bob write the tracing runbook (due 2030-03-20)\n"
        "- [ ] @Alice review sampling\n"
        "- [ ] @nobody ask the vendor\n"
        "- [ ] unowned thing\n"
        "```\n- [ ] @bob not an item, code\n```\n"
    )
    saved = services.notes_save(session=session, author=cast.alice, body=body, base_version=0)
    items = {item.text: item for item in ActionItem.objects.filter(session=session)}
    assert set(items) == {
        "write the tracing runbook",
        "review sampling",
        "ask the vendor",
        "unowned thing",
    }
    assert items["write the tracing runbook"].owner == cast.bob
    assert str(items["write the tracing runbook"].due) == "2030-03-20"
    assert items["review sampling"].owner == cast.alice  # @Alice: usernames fold case
    assert items["ask the vendor"].owner is None
    assert any("@nobody" in p and "line 4" in p for p in saved.problems)
    again = services.notes_save(
        session=session, author=cast.alice, body=body + "\nMore.", base_version=1
    )
    assert again.created == []
    assert ActionItem.objects.filter(session=session).count() == 4


def test_ticking_a_line_closes_its_item_and_deleting_it_keeps_the_item(cast: Cast) -> None:
    session = make_session(cast.platform)
    services.notes_save(session=session, author=cast.bob, body="- [ ] @bob ship it", base_version=0)
    saved = services.notes_save(
        session=session, author=cast.bob, body="- [x] @bob ship it", base_version=1
    )
    item = ActionItem.objects.get(session=session)
    assert saved.closed == [item]
    assert item.status == "done"
    assert item.closed_by == cast.bob
    services.notes_save(session=session, author=cast.bob, body="", base_version=2)
    assert ActionItem.objects.filter(pk=item.pk).exists()


def test_an_outsider_of_the_team_cannot_mention_their_way_into_ownership(cast: Cast) -> None:
    session = make_session(cast.platform)
    services.notes_save(
        session=session, author=cast.bob, body="- [ ] @charlie do it", base_version=0
    )
    assert ActionItem.objects.get(session=session).owner is None  # charlie is in Mobile


def test_notes_refuse_control_characters_and_too_much_text(cast: Cast) -> None:
    session = make_session(cast.platform)
    with pytest.raises(ValidationError):
        services.notes_save(session=session, author=cast.bob, body="a\x00b", base_version=0)
    with pytest.raises(ValidationError):
        services.notes_save(session=session, author=cast.bob, body="x" * 100_001, base_version=0)
    assert not SessionNotes.objects.filter(session=session, version__gt=0).exists()


def test_notes_render_sanitised_markdown(cast: Cast) -> None:
    session = make_session(cast.platform)
    body = (
        "## Spans\n<script>alert(1)</script>\n[x](javascript:alert(1))\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    services.notes_save(session=session, author=cast.bob, body=body, base_version=0)
    html = client_for(cast.bob).get(reverse("capture:session", args=[session.pk])).content.decode()
    notes = html[html.index('class="notes-body"') :]
    notes = notes[: notes.index("</div>")]
    assert "<h2>Spans</h2>" in notes
    assert "<table>" in notes
    assert "<script>" not in notes
    assert 'href="javascript' not in notes


def test_notes_with_a_diagram_load_mermaid_and_notes_without_do_not(cast: Cast) -> None:
    session = make_session(cast.platform)
    url = reverse("capture:session", args=[session.pk])
    services.notes_save(session=session, author=cast.bob, body="- [ ] tick", base_version=0)
    plain = client_for(cast.bob).get(url)
    assert "mermaid.min" not in plain.content.decode()
    assert "unsafe-inline" not in plain["Content-Security-Policy"]
    services.notes_save(
        session=session, author=cast.bob, body="```mermaid\ngraph TD; A-->B\n```", base_version=1
    )
    drawn = client_for(cast.bob).get(url)
    assert "vendor/mermaid/mermaid.min" in drawn.content.decode()
    assert "unsafe-inline" in drawn["Content-Security-Policy"]
