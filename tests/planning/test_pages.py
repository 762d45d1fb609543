"""What the planning pages show: reasons, unfilled slots, keepers, the spread estimate
beside the baseline, the rotation."""

from __future__ import annotations

from html import escape

import pytest
from django.urls import reverse

from peerlearn.engines.planning import ASSUMPTION, PlanOptions
from peerlearn.gaps.models import Gap
from peerlearn.knowledge.models import Repository
from peerlearn.planning.models import Plan
from tests.conftest import Cast, client_for

from .conftest import Propose, next_monday

pytestmark = pytest.mark.django_db


def test_the_plan_page_shows_reasons_and_the_spread_beside_the_baseline(
    cast: Cast, gaps: dict[str, Gap], mapped: Repository, propose: Propose
) -> None:
    plan = propose(options=PlanOptions(max_share=0.5))
    page = client_for(cast.alice).get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "Alice authors 100 % of src/billing/" in page
    assert escape(ASSUMPTION) in page
    assert "Most voted" in page
    assert "This plan" in page
    assert "Truck factor before" in page
    assert "Accept: schedule these sessions" in page
    # bob pairs with alice on billing: both invoice.py and tax.py gain a second author.
    assert "2 of 4" in page


def test_without_a_map_the_page_says_so(cast: Cast, gaps: dict[str, Gap], propose: Propose) -> None:
    plan = propose()
    page = client_for(cast.fiona).get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "No knowledge map yet" in page


def test_unfilled_slots_are_shown_with_their_reason(
    cast: Cast, gaps: dict[str, Gap], propose: Propose
) -> None:
    import datetime as dt

    plan = propose(at=dt.time(3, 0), count=1)
    page = client_for(cast.alice).get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "1 slot could not be filled" in page
    assert "works 9:00-18:00 in UTC" in page


def test_proposing_through_the_form_and_a_refusal_on_the_field(
    cast: Cast, gaps: dict[str, Gap]
) -> None:
    client = client_for(cast.alice)
    url = reverse("planning:propose", args=[cast.platform.pk])
    data = {
        "start": next_monday().isoformat(),
        "weekday": "2",
        "at": "11:00",
        "time_zone": "Europe/Berlin",
        "count": "3",
        "minutes": "60",
        "max_share": "50",
    }
    response = client.post(url, data)
    plan = Plan.objects.get()
    assert response["Location"] == reverse("planning:plan", args=[plan.pk])
    refused = client.post(url, {**data, "start": "2001-01-01"})
    assert refused.status_code == 200
    assert "Plan from today" in refused.content.decode()
    assert Plan.objects.count() == 1


def test_accepting_from_the_page(cast: Cast, gaps: dict[str, Gap], propose: Propose) -> None:
    plan = propose()
    client = client_for(cast.alice)
    answer = client.post(reverse("planning:accept", args=[plan.pk]), follow=True)
    page = answer.content.decode()
    if plan.entries.filter(format="code_review_twist").exists():
        assert "Not accepted" in page
        assert "needs a link to a real change" in page
        plan.entries.update(change_link="https://git.example/pr/1")
        page = client.post(reverse("planning:accept", args=[plan.pk]), follow=True)
        page = page.content.decode()
    assert "sessions are scheduled" in page
    plan.refresh_from_db()
    assert plan.status == "accepted"


def test_the_rotation_shows_shares_and_keepers(
    cast: Cast, gaps: dict[str, Gap], mapped: Repository
) -> None:
    import datetime as dt

    from tests.schedule.conftest import make_session

    soon = dt.datetime.combine(next_monday(), dt.time(12), tzinfo=dt.UTC)
    make_session(cast.platform, title="Spans", starts_at=soon, facilitator=cast.fiona)
    make_session(
        cast.platform,
        title="Logs",
        starts_at=soon + dt.timedelta(days=7),
        facilitator=cast.alice,
        co_facilitator=cast.bob,
    )
    page = client_for(cast.alice).get(reverse("planning:rotation", args=[cast.platform.pk]))
    text = page.content.decode()
    assert "Share per person" in text
    # billing/ is alice's alone and nobody else offered to teach it.
    assert "the only one who can teach How billing works" in text
    assert "Spans" in text
    assert "Logs" in text
    assert "50 %" in text  # fiona and alice led one of the two each


def test_the_team_page_links_planning_for_planners_and_pairing_for_all(cast: Cast) -> None:
    team_url = reverse("web:team", args=[cast.platform.pk])
    planning = reverse("planning:home", args=[cast.platform.pk])
    pairing = reverse("planning:pairing", args=[cast.platform.pk])
    lead = client_for(cast.alice).get(team_url).content.decode()
    member = client_for(cast.bob).get(team_url).content.decode()
    assert planning in lead
    assert pairing in lead
    assert planning not in member
    assert pairing in member
