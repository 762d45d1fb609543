"""A row the engine refuses (an old or hand-edited one) never turns a page into a 500.

Rows are poisoned with QuerySet.update, past every validation, as in
test_delivery_isolation.py; every page that shows them still answers, and the team's
other sessions are still on it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerlearn.audit.models import ItemFailure
from peerlearn.schedule.downloads import JOB
from peerlearn.schedule.models import Frequency, Series, Session
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_series, make_session

pytestmark = pytest.mark.django_db

POISONS = {
    "sprint series without a sprint start": (
        Series,
        {"frequency": Frequency.SPRINT, "sprint_start": None},
    ),
    "monthly series without a week": (
        Series,
        {"frequency": Frequency.MONTHLY, "week_of_month": None},
    ),
    "series in a zone that does not exist": (Series, {"time_zone": "Mars/Olympus"}),
    "session in a zone that does not exist": (Session, {"time_zone": "Mars/Olympus"}),
}


@pytest.mark.parametrize("poison", POISONS, ids=str)
def test_pages_showing_a_refused_row_still_answer(cast: Cast, poison: str) -> None:
    model, fields = POISONS[poison]
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    series = make_series(
        cast.platform, title="Broken rhythm", starts_on=soon.date(), weekday=soon.weekday()
    )
    session = make_session(cast.platform, title="Broken clock", starts_at=soon)
    make_session(cast.platform, title="Healthy talk", starts_at=soon + dt.timedelta(hours=2))
    target = series if model is Series else session
    model.objects.filter(pk=target.pk).update(**fields)
    pages = [
        reverse("web:dashboard"),
        reverse("web:team", args=[cast.platform.pk]),
        reverse("schedule:team_sessions", args=[cast.platform.pk]),
        reverse("schedule:series", args=[series.pk]),
        reverse("schedule:series_ics", args=[series.pk]),
        reverse("schedule:session", args=[session.pk]),
        reverse("schedule:session_ics", args=[session.pk]),
        reverse("schedule:my_history"),
    ]
    client = client_for(cast.alice)
    client.raise_request_exception = False  # collect every failing page, not the first
    failing = {page: status for page in pages if (status := client.get(page).status_code) >= 500}
    assert failing == {}
    listing = client.get(reverse("schedule:team_sessions", args=[cast.platform.pk]))
    assert "Healthy talk" in listing.content.decode()
    assert "Healthy talk" in client.get(reverse("web:dashboard")).content.decode()


def test_the_calendar_file_of_a_refused_row_says_why_and_is_recorded(cast: Cast) -> None:
    series = make_series(cast.platform, title="Broken rhythm")
    Series.objects.filter(pk=series.pk).update(frequency=Frequency.SPRINT, sprint_start=None)
    response = client_for(cast.alice).get(reverse("schedule:series_ics", args=[series.pk]))
    assert response.status_code == 409
    assert "sprint" in response.content.decode()
    (failure,) = ItemFailure.objects.filter(job=JOB)
    assert failure.item == f"series {series.pk} (Broken rhythm)"
    assert failure.organisation_id == cast.org.pk
