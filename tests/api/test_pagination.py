from __future__ import annotations

import pytest

from peerlearn.people.services import membership_set, person_create
from tests.api.conftest import bearer_client, json_of, token_for
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_member_pages_cover_everyone_once(cast: Cast) -> None:
    for number in range(7):
        person = person_create(
            organisation=cast.org, username=f"extra{number}", email=f"e{number}@example.com"
        )
        membership_set(team=cast.platform, person=person)
    client = bearer_client(token_for(cast.bob))
    url = f"/api/teams/{cast.platform.pk}/members"

    pages = [json_of(client.get(url, {"page": n, "page_size": 4})) for n in (1, 2, 3, 4)]

    assert [len(p["items"]) for p in pages] == [4, 4, 2, 0]
    assert {p["count"] for p in pages} == {10}
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    assert {p["page_size"] for p in pages} == {4}
    usernames = [m["username"] for p in pages for m in p["items"]]
    assert len(usernames) == len(set(usernames)) == 10


def test_default_page_size_is_reported(cast: Cast) -> None:
    body = json_of(bearer_client(token_for(cast.bob)).get("/api/teams"))
    assert body["page"] == 1
    assert body["page_size"] == 50


@pytest.mark.parametrize(
    ("params", "field"), [({"page": 0}, "page"), ({"page_size": 101}, "page_size")]
)
def test_bad_paging_is_422_naming_the_parameter(
    cast: Cast, params: dict[str, int], field: str
) -> None:
    response = bearer_client(token_for(cast.bob)).get("/api/teams", params)
    assert response.status_code == 422
    assert json_of(response)["message"].startswith(f"{field}: ")
