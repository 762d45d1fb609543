"""The site's colours meet WCAG 2.2 AA contrast: text 4.5:1, the focus ring 3:1 against
every background it is drawn on (site.css custom properties)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SITE_CSS = Path(__file__).parents[2] / "src/peerlearn/web/static/peerlearn/site.css"


def _colours() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", SITE_CSS.read_text(), re.DOTALL)
    assert root is not None, "site.css has no :root block"
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#f59e0b", "#ffffff") == pytest.approx(2.15, abs=0.01)  # the old ring


@pytest.mark.parametrize(
    ("foreground", "background", "needed"),
    [
        ("ink", "paper", 4.5),
        ("ink", "wash", 4.5),
        ("muted", "paper", 4.5),
        ("muted", "wash", 4.5),
        ("accent", "paper", 4.5),
        ("accent-ink", "accent", 4.5),
        ("ok", "paper", 4.5),
        ("warn", "paper", 4.5),
        ("bad", "paper", 4.5),
        ("focus", "paper", 3.0),
        ("focus", "wash", 3.0),
    ],
)
def test_pairs_meet_aa(foreground: str, background: str, needed: float) -> None:
    colours = _colours()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= needed, f"--{foreground} on --{background}: {ratio:.2f}:1, needs {needed}:1"
