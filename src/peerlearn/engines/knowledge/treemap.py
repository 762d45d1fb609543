"""Squarified treemap layout (Bruls, Huizing and van Wijk, 2000): rectangles that tile a
box, each with an area proportional to its weight, as close to square as the greedy
row-by-row method gets them. Square tiles are what make a treemap readable: long thin
slivers cannot carry a label and are hard to click."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def area(self) -> float:
        return self.width * self.height

    def inset(self, left: float, top: float, right: float, bottom: float) -> Rect:
        """This rectangle less margins, never of negative size."""
        width = max(0.0, self.width - left - right)
        height = max(0.0, self.height - top - bottom)
        return Rect(self.x + min(left, self.width), self.y + min(top, self.height), width, height)


def squarify(weights: Sequence[float], box: Rect) -> list[Rect]:
    """One rectangle per weight, in the order given, tiling `box`.

    Callers pass weights largest first (the method assumes it to keep tiles square).
    Zero and negative weights get empty rectangles; an empty box gives empty ones too.
    """
    rects = [Rect(box.x, box.y, 0.0, 0.0)] * len(weights)
    positive = [(index, float(w)) for index, w in enumerate(weights) if w > 0]
    total = sum(w for _, w in positive)
    if not positive or box.width <= 0 or box.height <= 0:
        return rects
    scale = box.width * box.height / total
    areas = [(index, w * scale) for index, w in positive]
    x, y, width, height = box.x, box.y, box.width, box.height
    start = 0
    while start < len(areas):
        side = min(width, height)
        end = start + 1
        row = [areas[start][1]]
        while end < len(areas) and _worst([*row, areas[end][1]], side) <= _worst(row, side):
            row.append(areas[end][1])
            end += 1
        row_area = sum(row)
        if width >= height:  # a column along the left edge
            thickness = min(width, row_area / height) if height else 0.0
            offset = y
            for (index, area), last in _with_last(areas[start:end]):
                tall = area / thickness if thickness else 0.0
                tall = y + height - offset if last else tall
                rects[index] = Rect(x, offset, thickness, tall)
                offset += tall
            x, width = x + thickness, max(0.0, width - thickness)
        else:  # a row along the top edge
            thickness = min(height, row_area / width) if width else 0.0
            offset = x
            for (index, area), last in _with_last(areas[start:end]):
                wide = area / thickness if thickness else 0.0
                wide = x + width - offset if last else wide
                rects[index] = Rect(offset, y, wide, thickness)
                offset += wide
            y, height = y + thickness, max(0.0, height - thickness)
        start = end
    return rects


def _worst(row: Sequence[float], side: float) -> float:
    """The worst aspect ratio (≥ 1) of a row of areas laid along a side of this length."""
    total = sum(row)
    if total <= 0 or side <= 0:
        return float("inf")
    side_squared, total_squared = side * side, total * total
    return max(
        max(side_squared * a / total_squared, total_squared / (side_squared * a)) for a in row
    )


def _with_last[T](items: Sequence[T]) -> list[tuple[T, bool]]:
    return [(item, index == len(items) - 1) for index, item in enumerate(items)]
