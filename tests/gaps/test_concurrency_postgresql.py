"""Parallel votes and anonymous asks against real PostgreSQL, each request on its own
connection outside the test's transaction, as concurrent requests are: one vote per
person per gap, an exact count, and the anonymous-ask limit holds."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.urls import reverse

from peerlearn.gaps import source_services
from peerlearn.gaps.models import Gap, GapVote
from peerlearn.people.models import User
from tests.conftest import Cast, client_for

from .conftest import make_gap

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (scripts/pgserver.py run -- pytest …)")


def in_parallel(calls: list[Callable[[], int]]) -> list[int]:
    start = threading.Barrier(len(calls))
    answers = [0] * len(calls)

    def run(index: int) -> None:
        try:
            start.wait()
            answers[index] = calls[index]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_parallel_votes_count_each_person_once(cast: Cast) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    url = reverse("gaps:gap_vote", args=[gap.pk])
    voters: list[User] = [cast.bob] * 4 + [cast.alice, cast.fiona, cast.olga]

    def vote(person: User) -> Callable[[], int]:
        client = client_for(person)
        return lambda: client.post(url, {"vote": "1"}).status_code

    answers = in_parallel([vote(person) for person in voters])

    assert answers == [302] * len(voters)
    gap.refresh_from_db()
    assert gap.vote_count == 4
    assert GapVote.objects.filter(gap=gap).count() == 4


def test_parallel_anonymous_asks_stop_at_the_limit(cast: Cast) -> None:
    limit = source_services.ANONYMOUS_ASKS_PER_HOUR
    url = reverse("gaps:anonymous_ask", args=[cast.platform.pk])

    def ask(number: int) -> Callable[[], int]:
        client = client_for(cast.bob if number % 2 else cast.fiona)
        return lambda: client.post(url, {"title": f"Ask {number}"}).status_code

    answers = in_parallel([ask(n) for n in range(limit + 6)])

    assert answers.count(302) == limit  # the others see the form with the limit's message
    assert answers.count(200) == 6
    assert Gap.objects.filter(source="anonymous").count() == limit
