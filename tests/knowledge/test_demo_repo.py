"""`peerlearn demo` comes with a knowledge map of a realistic repository."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from peerlearn.demo import DEMO_PASSWORD, demo_load
from peerlearn.knowledge.models import AnalysisStatus, Repository

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path  # no PEERLEARN_REPOSITORY_ROOTS: the demo needs none


def test_demo_repository_is_analysed_with_islands_orphans_renames_and_bots() -> None:
    demo_load()
    demo_load()  # loading again adds nothing
    repository = Repository.objects.get()
    assert repository.team.slug == "platform"
    analysis = repository.analyses.get()
    assert analysis.status == AnalysisStatus.DONE, analysis.error
    data = json.loads(analysis.result)
    authors = {row[0]: row[4] for row in data["file_rows"]}
    assert authors["services/api/routes.py"][0] in {
        "bob@northwind.example",
        "carol@northwind.example",
    }
    # Created by frank as scripts/release.sh; the rename keeps him its creator.
    assert "frank@northwind.example" in authors["pipeline/release.sh"]
    assert "vendor/retry/retry.py" not in authors
    # A file only dependabot ever touched is counted as left out, not silently dropped.
    assert data["excluded_files"] == {"bot-only": 1, "generated": 1, "vendored": 1}
    assert data["bots"] == ["dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"]
    assert [b["why"] for b in data["bot_rules"]] == ["a GitHub App ([bot] in the name or address)"]
    islands = {(i["path"], i["person"]) for i in data["islands"]}
    assert ("services/deploy", "alice@northwind.example") in islands
    billing = next(d for d in data["directories"] if d["path"] == "legacy/billing")
    assert billing["active_authors"] == []  # priya left: orphaned


def test_demo_map_page_names_accounts_and_shows_the_truck_factor() -> None:
    demo_load()
    repository = Repository.objects.get()
    client = Client()
    assert client.login(username="carol", password=DEMO_PASSWORD)
    body = re.sub(
        r"\s+",
        " ",
        client.get(reverse("knowledge:repository", args=[repository.pk])).content.decode(),
    )
    assert "Truck factor: <span" in body
    assert "Alice Moreau" in body
    assert (
        'Priya Shah</a> <span class="muted">(git name; no account with priya@northwind.example)'
        in body
    )
    assert 'class="node knowledge-orphaned"><a href="/knowledge/repositories/' in body
