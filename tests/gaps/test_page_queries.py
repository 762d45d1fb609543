"""The backlog's pages make a fixed number of queries whatever the number of gaps,
votes, offers, sessions and history lines (one and three of each)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from peerlearn.gaps import services
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

from .conftest import make_gap

PINNED = {
    # session, person, team with the lead's role, gaps with the viewer's vote and offer
    # counts, offers with people and gaps
    "backlog": 5,
    # session, person, gap with team and role, offers with people, history with actors,
    # sessions, merged-in gaps, the viewer's vote, the sessions to link
    "gap": 9,
}


def _backlog(cast: Cast, size: int) -> dict[str, str]:
    gaps = []
    for number in range(size):
        gap = make_gap(cast.platform, by=cast.bob, title=f"Gap {number}", code_areas=["src/"])
        for person in (cast.alice, cast.bob, cast.fiona):
            services.gap_vote(gap=gap, voter=person, vote=True)
        services.offer_create(team=cast.platform, person=cast.fiona, gap=gap, note="me")
        services.offer_create(team=cast.platform, person=cast.bob, topic=f"Topic {number}")
        services.gap_link_session(gap=gap, session=make_session(cast.platform), actor=cast.alice)
        dup = make_gap(cast.platform, by=cast.bob, title=f"Dup {number}")
        services.gap_merge(duplicate=dup, into=gaps[0] if gaps else gap, actor=cast.alice)
        gaps.append(gap)
    return {
        "backlog": reverse("gaps:backlog", args=[cast.platform.pk]),
        "gap": reverse("gaps:gap", args=[gaps[0].pk]),
    }


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("page", sorted(PINNED))
def test_backlog_page_queries_are_pinned(
    cast: Cast, size: int, page: str, django_assert_num_queries: Any
) -> None:
    urls = _backlog(cast, size)
    client = client_for(cast.alice)
    assert client.get(urls[page]).status_code == 200
    with django_assert_num_queries(PINNED[page]):
        response = client.get(urls[page])
    body = response.content.decode()
    if page == "backlog":
        assert body.count('class="gap-row"') == size
    else:
        assert body.count("merged in.") == size
