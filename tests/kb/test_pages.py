"""The knowledge base: takeaways proposed from notes and transcript, confirmed by the
facilitator before anything is published; browsing by tag, area, format and person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerlearn.capture import services as capture_services
from peerlearn.capture.models import ActionItem
from peerlearn.kb import services
from peerlearn.kb.models import KbPage
from tests.capture.conftest import FIXTURES, everyone_consents
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db

NOTES = """# Tracing in production

We use OpenTelemetry to send spans from every service to the collector.
Sampling at the edge keeps the cost down while errors are always kept.
The collector batches spans and retries when the backend is slow.
Dashboards show the slowest endpoints per service and per release.
Alerts fire on the error rate, not on single slow requests.

- [ ] @bob write the sampling runbook
"""


def _session_with_notes(cast: Cast) -> object:
    session = make_session(cast.platform, title="Tracing deep dive", facilitator=cast.fiona)
    capture_services.notes_save(session=session, author=cast.fiona, body=NOTES, base_version=0)
    return session


def test_the_publish_form_proposes_takeaways_and_publishes_only_when_confirmed(
    cast: Cast,
) -> None:
    session = _session_with_notes(cast)
    url = reverse("kb:publish", args=[session.pk])  # type: ignore[attr-defined]
    client = client_for(cast.fiona)
    form = client.get(url).content.decode()
    assert "OpenTelemetry" in form  # a proposed takeaway from the notes
    assert not KbPage.objects.exists()  # proposing publishes nothing
    response = client.post(
        url,
        {
            "title": "Tracing in production",
            "summary": "How spans reach the collector, and what we keep.",
            "takeaways": "Sampling at the edge keeps cost down\nErrors are always kept\n",
            "action_items": "- [ ] @alice add the collector dashboard",
            "tags": "tracing, Observability",
            "code_areas": "services/collector\n",
            "open_to_organisation": "",
        },
    )
    page = KbPage.objects.get()
    assert response.status_code == 302
    assert page.takeaways == ["Sampling at the edge keeps cost down", "Errors are always kept"]
    assert page.tags == ["tracing", "observability"]
    assert [p.username for p in page.teachers.all()] == ["fiona"]
    assert ActionItem.objects.filter(text="add the collector dashboard", owner=cast.alice).exists()
    html = client_for(cast.bob).get(reverse("kb:page", args=[page.pk])).content.decode()
    assert "Errors are always kept" in html
    assert "taught by Fiona" in html


def test_unknown_owners_in_the_confirmed_items_are_refused_and_nothing_is_published(
    cast: Cast,
) -> None:
    session = _session_with_notes(cast)
    response = client_for(cast.fiona).post(
        reverse("kb:publish", args=[session.pk]),  # type: ignore[attr-defined]
        {"title": "T", "takeaways": "One", "action_items": "- [ ] @nobody do it"},
    )
    assert response.status_code == 200  # the form again, with the message
    assert "nobody in the team is called @nobody" in response.content.decode()
    assert not KbPage.objects.exists()
    assert not ActionItem.objects.filter(text="do it").exists()


def test_a_transcript_feeds_the_proposal_with_speakers_as_owners(cast: Cast) -> None:
    from peerlearn.capture import recording_services

    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.fiona)
    recording_services.transcript_import(
        session=session,
        actor=cast.fiona,
        data=(FIXTURES / "teams.vtt").read_bytes(),
        file_name="teams.vtt",
    )
    form = client_for(cast.fiona).get(reverse("kb:publish", args=[session.pk])).content.decode()
    assert "- [ ] " in form  # candidate action items proposed from what was said


def _publish(cast: Cast, title: str, **extra: object) -> KbPage:
    session = make_session(cast.platform, title=title)
    return services.kb_page_publish(
        session=session,
        actor=cast.alice,
        title=title,
        summary="",
        takeaways=["x"],
        **extra,  # type: ignore[arg-type]
    ).page


def test_browsing_by_tag_area_format_and_person(cast: Cast) -> None:
    _publish(cast, "Kafka lag", tags=["kafka"], code_areas=["services/consumer"])
    _publish(cast, "Helm charts", tags=["helm"], code_areas=["deploy/charts"])
    url = reverse("kb:index", args=[cast.platform.pk])
    client = client_for(cast.bob)
    by_tag = client.get(url, {"tag": "kafka"}).content.decode()
    assert "Kafka lag" in by_tag
    assert "Helm charts" not in by_tag
    by_area = client.get(url, {"area": "deploy"}).content.decode()
    assert "Helm charts" in by_area
    assert "Kafka lag" not in by_area
    assert "Nothing" not in client.get(url).content.decode()
    both = client.get(url, {"format": "lunch_and_learn"}).content.decode()
    assert "Kafka lag" in both
    assert "Helm charts" in both
    assert "No pages like that" in client.get(url, {"format": "focused_deep_dive"}).content.decode()


def test_who_reads_and_who_publishes(cast: Cast) -> None:
    closed = _publish(cast, "Team only")
    opened = _publish(cast, "For everyone", open_to_organisation=True)
    page = reverse("kb:page", args=[closed.pk])
    assert client_for(cast.bob).get(page).status_code == 200
    assert client_for(cast.charlie).get(page).status_code == 404
    assert client_for(cast.zed).get(page).status_code == 404
    assert client_for(cast.charlie).get(reverse("kb:page", args=[opened.pk])).status_code == 200
    assert client_for(cast.zed).get(reverse("kb:page", args=[opened.pk])).status_code == 404
    publish = reverse("kb:publish", args=[closed.session_id])
    assert client_for(cast.bob).get(publish).status_code == 403
    assert client_for(cast.charlie).get(publish).status_code == 404
    remove = reverse("kb:remove", args=[opened.pk])
    assert client_for(cast.charlie).post(remove).status_code == 403
    assert client_for(cast.bob).post(remove).status_code == 403
    assert KbPage.objects.count() == 2
    assert client_for(cast.fiona).post(remove).status_code == 302
    assert KbPage.objects.count() == 1


def test_a_hostile_summary_is_sanitised_and_diagrams_come_from_the_notes(cast: Cast) -> None:
    session = make_session(cast.platform)
    capture_services.notes_save(
        session=session,
        author=cast.alice,
        body="Intro\n```mermaid\ngraph TD; A-->B\n```\n",
        base_version=0,
    )
    page = services.kb_page_publish(
        session=session,
        actor=cast.alice,
        title="<script>alert(1)</script>",
        summary="<img src=x onerror=alert(1)> [x](javascript:alert(1))",
        takeaways=["<b>bold</b>"],
    ).page
    html = client_for(cast.bob).get(reverse("kb:page", args=[page.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript' not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'class="mermaid"' in html
    assert "graph TD; A--&gt;B" in html
