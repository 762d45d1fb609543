"""docs/configuration.md names every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "peerlearn" / "config" / "settings.py"
DOC = ROOT / "docs" / "configuration.md"


def settings_variables() -> list[str]:
    source = SETTINGS.read_text(encoding="utf-8")
    names = re.findall(r'env_(?:str|bool|int|list|secret)\(\s*"([A-Z0-9_]+)"', source)
    secrets = re.findall(r'env_secret\(\s*"([A-Z0-9_]+)"', source)
    return sorted({*names, *(f"{name}_FILE" for name in secrets)})


def test_settings_read_some_variables() -> None:
    assert "DATABASE_URL" in settings_variables()


@pytest.mark.parametrize("name", settings_variables())
def test_configuration_doc_explains_variable(name: str) -> None:
    assert f"`{name}`" in DOC.read_text(encoding="utf-8"), f"document {name} in {DOC.name}"
