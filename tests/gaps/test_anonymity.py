"""An anonymous ask leaves no trace of who asked: not in any table, any log line or any
task row. Checked by searching everything the database holds and everything logged
for the asker's id, username, e-mail, name and session, before and after."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from peerlearn.gaps import source_services
from peerlearn.gaps.models import AnonymousAskWindow, Gap, GapEvent
from peerlearn.people.models import User
from peerlearn.people.roles import Role
from peerlearn.people.services import membership_set, person_create
from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db(transaction=True)


def every_row() -> dict[str, set[tuple[tuple[str, str], ...]]]:
    """Every row of every table Django knows, as (column, value as text) pairs."""
    rows: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from Django
            columns = [c[0] for c in cursor.description]
            rows[table] = {tuple(zip(columns, map(str, row), strict=True)) for row in cursor}
    return rows


def person_columns() -> dict[str, set[str]]:
    """table -> the columns that point at a person."""
    found: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                found.setdefault(model._meta.db_table, set()).add(field.column)
    return found


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


def test_an_anonymous_ask_stores_and_logs_nothing_of_the_asker(
    cast: Cast, asker: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(asker)
    client.get(reverse("gaps:anonymous_ask", args=[cast.platform.pk]))
    session_key = client.session.session_key or ""
    texts = [asker.username, asker.email, asker.name, session_key]
    assert all(len(text) > 8 for text in texts)
    before = every_row()
    caplog.set_level(logging.DEBUG)

    response = client.post(
        reverse("gaps:anonymous_ask", args=[cast.platform.pk]),
        {"title": "How do on-call handovers work?", "description": "I never dared to ask."},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?sent=1")
    gap = Gap.objects.get()
    assert (gap.raised_by, gap.source) == (None, "anonymous")
    assert (gap.created_at.hour, gap.created_at.minute, gap.created_at.second) == (0, 0, 0)
    assert GapEvent.objects.get().actor is None
    pointing = person_columns()
    changed = 0
    for table, rows in every_row().items():
        for row in rows - before.get(table, set()):  # new or changed rows
            changed += 1
            for column, value in row:
                assert not (column in pointing.get(table, ()) and value == str(asker.pk)), table
                assert not any(text in value for text in texts), (table, column)
    assert changed >= 3  # the gap, its history and the team's ask count were searched
    logged = [f"{r.getMessage()} {r.__dict__}" for r in caplog.records]
    assert not [line for line in logged if any(text in line for text in texts)]
    assert not DBTaskResult.objects.exists()
    page = client_for(cast.alice).get(gap.get_absolute_url()).content.decode()
    assert "raised with no name on it" in page
    assert asker.name not in page


def test_the_rate_limit_counts_asks_per_team_not_per_person(cast: Cast) -> None:
    for number in range(source_services.ANONYMOUS_ASKS_PER_HOUR):
        source_services.anonymous_ask_submit(
            team=cast.platform, asker=cast.bob if number % 2 else cast.fiona, title=f"Ask {number}"
        )
    with pytest.raises(source_services.AnonymousLimitReached, match="this hour"):
        source_services.anonymous_ask_submit(team=cast.platform, asker=cast.alice, title="One more")
    assert Gap.objects.count() == source_services.ANONYMOUS_ASKS_PER_HOUR
    window = AnonymousAskWindow.objects.get()
    assert [f.name for f in AnonymousAskWindow._meta.concrete_fields] == [
        "id",
        "team",
        "hour",
        "count",
    ]
    assert window.count == source_services.ANONYMOUS_ASKS_PER_HOUR
    # Another team's quota is its own.
    source_services.anonymous_ask_submit(team=cast.mobile, asker=cast.charlie, title="Mobile ask")


def test_a_refused_anonymous_ask_is_shown_on_the_form(cast: Cast, settings: Any) -> None:
    url = reverse("gaps:anonymous_ask", args=[cast.platform.pk])
    client = client_for(cast.bob)
    for number in range(source_services.ANONYMOUS_ASKS_PER_HOUR):
        client.post(url, {"title": f"Ask {number}"})
    response = client.post(url, {"title": "Too many"})
    assert response.status_code == 200
    assert "anonymous asks this hour" in response.content.decode()


def test_outsiders_cannot_ask_a_team_anonymously(cast: Cast) -> None:
    url = reverse("gaps:anonymous_ask", args=[cast.platform.pk])
    assert client_for(cast.charlie).post(url, {"title": "Sneaky"}).status_code == 404
    assert not Gap.objects.exists()
