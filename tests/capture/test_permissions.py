"""Every capture view by every kind of visitor. Outsiders get 404, members lacking the
right 403, anonymous the login page; refused writes change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from peerlearn.capture import recording_services as rs
from peerlearn.capture import services
from peerlearn.capture.models import (
    ActionItem,
    NotesRevision,
    Recording,
    RecordingConsent,
    SessionNotes,
    Transcript,
)
from peerlearn.schedule.models import Audience
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

from .conftest import FIXTURES, everyone_consents, mp4_upload

pytestmark = pytest.mark.django_db

REFUSED = {"charlie": 404, "zed": 404, "anonymous": 302}
VIEW = {"olga": 200, "alice": 200, "fiona": 200, "bob": 200, **REFUSED}
FACILITATE = {"olga": 200, "alice": 200, "fiona": 200, "bob": 403, **REFUSED}
# The item is fiona's: she and the facilitators may change it, bob may not.
ITEM = FACILITATE
# A session open to the organisation: charlie (Mobile) reads and answers, writes nothing.
OPEN_READ = {**VIEW, "charlie": 200}
OPEN_WRITE = {**VIEW, "charlie": 403}


class World:
    def __init__(self, cast: Cast) -> None:
        self.session = make_session(cast.platform)
        self.open = make_session(cast.platform, title="Open", audience=Audience.ORGANISATION)
        everyone_consents(self.session, cast.alice, cast.fiona)
        rs.recording_attach_upload(session=self.session, actor=cast.alice, upload=mp4_upload())
        self.item = services.action_item_create(
            team=cast.platform, created_by=cast.alice, text="Runbook", owner=cast.fiona
        )
        self.closed = services.action_item_create(
            team=cast.platform, created_by=cast.alice, text="Old", owner=cast.fiona
        )
        services.action_item_close(item=self.closed, actor=cast.alice)
        self.team = cast.platform

    def arg(self, what: str) -> int:
        return {
            "session": self.session.pk,
            "open": self.open.pk,
            "item": self.item.pk,
            "closed": self.closed.pk,
            "team": self.team.pk,
        }[what]


def _transcript() -> dict[str, Any]:
    return {"file": (FIXTURES / "zoom.vtt").open("rb")}


Data = Callable[[World], dict[str, Any]]
CASES: list[tuple[str, str, str, Data, dict[str, int]]] = [
    ("session", "session", "get", lambda w: {}, VIEW),
    ("session", "open", "get", lambda w: {}, OPEN_READ),
    ("notes_save", "session", "post", lambda w: {"body": "New", "version": 0}, VIEW),
    ("notes_save", "open", "post", lambda w: {"body": "New", "version": 0}, OPEN_WRITE),
    ("item_create", "session", "post", lambda w: {"text": "Do"}, VIEW),
    ("consent", "session", "post", lambda w: {"consents": "no"}, VIEW),
    ("consent", "open", "post", lambda w: {"consents": "no"}, OPEN_READ),
    ("recording_download", "session", "get", lambda w: {}, VIEW),
    ("recording_remove", "session", "post", lambda w: {}, FACILITATE),
    ("recording_link", "session", "post", lambda w: {"url": "https://v.example/9"}, FACILITATE),
    ("recording_upload", "session", "post", lambda w: {"file": mp4_upload()}, FACILITATE),
    ("transcript_import", "session", "post", lambda w: _transcript(), FACILITATE),
    ("item_close", "item", "post", lambda w: {"status": "done"}, ITEM),
    ("item_reopen", "closed", "post", lambda w: {}, ITEM),
    ("item_edit", "item", "post", lambda w: {"text": "Runbook v2"}, ITEM),
    ("team_items", "team", "get", lambda w: {}, VIEW),
]


def snapshot() -> list[Any]:
    return [
        *SessionNotes.objects.values_list("pk", "version"),
        *NotesRevision.objects.values_list("pk"),
        *ActionItem.objects.values_list("pk", "text", "status"),
        *RecordingConsent.objects.values_list("pk", "consents"),
        *Recording.objects.values_list("pk", "url"),
        *Transcript.objects.values_list("pk"),
    ]


@pytest.mark.parametrize("who", ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous"])
@pytest.mark.parametrize(
    ("name", "arg", "method", "data", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES],
)
def test_permission_matrix(
    cast: Cast, who: str, name: str, arg: str, method: str, data: Data, expected: dict[str, int]
) -> None:
    world = World(cast)
    user = None if who == "anonymous" else getattr(cast, who)
    url = reverse(f"capture:{name}", args=[world.arg(arg)])
    before = snapshot()
    client = client_for(user)
    response = client.get(url, data(world)) if method == "get" else client.post(url, data(world))
    status = expected[who]
    if status == 200 and method == "post":
        assert response.status_code in (200, 302), (who, name)
        if name not in ("recording_link", "recording_upload"):  # one recording is there already
            assert snapshot() != before, (who, name, "an allowed write changed nothing")
        return
    assert response.status_code == status, (who, name, method, response.status_code)
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if method == "post":
        assert snapshot() == before  # refused: nothing changed
