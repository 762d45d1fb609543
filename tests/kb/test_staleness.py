"""Pages flagged when the code they are about changed a lot since they were published,
read from the knowledge map of a repository the test builds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerlearn.kb import services
from peerlearn.kb.models import KbPage
from tests.conftest import Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo
from tests.knowledge.conftest import Register
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db


def _page(cast: Cast, title: str, areas: list[str], published: dt.datetime) -> KbPage:
    session = make_session(cast.platform, title=title)
    page = services.kb_page_publish(
        session=session, actor=cast.alice, title=title, summary="s", takeaways=["t"],
        code_areas=areas,
    ).page  # fmt: skip
    KbPage.objects.filter(pk=page.pk).update(published_at=published)
    return page


def test_pages_whose_code_changed_since_are_flagged(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    register(str(source.path), kind="local")
    long_ago = timezone.now() - dt.timedelta(days=120)  # before the history's commits
    old = _page(cast, "Billing walkthrough", ["src/billing"], long_ago)
    fresh = _page(cast, "Core tour", ["src/core.py"], timezone.now())
    nowhere = _page(cast, "No code", [], long_ago)
    client = client_for(cast.bob)
    index = client.get(reverse("kb:index", args=[cast.platform.pk])).content.decode()
    assert index.count("may be out of date") == 1
    assert index.index("may be out of date") > index.index("Billing walkthrough")
    page = client.get(reverse("kb:page", args=[old.pk])).content.decode()
    assert "2 of the 2 files it is about changed since it was published" in page
    for calm in (fresh, nowhere):
        html = client.get(reverse("kb:page", args=[calm.pk])).content.decode()
        assert "may be out of date" not in html
