from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from peerlearn.schedule import services
from peerlearn.schedule.agenda import agenda_of, carried_over_action_items
from peerlearn.schedule.conflicts import session_conflicts
from peerlearn.schedule.models import Attendance, Rsvp, Session, SessionRole, SessionStatus
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_session

pytestmark = pytest.mark.django_db


def test_session_create_stores_aware_times_and_facilitators(cast: Cast) -> None:
    session = make_session(cast.platform, by=cast.fiona, facilitator=cast.fiona)
    session.refresh_from_db()
    assert session.starts_at == berlin(2030, 3, 6, 12)
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=45)
    assert session.uid.endswith("@peerlearn")
    assert session.sequence == 0
    roles = list(session.roles.values_list("person__username", "role"))
    assert roles == [("fiona", SessionRole.FACILITATOR)]


def test_session_duration_outside_format_range_names_the_range(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(cast.platform, format="deep_dive", duration_minutes=45)
    assert caught.value.message_dict["duration_minutes"] == [
        "Focused Deep Dive lasts 90\u2013120 minutes; 45 is outside it"
    ]
    assert not Session.objects.exists()


def test_session_whiteboard_link_must_be_https(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(cast.platform, whiteboard_link="http://excalidraw.com/x")
    assert "https://" in caught.value.message_dict["whiteboard_link"][0]
    assert not Session.objects.exists()


def test_code_review_needs_a_change_link(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(cast.platform, format="code_review_twist", duration_minutes=60)
    assert "needs a link to a real change" in caught.value.message_dict["change_link"][0]


def test_facilitator_from_another_team_is_refused_and_nothing_saved(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Not in Platform: Charlie"):
        make_session(cast.platform, facilitator=cast.charlie)
    assert not Session.objects.exists()
    assert not SessionRole.objects.exists()


def test_session_update_bumps_sequence_only_for_visible_changes(cast: Cast) -> None:
    session = make_session(cast.platform, facilitator=cast.fiona)
    uid = session.uid
    same = services.session_update(session=session, changes={"title": session.title})
    assert same.sequence == 0
    moved = services.session_update(session=session, changes={"starts_at": berlin(2030, 3, 6, 14)})
    assert moved.sequence == 1
    assert moved.uid == uid
    assert moved.ends_at == berlin(2030, 3, 6, 14, 45)
    again = services.session_update(
        session=moved, changes={}, facilitator=cast.alice, set_facilitators=True
    )
    assert again.sequence == 2


def test_session_update_that_fails_changes_nothing(cast: Cast) -> None:
    session = make_session(cast.platform)
    with pytest.raises(ValidationError):
        services.session_update(session=session, changes={"title": "New", "duration_minutes": 200})
    session.refresh_from_db()
    assert session.title == "Intro to tracing"
    assert session.duration_minutes == 45
    assert session.sequence == 0


def test_status_moves_follow_the_lifecycle(cast: Cast) -> None:
    session = make_session(cast.platform, status=SessionStatus.PROPOSED)
    session = services.session_set_status(session=session, status=SessionStatus.SCHEDULED)
    session = services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    assert session.sequence == 2
    session = services.session_set_status(session=session, status=SessionStatus.SCHEDULED)
    services.session_set_status(session=session, status=SessionStatus.DONE)
    with pytest.raises(ValidationError, match="A done session cannot become cancelled"):
        services.session_set_status(session=session, status=SessionStatus.CANCELLED)


def test_format_roles_respect_the_format(cast: Cast) -> None:
    session = make_session(
        cast.platform, format="pairing", duration_minutes=60, facilitator=cast.fiona
    )
    services.session_set_format_roles(
        session=session, people_by_role={"expert": [cast.fiona], "learner": [cast.bob]}
    )
    assert set(session.roles.values_list("role", "person__username")) == {
        ("facilitator", "fiona"),
        ("expert", "fiona"),
        ("learner", "bob"),
    }
    with pytest.raises(ValidationError, match="allows at most 1 learner"):
        services.session_set_format_roles(
            session=session, people_by_role={"learner": [cast.bob, cast.alice]}
        )
    with pytest.raises(ValidationError, match="has no role 'author'"):
        services.session_set_format_roles(session=session, people_by_role={"author": [cast.bob]})
    assert session.roles.filter(role="learner").count() == 1


def test_rsvp_is_one_answer_per_person(cast: Cast) -> None:
    session = make_session(cast.platform)
    services.rsvp_set(session=session, person=cast.bob, answer="going")
    services.rsvp_set(session=session, person=cast.bob, answer="maybe")
    assert list(Rsvp.objects.values_list("person__username", "answer")) == [("bob", "maybe")]
    with pytest.raises(ValidationError, match="not an answer"):
        services.rsvp_set(session=session, person=cast.bob, answer="yes please")


def test_rsvp_to_cancelled_session_is_refused(cast: Cast) -> None:
    session = make_session(cast.platform)
    services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.rsvp_set(session=session, person=cast.bob, answer="going")


def test_attendance_after_start_marks_done_and_replaces(cast: Cast) -> None:
    session = make_session(cast.platform)
    before = berlin(2030, 3, 6, 11)
    with pytest.raises(ValidationError, match="once the session has started"):
        services.attendance_record(
            session=session, attendees=[cast.bob], recorded_by=cast.fiona, now=before
        )
    after = berlin(2030, 3, 6, 13)
    services.attendance_record(
        session=session, attendees=[cast.bob, cast.alice], recorded_by=cast.fiona, now=after
    )
    services.attendance_record(
        session=session, attendees=[cast.bob], recorded_by=cast.fiona, now=after
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE
    assert list(Attendance.objects.values_list("person__username", flat=True)) == ["bob"]
    with pytest.raises(ValidationError, match="Not in the team and no RSVP: Charlie"):
        services.attendance_record(
            session=session, attendees=[cast.charlie], recorded_by=cast.fiona, now=after
        )


def test_overlapping_sessions_of_one_facilitator_are_flagged_by_name(cast: Cast) -> None:
    first = make_session(cast.platform, title="Tracing", facilitator=cast.fiona)
    second = make_session(
        cast.platform,
        title="Profiling",
        starts_at=berlin(2030, 3, 6, 12, 30),
        facilitator=cast.fiona,
    )
    messages = [c.message for c in session_conflicts(second)]
    assert len(messages) == 1
    assert "Fiona also facilitates “Tracing”" in messages[0]
    assert [c.other.title for c in session_conflicts(first)] == ["Profiling"]
    services.session_set_status(session=first, status=SessionStatus.CANCELLED)
    assert session_conflicts(second) == []


def test_agenda_follows_format_and_has_carry_over_hook(cast: Cast) -> None:
    session = make_session(cast.platform, format="deep_dive", duration_minutes=120)
    agenda = agenda_of(session)
    assert sum(item.minutes for item in agenda.items) == 120
    assert agenda.checklist[0].startswith("Facilitator: share the preparation reading")
    assert carried_over_action_items(session) == []
