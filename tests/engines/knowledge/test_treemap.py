"""The squarified treemap: tiles fill the box exactly, never overlap, have areas in
proportion to their weights, and are squarer than slicing the box in strips."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.knowledge.treemap import Rect, squarify

BOX = Rect(10.0, 20.0, 1000.0, 600.0)


def _overlap(a: Rect, b: Rect) -> float:
    wide = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    tall = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return max(0.0, wide) * max(0.0, tall)


def _inside(rect: Rect, box: Rect, eps: float = 1e-6) -> bool:
    return (
        rect.x >= box.x - eps
        and rect.y >= box.y - eps
        and rect.x + rect.width <= box.x + box.width + eps
        and rect.y + rect.height <= box.y + box.height + eps
    )


@settings(deadline=None)  # the pairwise overlap check is slow on a loaded machine
@given(
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=60),
    st.floats(min_value=1.0, max_value=3000.0),
    st.floats(min_value=1.0, max_value=3000.0),
)
def test_tiles_fill_the_box_in_proportion_without_overlapping(
    weights: list[int], width: float, height: float
) -> None:
    weights.sort(reverse=True)
    box = Rect(0.0, 0.0, width, height)
    rects = squarify(weights, box)
    assert len(rects) == len(weights)
    total = sum(weights)
    for weight, rect in zip(weights, rects, strict=True):
        assert _inside(rect, box, eps=1e-6 * max(width, height))
        assert math.isclose(rect.area, weight / total * box.area, rel_tol=1e-6, abs_tol=1e-6)
    assert math.isclose(sum(r.area for r in rects), box.area, rel_tol=1e-9)
    for a, b in itertools.combinations(rects, 2):
        assert _overlap(a, b) <= 1e-6 * box.area


def test_order_is_kept_and_the_box_offset_respected() -> None:
    rects = squarify([6, 6, 4, 3, 2, 2, 1], BOX)
    assert all(_inside(rect, BOX) for rect in rects)
    # The example of the paper: 6 and 6 share the first column of a 6 x 4 box.
    paper = squarify([6, 6, 4, 3, 2, 2, 1], Rect(0, 0, 6, 4))
    assert paper[0] == Rect(0, 0, 3, 2)
    assert paper[1] == Rect(0, 2, 3, 2)


def test_tiles_are_squarer_than_strips() -> None:
    weights = sorted((17, 3, 9, 30, 1, 8, 12, 5, 5, 2, 40, 7), reverse=True)
    rects = squarify(weights, BOX)
    aspect = max(max(r.width / r.height, r.height / r.width) for r in rects)
    strip_aspect = max(BOX.height / (BOX.width * w / sum(weights)) for w in weights)
    assert aspect < 6
    assert aspect < strip_aspect / 10


def test_nothing_to_lay_out() -> None:
    assert squarify([], BOX) == []
    assert [r.area for r in squarify([0, -3, 5], BOX)] == [0.0, 0.0, BOX.area]
    assert [r.area for r in squarify([4, 2], Rect(0, 0, 0, 100))] == [0.0, 0.0]


def test_inset_never_goes_negative() -> None:
    assert Rect(0, 0, 10, 4).inset(2, 3, 2, 3) == Rect(2, 3, 6, 0)
    assert Rect(0, 0, 3, 3).inset(5, 5, 5, 5).area == 0
