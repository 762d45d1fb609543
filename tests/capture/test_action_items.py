"""Action items: by hand, closed with evidence, carried over, and the team's view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peerlearn.capture import services
from peerlearn.capture.models import ActionItem
from peerlearn.schedule import series_services
from peerlearn.schedule.agenda import agenda_of
from peerlearn.schedule.models import Session
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_series

pytestmark = pytest.mark.django_db


def test_an_item_closed_with_evidence_records_who_and_what(cast: Cast) -> None:
    item = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Write the runbook", owner=cast.bob
    )
    response = client_for(cast.bob).post(
        reverse("capture:item_close", args=[item.pk]),
        {"status": "done", "evidence_url": "https://git.example.com/pr/7", "evidence_note": "PR"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.closed_by, item.evidence_url, item.evidence_note) == (
        "done",
        cast.bob,
        "https://git.example.com/pr/7",
        "PR",
    )
    client_for(cast.bob).post(reverse("capture:item_reopen", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "open"
    assert item.closed_at is None


def test_evidence_must_be_a_web_link(cast: Cast) -> None:
    item = services.action_item_create(team=cast.platform, created_by=cast.alice, text="X")
    client_for(cast.alice).post(
        reverse("capture:item_close", args=[item.pk]),
        {"status": "done", "evidence_url": "javascript:alert(1)"},
    )
    item.refresh_from_db()
    assert item.status == "open"


def test_only_the_owner_or_a_facilitator_changes_an_item(cast: Cast) -> None:
    item = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="X", owner=cast.fiona
    )
    url = reverse("capture:item_close", args=[item.pk])
    assert client_for(cast.bob).post(url, {"status": "done"}).status_code == 403
    assert client_for(cast.charlie).post(url, {"status": "done"}).status_code == 404
    assert client_for(cast.zed).post(url, {"status": "done"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"
    assert client_for(cast.fiona).post(url, {"status": "dropped"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "dropped"


def test_an_owner_must_be_in_the_team(cast: Cast) -> None:
    with pytest.raises(Exception, match="not in Platform"):
        services.action_item_create(
            team=cast.platform, created_by=cast.alice, text="X", owner=cast.charlie
        )
    assert not ActionItem.objects.exists()


def _occurrences(cast: Cast) -> tuple[Session, Session]:
    series = make_series(cast.platform)
    first_start = dt.datetime(2030, 3, 6, 11, tzinfo=dt.UTC)
    first = series_services.occurrence_materialise(series=series, original_start=first_start)
    second = series_services.occurrence_materialise(
        series=series, original_start=first_start + dt.timedelta(weeks=1)
    )
    return first, second


def test_open_items_are_carried_into_the_next_sessions_agenda_until_closed(cast: Cast) -> None:
    first, second = _occurrences(cast)
    services.notes_save(
        session=first,
        author=cast.alice,
        body="- [ ] @bob write the runbook (due 2030-03-10)\n- [x] @bob done already",
        base_version=0,
    )
    assert agenda_of(second).carried_over == ("write the runbook (Bob), due 10 Mar 2030",)
    assert agenda_of(first).carried_over == ()  # not into its own session
    page = client_for(cast.bob).get(reverse("schedule:session", args=[second.pk]))
    assert "write the runbook (Bob), due 10 Mar 2030" in page.content.decode()
    capture = client_for(cast.bob).get(reverse("capture:session", args=[second.pk]))
    assert "Still open from earlier sessions" in capture.content.decode()
    item = ActionItem.objects.get(text="write the runbook")
    services.action_item_close(item=item, actor=cast.bob)
    assert agenda_of(second).carried_over == ()


def test_team_view_splits_open_overdue_and_closed(cast: Cast) -> None:
    past = dt.date.today() - dt.timedelta(days=3)
    late = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Late one", due=past
    )
    services.action_item_create(team=cast.platform, created_by=cast.alice, text="On time")
    done = services.action_item_create(team=cast.platform, created_by=cast.alice, text="Gone")
    services.action_item_close(item=done, actor=cast.alice)
    services.action_item_create(team=cast.mobile, created_by=cast.charlie, text="Mobile's")
    url = reverse("capture:team_items", args=[cast.platform.pk])
    client = client_for(cast.bob)
    open_page = client.get(url).content.decode()
    assert "Late one" in open_page
    assert "On time" in open_page
    assert "Gone" not in open_page
    assert "Mobile&#x27;s" not in open_page
    assert "(overdue)" in open_page
    overdue = client.get(url, {"show": "overdue"}).content.decode()
    assert "Late one" in overdue
    assert "On time" not in overdue
    closed = client.get(url, {"show": "closed"}).content.decode()
    assert "Gone" in closed
    assert "Late one" not in closed
    assert "Open (2)" in open_page
    assert "Overdue (1)" in open_page
    assert "Closed (1)" in open_page
    assert client_for(cast.charlie).get(url).status_code == 404
    assert late.pk


def test_the_dashboard_lists_my_open_items_overdue_first(cast: Cast) -> None:
    past = dt.date.today() - dt.timedelta(days=1)
    services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Later one", owner=cast.bob
    )
    services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Late one", owner=cast.bob, due=past
    )
    services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Alice's own", owner=cast.alice
    )
    html = client_for(cast.bob).get(reverse("web:dashboard")).content.decode()
    assert html.index("Late one") < html.index("Later one")
    assert "overdue" in html
    assert "Alice&#x27;s own" not in html
