"""Map pages of a repository with names that are not UTF-8 or hold control characters,
and the per-process cache of parsed maps bounded by memory, not by count."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.urls import reverse

from peerlearn.knowledge import result
from peerlearn.knowledge.models import AnalysisStatus
from tests.conftest import Cast, client_for
from tests.engines.knowledge.test_hostile_names import hostile_repo

from .conftest import Register, latest, recent_repo


def test_map_pages_show_undecodable_and_control_names_escaped(
    cast: Cast, roots: Path, register: Register
) -> None:
    repo = hostile_repo(recent_repo(roots / "hostile"))
    repository = register(str(repo.path), kind="local")
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.DONE, analysis.error
    client = client_for(cast.bob)
    page = client.get(reverse("knowledge:repository", args=[repository.pk]))
    assert page.status_code == 200
    body = page.content.decode("utf-8")
    assert "\x1b" not in body
    assert "Mallory \\x1b]0;owned" in body
    files = client.get(reverse("knowledge:files", args=[repository.pk]))
    assert files.status_code == 200
    listing = files.content.decode("utf-8")
    assert "caf\\xe9-latin1.py" in listing
    assert "\\x01weird.py" in listing
    person = client.get(
        reverse("knowledge:person", args=[repository.pk]) + "?key=" + quote("bob@example.com")
    )
    assert person.status_code == 200
    assert "caf\\xe9-latin1.py" in person.content.decode("utf-8")


def test_map_cache_is_bounded_by_memory(
    cast: Cast, source: Any, register: Register, settings: Any
) -> None:
    repository = register(str(source.path), kind="local")
    good = latest(repository)
    cost = len(good.result) * result.MEMORY_PER_JSON_BYTE
    result._CACHE.clear()
    result.load_map(good.pk, good.finished_at, good.result, budget=cost - 1)
    assert result.cached_bytes() == 0  # bigger than the budget: parsed, not kept
    for fake_id in range(5):
        result.load_map(10_000 + fake_id, good.finished_at, good.result, budget=2 * cost)
    assert result.cached_bytes() == 2 * cost  # the two most recent, not eight
    assert set(result._CACHE) == {
        (10_003, good.finished_at.isoformat()),
        (10_004, good.finished_at.isoformat()),
    }
