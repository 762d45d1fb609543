"""The backlog's pages as people use them: content, order, votes, Markdown, sessions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerlearn.gaps import services
from peerlearn.gaps.models import Gap, GapStatus
from peerlearn.schedule.models import Session
from tests.conftest import Cast, client_for

from .conftest import make_gap

pytestmark = pytest.mark.django_db


def test_backlog_lists_open_gaps_by_priority_with_votes(cast: Cast) -> None:
    quiet = make_gap(cast.platform, by=cast.bob, title="Quiet one")
    loud = make_gap(cast.platform, by=cast.bob, title="Loud one", source="post_mortem")
    services.gap_vote(gap=loud, voter=cast.alice, vote=True)
    dropped = make_gap(cast.platform, by=cast.bob, title="Gone one")
    services.gap_set_status(gap=dropped, actor=cast.alice, status="dropped", reason="no")

    page = client_for(cast.bob).get(reverse("gaps:backlog", args=[cast.platform.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Loud one") < html.index("Quiet one")
    assert "Gone one" not in html
    assert f'action="{reverse("gaps:gap_vote", args=[quiet.pk])}"' in html
    dropped_page = client_for(cast.bob).get(
        reverse("gaps:backlog", args=[cast.platform.pk]), {"show": "dropped"}
    )
    assert "Gone one" in dropped_page.content.decode()


def test_adding_a_gap_from_the_form_records_who_raised_it(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("gaps:gap_create", args=[cast.platform.pk]),
        {
            "title": "gRPC streaming",
            "description": "",
            "source": "retrospective",
            "code_areas": "api/\nproto/",
        },
    )
    gap = Gap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == gap.get_absolute_url()
    assert (gap.raised_by, gap.source, gap.code_areas) == (
        cast.bob,
        "retrospective",
        ["api/", "proto/"],
    )


def test_a_refused_form_says_which_field_and_stores_nothing(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("gaps:gap_create", args=[cast.platform.pk]),
        {"title": "", "source": "other", "code_areas": "../../etc"},
    )
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Gap.objects.exists()


def test_description_markdown_is_rendered_and_sanitised(cast: Cast) -> None:
    gap = make_gap(
        cast.platform,
        by=cast.bob,
        description=(
            "**bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n| a |\n|---|\n| 1 |"
        ),
    )
    html = client_for(cast.bob).get(gap.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<td>1</td>" in html


def test_vote_button_works_with_htmx_and_without(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    url = reverse("gaps:gap_vote", args=[gap.pk])
    client = client_for(cast.bob)
    partial = client.post(url, {"vote": "1"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert 'aria-pressed="true"' in partial.content.decode()
    assert '<span class="vote-count">1</span>' in partial.content.decode()
    back = client.post(url, {"vote": "0", "next": "backlog"})
    assert back.status_code == 302
    assert back["Location"].endswith(f"/teams/{cast.platform.pk}/gaps/")
    gap.refresh_from_db()
    assert gap.vote_count == 0


def test_planning_a_session_from_a_gap_links_it(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.bob, title="Tracing", description="Why spans vanish")
    url = reverse("schedule:session_create", args=[cast.platform.pk])
    client = client_for(cast.alice)
    form = client.get(url, {"gap": gap.pk}).content.decode()
    assert 'value="Tracing"' in form
    assert f'name="gap" value="{gap.pk}"' in form
    response = client.post(
        url,
        {
            "gap": gap.pk,
            "title": "Tracing",
            "format": "lunch_and_learn",
            "status": "scheduled",
            "date": "2030-03-06",
            "start_time": "12:00",
            "time_zone": "Europe/Berlin",
            "duration_minutes": "45",
            "audience": "team",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get()
    gap.refresh_from_db()
    assert gap.status == GapStatus.PLANNED
    assert list(gap.sessions.all()) == [session]
    detail = client.get(session.get_absolute_url()).content.decode()
    assert gap.get_absolute_url() in detail


def test_a_gap_of_another_team_cannot_be_planned_here(cast: Cast) -> None:
    gap = make_gap(cast.mobile, by=cast.charlie)
    url = reverse("schedule:session_create", args=[cast.platform.pk])
    assert client_for(cast.olga).get(url, {"gap": gap.pk}).status_code == 404


def test_dashboard_shows_each_teams_top_open_gaps_and_the_viewers_own(cast: Cast) -> None:
    for number in range(4):
        make_gap(cast.platform, by=cast.alice, title=f"Plain {number}")
    loud = make_gap(cast.platform, by=cast.alice, title="Loudest", source="post_mortem")
    services.gap_vote(gap=loud, voter=cast.alice, vote=True)
    planned = make_gap(cast.platform, by=cast.alice, title="Already planned")
    services.gap_vote(gap=planned, voter=cast.bob, vote=True)
    services.gap_set_status(gap=planned, actor=cast.alice, status="planned")
    services.offer_create(team=cast.platform, person=cast.bob, topic="Property tests")
    make_gap(cast.foreign_team, by=cast.zed, title="Elsewhere entirely")

    html = client_for(cast.bob).get(reverse("web:dashboard")).content.decode()

    top = html[html.index("Top of the backlog") :]
    top = top[: top.index("</ol>")]
    assert top.index("Loudest") < top.index("Plain 0")  # priority, then age
    assert "Plain 3" not in top  # three per team
    assert "Already planned" not in top  # the top is what is still open
    assert "Already planned</a> (voted, planned)" in html
    assert "Property tests (offered to teach)" in html
    assert "(5 open)" in html
    assert "Elsewhere entirely" not in html  # another organisation's team
