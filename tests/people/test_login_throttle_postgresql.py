"""Parallel sign-in attempts against real PostgreSQL: the limit holds.

Each thread has its own connection and runs outside the test's transaction, as
concurrent requests do. A check-then-record throttle lets every attempt that checks
before the first one records through; a reservation taken atomically does not.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from peerlearn.web.auth_views import THROTTLED_MESSAGE
from tests.conftest import Cast

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 12
LIMIT = 3
INVALID = "Please enter a correct username and password."


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (scripts/pgserver.py run -- pytest …)")


def parallel_sign_ins(usernames: list[str], addresses: list[str]) -> list[str]:
    start = threading.Barrier(len(usernames))
    answers: list[str] = [""] * len(usernames)

    def attempt(index: int) -> None:
        try:
            client = Client(REMOTE_ADDR=addresses[index])
            start.wait()
            response = client.post(
                reverse("login"), {"username": usernames[index], "password": "wrong guess"}
            )
            answers[index] = response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(usernames))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@override_settings(LOGIN_THROTTLE_LIMIT=LIMIT, LOGIN_THROTTLE_ADDRESS_LIMIT=1000)
def test_parallel_guesses_at_one_account_get_no_more_than_the_limit(cast: Cast) -> None:
    addresses = [f"192.0.2.{n}" for n in range(1, ATTEMPTS + 1)]
    answers = parallel_sign_ins(["bob"] * ATTEMPTS, addresses)
    checked = sum(INVALID in answer for answer in answers)
    refused = sum(THROTTLED_MESSAGE in answer for answer in answers)
    assert (checked, refused) == (LIMIT, ATTEMPTS - LIMIT)


@override_settings(LOGIN_THROTTLE_LIMIT=1000, LOGIN_THROTTLE_ADDRESS_LIMIT=LIMIT)
def test_parallel_guesses_from_one_address_get_no_more_than_its_limit(cast: Cast) -> None:
    names = ["bob", "alice", "fiona", "charlie", "olga", "zed"] * 2
    answers = parallel_sign_ins(names, ["198.51.100.1"] * ATTEMPTS)
    checked = sum(INVALID in answer for answer in answers)
    refused = sum(THROTTLED_MESSAGE in answer for answer in answers)
    assert (checked, refused) == (LIMIT, ATTEMPTS - LIMIT)
