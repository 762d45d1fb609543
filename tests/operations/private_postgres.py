"""A PostgreSQL server of the test's own, started with scripts/pgserver.py's helper, that
the test may stop, start and restart (the server the suite runs against must not)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pgserver.py"


def pgserver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pgserver", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("pgserver", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def private_postgres() -> Iterator[object]:
    helper = pgserver()
    try:
        helper.find_bin_dir()
    except SystemExit as missing:
        pytest.skip(str(missing))
    with helper.postgres_cluster() as server:
        yield server
