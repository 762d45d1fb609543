"""An anonymous ask through the API leaves no trace of who asked: not in the answer, any
table, any log line or any task row — the API's twin of tests/gaps/test_anonymity.py,
searching the same way (every row of every table, before and after)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django_tasks_db.models import DBTaskResult

from peerlearn.api.services import api_token_create
from peerlearn.gaps.models import Gap, GapEvent
from peerlearn.people.models import User
from peerlearn.people.roles import Role
from peerlearn.people.services import membership_set, person_create
from tests.api.conftest import bearer_client, json_of, token_for
from tests.conftest import PASSWORD, Cast
from tests.gaps.test_anonymity import every_row, person_columns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asker(cast: Cast) -> User:
    """Someone whose name, e-mail and username cannot appear in a row by chance."""
    person = person_create(
        organisation=cast.org,
        username="quiet_asker_7q",
        email="quentin.zyx@example.com",
        display_name="Quentin Zyxwvut",
        password=PASSWORD,
    )
    membership_set(
        team=cast.platform, person=person, role=Role.MEMBER, joined_on=dt.date(2024, 1, 1)
    )
    return person


def test_an_anonymous_ask_by_api_stores_answers_and_logs_nothing_of_the_asker(
    cast: Cast, asker: User, caplog: pytest.LogCaptureFixture
) -> None:
    token, secret = api_token_create(user=asker, name="quiet token")
    client = bearer_client(secret)
    # No earlier request: the ask must not even record when the token was last used.
    texts = [asker.username, asker.email, asker.name, secret, token.prefix]
    assert all(len(text) > 5 for text in texts)
    before = every_row()
    caplog.set_level(logging.DEBUG)

    response = client.post(
        f"/api/teams/{cast.platform.pk}/anonymous-asks",
        data={"title": "How do on-call handovers work?", "description": "I never dared to ask."},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = json_of(response)
    answer = response.content.decode()
    assert not any(text in answer for text in texts)
    assert str(asker.pk) not in {str(value) for value in body.values()}
    assert set(body) == {
        "id",
        "team_id",
        "title",
        "description",
        "source",
        "status",
        "code_areas",
        "url",
        "created_at",
    }
    assert body["created_at"].endswith("T00:00:00Z")
    gap = Gap.objects.get()
    assert (gap.raised_by, gap.source) == (None, "anonymous")
    assert GapEvent.objects.get().actor is None
    pointing = person_columns()
    changed = 0
    for table, rows in every_row().items():
        for row in rows - before.get(table, set()):  # new or changed rows
            changed += 1
            for column, value in row:
                assert not (column in pointing.get(table, ()) and value == str(asker.pk)), table
                assert not any(text in value for text in texts), (table, column)
    # The gap, its history and the team's ask count were searched; the token's row is not
    # among them (its use was recorded before), else it would point at the asker.
    assert changed >= 3
    logged = [f"{r.getMessage()} {r.__dict__}" for r in caplog.records]
    assert not [line for line in logged if any(text in line for text in texts)]
    assert not DBTaskResult.objects.exists()

    # What the team reads afterwards names nobody either.
    seen = bearer_client(token_for(cast.alice)).get(f"/api/gaps/{gap.pk}")
    assert seen.status_code == 200
    detail = json_of(seen)
    assert (detail["raised_by"], [e["actor"] for e in detail["history"]]) == (None, [None])
    assert asker.name not in seen.content.decode()
