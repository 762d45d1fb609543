from __future__ import annotations

import pytest

from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def test_an_inactive_person_cannot_be_added_through_the_api(cast: Cast) -> None:
    # The same rule as the UI's add-member form: people who left are not added back.
    cast.charlie.is_active = False
    cast.charlie.save(update_fields=["is_active"])
    client = client_for(cast.alice)
    response = client.put(
        f"/api/teams/{cast.platform.pk}/members/{cast.charlie.pk}",
        data={"role": "member"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not cast.platform.memberships.filter(user=cast.charlie).exists()
