"""Planning fixtures: the cast's Platform team with a small analysed repository (an island
of alice's that bob changes without authoring it), gaps of several kinds, and helpers to
propose a plan through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from peerlearn.gaps import services as gap_services
from peerlearn.gaps.models import Gap
from peerlearn.knowledge.models import Repository
from peerlearn.people.models import User
from peerlearn.planning import services
from peerlearn.planning.models import Plan
from tests.browser.conftest import browser_type_launch_args, console
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo, text
from tests.knowledge.conftest import ALICE, BOB, FIONA, recent_repo, register, roots

__all__ = ["browser_type_launch_args", "console", "register", "roots"]


def island_history(repo: GitRepo) -> GitRepo:
    """src/billing/: alice's alone, though bob changed invoice.py once (a learner);
    src/core.py: alice and bob both author it; lib/util.py: fiona's."""
    repo.commit(ALICE, write={"src/billing/invoice.py": text(30, "inv")})
    repo.commit(ALICE, write={"src/billing/tax.py": text(15, "tax")})
    for n in range(3):
        repo.commit(ALICE, write={"src/billing/invoice.py": text(31 + n, "inv")})
    repo.commit(BOB, write={"src/billing/invoice.py": text(40, "inv")})
    repo.commit(ALICE, write={"src/core.py": text(20, "core")})
    repo.commit(BOB, write={"src/core.py": text(21, "core")})
    repo.commit(BOB, write={"src/core.py": text(22, "core")})
    repo.commit(FIONA, write={"lib/util.py": text(12, "util")})
    return repo


@pytest.fixture
def mapped(roots: Path, register: Callable[..., Repository]) -> Repository:
    """Platform's repository "app", analysed (the task runs at once)."""
    source = island_history(recent_repo(roots / "app"))
    return register(str(source.path), kind="local")


@pytest.fixture
def gaps(cast: Cast) -> dict[str, Gap]:
    make = gap_services.gap_create
    return {
        "billing": make(
            team=cast.platform,
            raised_by=None,
            title="How billing works",
            source="codebase",
            code_areas=["src/billing/"],
        ),
        "kafka": make(
            team=cast.platform, raised_by=cast.bob, title="Kafka", source="new_technology"
        ),
        "flaky": make(
            team=cast.platform,
            raised_by=cast.bob,
            title="Flaky payments tests",
            source="recurring_bugs",
            code_areas=["src/payments/"],
        ),
        "testing": make(
            team=cast.platform, raised_by=cast.alice, title="Testing habits", source="retrospective"
        ),
    }


def next_monday(days: int = 7) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    return day + dt.timedelta(days=(0 - day.weekday()) % 7)


Propose = Callable[..., Plan]


@pytest.fixture
def propose(cast: Cast) -> Propose:
    def make(actor: User | None = None, **overrides: Any) -> Plan:
        fields: dict[str, Any] = {
            "team": cast.platform,
            "actor": actor or cast.alice,
            "start": next_monday(),
            "weekday": 2,
            "at": dt.time(11, 0),
            "count": 4,
            "minutes": 60,
            "time_zone": "Europe/Berlin",
        }
        fields.update(overrides)
        return services.plan_propose(**fields)

    return make


Capture = Callable[..., AbstractContextManager[object]]
