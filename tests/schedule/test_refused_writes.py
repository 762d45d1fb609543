"""A write the services refuse leaves every schedule table as it was.

Each case makes a change that touches several rows (a session and its roles, a series
and its materialised dates, an occurrence row and the change to it) and fails part
way: the transaction takes all of it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Frequency, SessionRole
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_series, make_session
from tests.schedule.tables import snapshot

pytestmark = pytest.mark.django_db

WEDNESDAY = berlin(2030, 3, 6)


def refused(write: Callable[[], Any]) -> None:
    before = snapshot()
    with pytest.raises(ValidationError):
        write()
    assert snapshot() == before


def test_a_session_with_an_outsider_as_co_facilitator_is_not_half_made(cast: Cast) -> None:
    refused(lambda: make_session(cast.platform, facilitator=cast.fiona, co_facilitator=cast.zed))


def test_an_edit_with_an_outsider_keeps_the_title_and_the_facilitators(cast: Cast) -> None:
    session = make_session(cast.platform, facilitator=cast.fiona, co_facilitator=cast.bob)
    refused(
        lambda: services.session_update(
            session=session,
            changes={"title": "Renamed"},
            facilitator=cast.alice,
            co_facilitator=cast.charlie,
            set_facilitators=True,
        )
    )


def test_roles_with_too_many_presenters_keep_the_roles_there_were(cast: Cast) -> None:
    session = make_session(cast.platform, facilitator=cast.fiona)
    services.session_set_format_roles(session=session, people_by_role={"presenter": [cast.bob]})
    refused(
        lambda: services.session_set_format_roles(
            session=session, people_by_role={"presenter": [cast.alice, cast.fiona]}
        )
    )
    refused(
        lambda: services.session_set_format_roles(
            session=session, people_by_role={"attendee": [cast.alice, cast.zed]}
        )
    )
    assert list(session.roles.values_list("role", flat=True)) == [
        SessionRole.FACILITATOR,
        "presenter",
    ]


def test_attendance_with_a_stranger_keeps_the_attendance_and_the_status(cast: Cast) -> None:
    session = make_session(cast.platform, starts_at=berlin(2026, 1, 7))
    refused(
        lambda: services.attendance_record(
            session=session, attendees=[cast.bob, cast.zed], recorded_by=cast.fiona
        )
    )


def test_a_rule_change_with_an_outsider_keeps_every_date(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    series_services.occurrence_move(
        series=series, original_start=WEDNESDAY, starts_at=berlin(2030, 3, 7)
    )
    series_services.occurrence_rsvp_set(
        series=series, original_start=berlin(2030, 3, 13), person=cast.bob, answer="going"
    )
    refused(
        lambda: series_services.series_update(
            series=series,
            changes={"weekday": 3, "title": "Thursdays"},
            facilitator=cast.zed,
            co_facilitator=None,
        )
    )


def test_a_rule_the_engine_refuses_keeps_every_date(cast: Cast) -> None:
    series = make_series(cast.platform)
    series_services.occurrence_cancel(series=series, original_start=WEDNESDAY)
    refused(
        lambda: series_services.series_update(
            series=series,
            changes={"frequency": Frequency.MONTHLY, "week_of_month": None},
            facilitator=None,
            co_facilitator=None,
        )
    )


def test_making_an_ended_series_the_protected_slot_changes_nothing_else(cast: Cast) -> None:
    series = make_series(cast.platform)
    series_services.series_cancel(series=series)
    refused(
        lambda: series_services.series_update(
            series=series,
            changes={"title": "Renamed"},
            facilitator=cast.fiona,
            co_facilitator=None,
            is_protected_slot=True,
        )
    )


def test_a_new_protected_slot_that_is_refused_keeps_the_old_one(cast: Cast) -> None:
    make_series(cast.platform, is_protected_slot=True)
    refused(lambda: make_series(cast.platform, title="Bad\ntitle", is_protected_slot=True))


@pytest.mark.parametrize(
    "write",
    [
        lambda s, cast: series_services.occurrence_move(
            series=s, original_start=WEDNESDAY, starts_at=berlin(2030, 3, 31, 2, 30)
        ),
        lambda s, cast: series_services.occurrence_move(
            series=s, original_start=WEDNESDAY, starts_at=dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
        ),
        lambda s, cast: series_services.occurrence_facilitator_set(
            series=s, original_start=WEDNESDAY, facilitator=cast.zed
        ),
        lambda s, cast: series_services.occurrence_rsvp_set(
            series=s, original_start=WEDNESDAY, person=cast.bob, answer="yes please"
        ),
    ],
    ids=["dst-gap", "year-9999", "outsider", "no-answer"],
)
def test_a_refused_change_to_one_date_leaves_no_row(
    cast: Cast, write: Callable[[Any, Cast], Any]
) -> None:
    series = make_series(cast.platform)
    refused(lambda: write(series, cast))
