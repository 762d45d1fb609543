"""Search results: ranked, scoped to what the viewer may read, with escaped snippets;
hostile queries find nothing rather than fail; outsiders are refused (404)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerlearn.search.selectors import search
from tests.api.conftest import bearer_client, token_for
from tests.conftest import Cast, client_for
from tests.engines.search.test_query import HOSTILE
from tests.search.conftest import import_transcript, publish, save_notes, session_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(cast: Cast) -> Cast:
    first = session_of(cast.platform, cast.fiona, title="Release day")
    publish(
        first, cast.fiona, title="How we deploy",
        summary="Deploying goes through the canary & waits <b>here</b>. <script>alert(1)</script>",
    )  # fmt: skip
    save_notes(first, cast.bob, "Rollback steps: a bad deploy rolls back by flag.")
    second = session_of(cast.platform, cast.fiona, title="Tracing")
    publish(second, cast.fiona, title="Tracing", summary="Spans, and a deploy marker.")
    import_transcript(second, cast.fiona, cast.alice, cast.bob)
    mobile = session_of(cast.mobile, cast.charlie, title="Mobile releases")
    publish(mobile, cast.charlie, title="Mobile deploy", summary="App store deploy review.")
    opened = session_of(cast.mobile, cast.charlie, title="Open one")
    publish(
        opened, cast.charlie, title="Open deploy notes", summary="Everyone may deploy this.",
        open_to_organisation=True,
    )  # fmt: skip
    return cast


def test_results_are_ranked_with_marked_snippets(indexed: Cast) -> None:
    results = search(query="deploy", team_ids=[indexed.platform.pk])
    titles = [hit.title for hit in results.hits]
    assert titles[0] == "How we deploy"  # the word in the title counts most
    assert set(titles) == {"How we deploy", "Notes: Release day", "Tracing"}
    top = results.hits[0]
    assert str(top.title_html) == "How we <mark>deploy</mark>"
    assert "<mark>Deploying</mark>" in top.snippet_html
    assert top.url == reverse("kb:page", args=[top.session_id and _page_id(indexed, top.title)])
    assert not results.has_more


def _page_id(cast: Cast, title: str) -> int:
    from peerlearn.kb.models import KbPage

    return KbPage.objects.get(title=title).pk


def test_snippets_escape_the_text(indexed: Cast) -> None:
    hit = search(query="canary waits", team_ids=[indexed.platform.pk], kinds=["page"]).hits[0]
    assert (
        "<mark>canary</mark> &amp; <mark>waits</mark> &lt;b&gt;here&lt;/b&gt;" in hit.snippet_html
    )
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html


def test_title_markup_is_escaped_too(cast: Cast) -> None:
    session = session_of(cast.platform, cast.fiona)
    publish(session, cast.fiona, title="<b>Bold</b> deploy", summary="Plain text.")
    hit = search(query="bold", team_ids=[cast.platform.pk]).hits[0]
    assert str(hit.title_html) == "&lt;b&gt;<mark>Bold</mark>&lt;/b&gt; deploy"


def test_kinds_filter_and_phrases_and_exclusions(indexed: Cast) -> None:
    scope = {"team_ids": [indexed.platform.pk]}
    notes = search(query="deploy", kinds=["notes"], **scope).hits
    assert [hit.title for hit in notes] == ["Notes: Release day"]
    assert [h.kind for h in search(query="canary", kinds=["transcript"], **scope).hits] == [
        "transcript"
    ]
    assert [h.title for h in search(query='"roll back by"', **scope).hits] == ["Notes: Release day"]
    assert [h.title for h in search(query='"back roll"', **scope).hits] == []
    assert "Tracing" not in [h.title for h in search(query="deploy -spans", **scope).hits]


def test_paging(indexed: Cast) -> None:
    scope = {"team_ids": [indexed.platform.pk], "query": "deploy"}
    first = search(limit=2, **scope)
    second = search(limit=2, offset=2, **scope)
    assert len(first.hits) == 2
    assert first.has_more
    assert len(second.hits) == 1
    assert not second.has_more
    assert {h.title for h in first.hits + second.hits} == {
        "How we deploy", "Notes: Release day", "Tracing",
    }  # fmt: skip


def test_a_person_finds_their_teams_and_pages_opened_to_the_organisation(indexed: Cast) -> None:
    bob = {hit.title for hit in search(query="deploy", user=indexed.bob).hits}
    assert bob == {"How we deploy", "Notes: Release day", "Tracing", "Open deploy notes"}
    charlie = {hit.title for hit in search(query="deploy", user=indexed.charlie).hits}
    assert charlie == {"Mobile deploy", "Open deploy notes"}
    olga = {hit.title for hit in search(query="deploy", user=indexed.olga).hits}
    assert olga == bob | charlie  # the organisation's admin reads every team
    assert search(query="deploy", user=indexed.zed).hits == []


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_never_fail(indexed: Cast, text: str) -> None:
    search(query=text, team_ids=[indexed.platform.pk], kinds=["page", "nonsense"])
    search(query=text, user=indexed.bob, limit=10**9, offset=-5)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
def test_any_query_never_fails(indexed: Cast, text: str) -> None:
    for hit in search(query=text.replace("\x00", ""), team_ids=[indexed.platform.pk]).hits:
        assert hit.snippet_html.count("<mark>") == hit.snippet_html.count("</mark>")


def test_the_page_shows_results_and_refuses_outsiders(indexed: Cast) -> None:
    url = reverse("search:team", args=[indexed.platform.pk])
    html = client_for(indexed.bob).get(url, {"q": "canary waits", "kind": "page"}).content.decode()
    assert "<mark>canary</mark> &amp; <mark>waits</mark> &lt;b&gt;" in html
    assert "<script>alert" not in html
    assert client_for(indexed.charlie).get(url, {"q": "deploy"}).status_code == 404
    assert client_for(indexed.zed).get(url, {"q": "deploy"}).status_code == 404
    assert client_for(indexed.olga).get(url, {"q": "deploy"}).status_code == 200
    for text in ["\x00", "x" * 10_000, '"', "-"]:
        assert (
            client_for(indexed.bob).get(url, {"q": text, "page": "99999999999"}).status_code == 200
        )


def test_the_page_filters_by_kind_and_pages_on(indexed: Cast) -> None:
    url = reverse("search:team", args=[indexed.platform.pk])
    client = client_for(indexed.bob)
    html = client.get(url, {"q": "deploy", "kind": "notes"}).content.decode()
    assert "Notes: Release day" in html
    assert "How we deploy" not in html
    index = client.get(reverse("kb:index", args=[indexed.platform.pk])).content.decode()
    assert f'action="{url}"' in index  # the knowledge base has the search box


def test_the_api_answers_members_and_refuses_outsiders(indexed: Cast) -> None:
    path = f"/api/teams/{indexed.platform.pk}/search"
    response = bearer_client(token_for(indexed.bob)).get(
        path, {"q": "deploy", "kind": "page,notes", "limit": 2}
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["items"][0]["title"] == "How we deploy"
    assert len(body["items"]) == 2
    assert body["has_more"] is True
    assert body["items"][0]["title_html"] == "How we <mark>deploy</mark>"
    assert bearer_client(token_for(indexed.charlie)).get(path, {"q": "x"}).status_code == 404
    assert bearer_client(token_for(indexed.zed)).get(path, {"q": "x"}).status_code == 404
    hostile = bearer_client(token_for(indexed.bob)).get(path, {"q": '"\x00 NEAR( -'})
    assert hostile.status_code == 200
    assert (
        bearer_client(token_for(indexed.bob)).get(path, {"q": "x", "kind": "evil"}).status_code
        == 422
    )
