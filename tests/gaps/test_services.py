"""The backlog's writes: create, vote, status, merge, offers, sessions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from peerlearn.gaps import services
from peerlearn.gaps.models import Gap, GapEvent, GapStatus, GapVote, TeachingOffer
from peerlearn.schedule.models import SessionStatus
from peerlearn.schedule.services import session_set_status
from tests.conftest import Cast
from tests.schedule.conftest import make_session

from .conftest import make_gap

pytestmark = pytest.mark.django_db


def test_a_gap_keeps_what_was_said_and_who_raised_it(cast: Cast) -> None:
    gap = make_gap(
        cast.platform,
        by=cast.bob,
        title="  Feature flags  ",
        description="We keep **breaking** prod.",
        source="retrospective",
        code_areas=["./src/flags/", "/api/flags.py", "src/flags/"],
    )
    assert gap.title == "Feature flags"
    assert gap.raised_by == cast.bob
    assert gap.status == GapStatus.OPEN
    assert gap.code_areas == ["src/flags/", "api/flags.py"]
    assert [e.kind for e in gap.events.all()] == ["created"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "Say in a few words"),
        ("title", "x" * 201, "At most 200"),
        ("title", "two\nlines", "one line"),
        ("code_areas", ["../etc/passwd"], "inside the repository"),
        ("source", "made-up", "Not a source"),
    ],
)
def test_bad_fields_are_refused_by_name(
    cast: Cast, field: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_gap(cast.platform, by=cast.bob, **{field: value})
    assert field in caught.value.message_dict
    assert message.lower() in " ".join(caught.value.message_dict[field]).lower()
    assert not Gap.objects.exists()


def test_only_people_of_the_team_raise_its_gaps(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="not in Platform"):
        make_gap(cast.platform, by=cast.charlie)
    make_gap(cast.platform, by=cast.olga)  # the organisation's admin may


def test_one_vote_per_person_and_it_can_be_taken_back(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    assert services.gap_vote(gap=gap, voter=cast.bob, vote=True) == 1
    assert services.gap_vote(gap=gap, voter=cast.bob, vote=True) == 1
    assert services.gap_vote(gap=gap, voter=cast.fiona, vote=True) == 2
    assert services.gap_vote(gap=gap, voter=cast.bob, vote=False) == 1
    gap.refresh_from_db()
    assert gap.vote_count == 1
    assert list(GapVote.objects.values_list("voter__username", flat=True)) == ["fiona"]


def test_outsiders_and_closed_gaps_get_no_votes(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    with pytest.raises(ValidationError):
        services.gap_vote(gap=gap, voter=cast.charlie, vote=True)
    services.gap_set_status(gap=gap, actor=cast.alice, status="dropped", reason="Not needed")
    with pytest.raises(ValidationError, match="closed"):
        services.gap_vote(gap=gap, voter=cast.bob, vote=True)
    assert not GapVote.objects.exists()


def test_status_moves_follow_the_lifecycle(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    with pytest.raises(ValidationError, match="reopen it first"):
        services.gap_set_status(gap=gap, actor=cast.alice, status="verified")
    with pytest.raises(ValidationError, match="why"):
        services.gap_set_status(gap=gap, actor=cast.alice, status="dropped")
    for status in ("planned", "covered", "verified", "open"):
        gap = services.gap_set_status(gap=gap, actor=cast.alice, status=status)
        assert gap.status == status
    gap = services.gap_set_status(
        gap=gap, actor=cast.alice, status="dropped", reason="Done elsewhere"
    )
    assert gap.dropped_reason == "Done elsewhere"
    texts = list(gap.events.values_list("text", flat=True))
    assert "open → dropped (Done elsewhere)." in texts


def test_merge_keeps_every_vote_once_and_the_history_of_both(cast: Cast) -> None:
    keep = make_gap(cast.platform, by=cast.alice, title="Kubernetes basics", code_areas=["k8s/"])
    dup = make_gap(cast.platform, by=cast.bob, title="k8s intro", code_areas=["deploy/"])
    services.gap_vote(gap=keep, voter=cast.alice, vote=True)
    services.gap_vote(gap=dup, voter=cast.alice, vote=True)  # voted on both: counts once
    services.gap_vote(gap=dup, voter=cast.bob, vote=True)
    services.gap_vote(gap=dup, voter=cast.fiona, vote=True)
    services.offer_create(
        team=cast.platform, person=cast.fiona, gap=dup, note="I ran it at my last job"
    )

    merged = services.gap_merge(duplicate=dup, into=keep, actor=cast.alice)

    assert merged.vote_count == 3
    assert set(GapVote.objects.filter(gap=keep).values_list("voter__username", flat=True)) == {
        "alice",
        "bob",
        "fiona",
    }
    assert TeachingOffer.objects.get().gap == keep
    assert merged.code_areas == ["k8s/", "deploy/"]
    dup.refresh_from_db()
    assert dup.status == GapStatus.DROPPED
    assert dup.merged_into == keep
    assert dup.events.filter(kind="created").exists()  # its own history stays with it
    assert GapEvent.objects.filter(gap=keep, kind="merged", text__contains=f"#{dup.pk}").exists()
    with pytest.raises(ValidationError, match="already merged"):
        services.gap_merge(duplicate=dup, into=keep, actor=cast.alice)


def test_merge_refuses_itself_and_other_teams(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    other = make_gap(cast.mobile, by=cast.charlie)
    with pytest.raises(ValidationError, match="itself"):
        services.gap_merge(duplicate=gap, into=gap, actor=cast.alice)
    with pytest.raises(ValidationError, match="same team"):
        services.gap_merge(duplicate=gap, into=other, actor=cast.olga)


def test_a_linked_session_plans_the_gap_and_covers_it_when_done(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    session = make_session(cast.platform)
    gap = services.gap_link_session(gap=gap, session=session, actor=cast.alice)
    assert gap.status == GapStatus.PLANNED
    session_set_status(session=session, status=SessionStatus.DONE, actor=cast.alice)
    gap.refresh_from_db()
    assert gap.status == GapStatus.COVERED
    assert gap.events.filter(kind="status", text="planned → covered.").exists()


def test_a_session_of_another_team_cannot_cover_a_gap(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    with pytest.raises(ValidationError, match="another team"):
        services.gap_link_session(gap=gap, session=make_session(cast.mobile), actor=cast.olga)


def test_unlinking_the_only_session_reopens_a_planned_gap(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    session = make_session(cast.platform)
    services.gap_link_session(gap=gap, session=session, actor=cast.alice)
    gap = services.gap_unlink_session(gap=gap, session=session, actor=cast.alice)
    assert gap.status == GapStatus.OPEN


def test_offers_are_one_per_person_per_gap_and_topics_need_a_name(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    first = services.offer_create(team=cast.platform, person=cast.bob, gap=gap, note="a")
    again = services.offer_create(team=cast.platform, person=cast.bob, gap=gap, note="b")
    assert first.pk == again.pk
    assert again.note == "b"
    with pytest.raises(ValidationError):
        services.offer_create(team=cast.platform, person=cast.bob, topic="  ")
    topic = services.offer_create(team=cast.platform, person=cast.bob, topic="Profiling Python")
    assert topic.gap is None
    assert topic.topic == "Profiling Python"
    with pytest.raises(ValidationError, match="whoever made"):
        services.offer_withdraw(offer=topic, person=cast.alice)
    services.offer_withdraw(offer=topic, person=cast.bob)
    assert TeachingOffer.objects.count() == 1


def test_an_anonymous_or_one_on_one_gap_cannot_name_its_raiser(cast: Cast) -> None:
    for source in ("anonymous", "one_on_one"):
        with pytest.raises(ValidationError, match="names nobody"):
            services.gap_create(team=cast.platform, raised_by=cast.bob, title="x", source=source)
    assert not Gap.objects.exists()
