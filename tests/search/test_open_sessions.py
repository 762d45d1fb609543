"""Notes and transcripts of a session open to the organisation are found by whoever may
read them (capture.access: anyone of the organisation), and stop being found the moment
the session is closed to the team again, whether the session or its series changed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Audience
from peerlearn.search.selectors import search
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_series
from tests.search.conftest import import_transcript, save_notes, session_of

pytestmark = pytest.mark.django_db


def _found(cast_user: object, query: str = "canary") -> set[str]:
    return {hit.title for hit in search(query=query, user=cast_user).hits}  # type: ignore[arg-type]


def test_an_open_sessions_notes_and_transcript_are_found_by_the_organisation(cast: Cast) -> None:
    session = services.session_update(
        session=session_of(cast.mobile, cast.charlie, title="Release train"),
        changes={"audience": Audience.ORGANISATION},
    )
    save_notes(session, cast.charlie, "The canary holds the release for ten minutes.")
    import_transcript(session, cast.charlie)
    expected = {"Notes: Release train", "Transcript: Release train"}
    assert _found(cast.bob) == expected  # bob is in another team of the organisation
    assert _found(cast.zed) == set()  # zed is of another organisation
    # What search offers, the page lets bob read.
    page = client_for(cast.bob).get(reverse("capture:session", args=[session.pk]))
    assert page.status_code == 200


def test_closing_the_session_to_the_team_hides_them_again(cast: Cast) -> None:
    session = services.session_update(
        session=session_of(cast.mobile, cast.charlie, title="Release train"),
        changes={"audience": Audience.ORGANISATION},
    )
    save_notes(session, cast.charlie, "The canary holds the release for ten minutes.")
    assert _found(cast.bob) == {"Notes: Release train"}

    services.session_update(session=session, changes={"audience": Audience.TEAM})
    assert _found(cast.bob) == set()
    assert _found(cast.charlie) == {"Notes: Release train"}  # the team still finds them
    page = client_for(cast.bob).get(reverse("capture:session", args=[session.pk]))
    assert page.status_code == 404


def test_opening_a_series_opens_its_coming_sessions_notes(cast: Cast) -> None:
    series = make_series(cast.mobile, by=cast.charlie, facilitator=cast.charlie)
    first = dt.datetime(2030, 3, 6, 12, tzinfo=ZoneInfo("Europe/Berlin"))
    session = series_services.occurrence_materialise(series=series, original_start=first)
    save_notes(session, cast.charlie, "Agenda: how the canary decides.")
    assert _found(cast.bob) == set()

    series_services.series_update(
        series=series, changes={"audience": Audience.ORGANISATION},
        facilitator=cast.charlie, co_facilitator=None,
        now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    assert _found(cast.bob) == {f"Notes: {session.title}"}
