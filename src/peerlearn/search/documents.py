"""What is searched of each kind of object: its title, text, link and scope tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from peerlearn.capture.models import SessionNotes, Transcript
from peerlearn.kb.models import KbPage
from peerlearn.schedule.models import Audience, Session
from peerlearn.search.models import EntryKind

Indexed = KbPage | SessionNotes | Transcript
TITLE_MAX = 300


@dataclass(frozen=True)
class Document:
    kind: str
    object_id: int
    team_id: int
    session_id: int
    title: str
    body: str
    url: str
    scope: str


def scope_tokens(*, team_id: int, organisation_id: int, kind: str, open_to_org: bool) -> str:
    tokens = [team_token(team_id), f"g{organisation_id}", kind_token(kind)]
    if open_to_org:
        tokens.append(open_token(organisation_id))
    return " ".join(tokens)


def team_token(team_id: int) -> str:
    return f"t{team_id}"


def organisation_token(organisation_id: int) -> str:
    return f"g{organisation_id}"


def open_token(organisation_id: int) -> str:
    return f"o{organisation_id}"


def kind_token(kind: str) -> str:
    return f"k{kind}"


def kind_of(obj: Indexed) -> str:
    if isinstance(obj, KbPage):
        return EntryKind.PAGE
    if isinstance(obj, SessionNotes):
        return EntryKind.NOTES
    return EntryKind.TRANSCRIPT


def _session(obj: Indexed) -> Session:
    session = obj.session
    assert isinstance(session, Session)
    return session


def _page_body(page: KbPage) -> str:
    parts = [page.summary, *page.takeaways, " ".join(f"#{tag}" for tag in page.tags)]
    parts += page.code_areas
    return "\n".join(part for part in parts if part)


def _transcript_body(transcript: Transcript) -> str:
    lines = []
    for cue in transcript.cues:
        speaker, text = str(cue[2] or ""), str(cue[3])
        lines.append(f"{speaker}: {text}" if speaker else text)
    return "\n".join(lines)


def document_of(obj: Indexed) -> Document:
    session = _session(obj)
    team = session.team
    kind = kind_of(obj)
    capture = reverse("capture:session", args=[session.pk])
    if isinstance(obj, KbPage):
        title, body, url = obj.title, _page_body(obj), reverse("kb:page", args=[obj.pk])
        # Pages the team opened to the organisation are found by anyone of it (kb.access).
        open_to_org = obj.open_to_organisation
    else:
        # Notes and transcripts are read by whoever may see the session (capture.access):
        # anyone of the organisation when the session is open to it. The schedule's
        # services call search_session_scopes_sync when a session's audience changes.
        open_to_org = session.audience == Audience.ORGANISATION
        if isinstance(obj, SessionNotes):
            title, body, url = f"Notes: {session.title}", obj.body, f"{capture}#notes-heading"
        else:
            title, body = f"Transcript: {session.title}", _transcript_body(obj)
            url = f"{capture}#transcript-heading"
    return Document(
        kind=kind,
        object_id=obj.pk,
        team_id=team.pk,
        session_id=session.pk,
        title=title[:TITLE_MAX],
        body=body,
        url=url,
        scope=scope_tokens(
            team_id=team.pk, organisation_id=team.organisation_id, kind=kind,
            open_to_org=open_to_org,
        ),
    )  # fmt: skip
