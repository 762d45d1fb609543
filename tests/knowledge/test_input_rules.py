"""Single-line fields refuse control characters (form and service), and every change to a
repository is in the audit log with who made it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerlearn.audit.models import AuditEvent
from peerlearn.knowledge import services
from peerlearn.knowledge.forms import RepositoryCreateForm, RepositoryOptionsForm
from peerlearn.knowledge.models import Repository
from tests.conftest import Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo

from .conftest import Register

GOOD = {
    "name": "app",
    "kind": "local",
    "location": "/srv/app",
    "active_months": 6,
    "extra_exclusions": "",
    "bot_patterns": "",
    "aliases": "",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "app\x1b[31m"),
        ("name", "app\u202ecod.exe"),
        ("location", "/srv/app\r\nX"),
        ("extra_exclusions", "docs/*\n*.snap\x07"),
        ("bot_patterns", "bot\tname"),
        ("aliases", "A <a@x> = B\x00 <b@x>"),
    ],
)
def test_create_form_refuses_control_characters(field: str, value: str) -> None:
    form = RepositoryCreateForm({**GOOD, field: value})
    assert not form.is_valid()
    assert field in form.errors
    assert any(word in form.errors[field][0] for word in ("character", "line", "Null"))


def test_options_form_refuses_a_control_character_in_the_name() -> None:
    form = RepositoryOptionsForm({**GOOD, "name": "a\x00b"})
    assert not form.is_valid()
    assert "name" in form.errors


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("name", "app\x1b]0;x\x07", "name"),
        ("extra_exclusions", "docs/*\n*.snap\x1b", "extra_exclusions"),
        ("bot_patterns", "ok\nbad\x0bpattern", "bot_patterns"),
        ("aliases", "A <a@x> = B\u2066 <b@x>", "aliases"),
        ("location", "/x\x00y", "location"),
    ],
)
def test_service_refuses_control_characters_on_their_field(
    cast: Cast, source: GitRepo, field: str, value: str, where: str
) -> None:
    values: dict[str, object] = {
        "name": "app",
        "kind": "local",
        "location": str(source.path),
        field: value,
    }
    with pytest.raises(ValidationError) as refused:
        services.repository_create(team=cast.platform, created_by=cast.fiona, **values)  # type: ignore[arg-type]
    assert where in refused.value.message_dict
    assert not Repository.objects.exists()


def test_update_refuses_control_characters(cast: Cast, source: GitRepo, register: Register) -> None:
    repository = register(str(source.path), kind="local")
    with pytest.raises(ValidationError) as refused:
        services.repository_update(
            repository=repository,
            requested_by=cast.fiona,
            name="app",
            active_months=6,
            prune_truck_factor=False,
            extra_exclusions="",
            bot_patterns="",
            aliases="X <x@x> = Y\x1b[2J <y@x>",
        )
    assert "Line 1" in refused.value.message_dict["aliases"][0]
    repository.refresh_from_db()
    assert repository.aliases == ""


def test_registration_change_and_deletion_are_audited(
    cast: Cast, source: GitRepo, register: Register, roots: Path
) -> None:
    repository = register(str(source.path), kind="local")
    created = AuditEvent.objects.get(action="repository.create")
    assert created.actor == cast.fiona
    assert created.organisation_id == cast.org.pk
    assert created.target_id == repository.pk
    assert created.details["location"] == str(source.path)

    services.repository_update(
        repository=repository,
        requested_by=cast.alice,
        name="renamed",
        active_months=3,
        prune_truck_factor=False,
        extra_exclusions="docs/*",
        bot_patterns="",
        aliases="",
    )
    changed = AuditEvent.objects.get(action="repository.update")
    assert changed.actor == cast.alice
    assert changed.details["name"] == ["app", "renamed"]
    assert changed.details["active_months"] == [6, 3]
    assert "bot_patterns" not in changed.details  # unchanged fields are not listed

    response = client_for(cast.fiona).post(reverse("knowledge:delete", args=[repository.pk]))
    assert response.status_code == 302
    deleted = AuditEvent.objects.get(action="repository.delete")
    assert deleted.actor == cast.fiona
    assert deleted.target_name == "renamed"
    assert not Repository.objects.exists()
