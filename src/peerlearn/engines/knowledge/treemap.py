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
    free = box
    start = 0
    while start < len(areas):
        side = min(free.width, free.height)
        end = start + 1
        row = [areas[start][1]]
        while end < len(areas) and _worst([*row, areas[end][1]], side) <= _worst(row, side):
            row.append(areas[end][1])
            end += 1
        # A strip along the shorter side: the top edge of a tall box, the left edge of a
        # wide one (laid out as the top edge of the box turned on its diagonal).
        wide = free.width >= free.height
        placed, free = _strip(row, _turned(free) if wide else free)
        if wide:
            placed, free = [_turned(rect) for rect in placed], _turned(free)
        for (index, _area), rect in zip(areas[start:end], placed, strict=True):
            rects[index] = rect
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


def _strip(row: Sequence[float], free: Rect) -> tuple[list[Rect], Rect]:
    """Areas laid side by side along the top edge of `free`, and what is left below."""
    thickness = min(free.height, sum(row) / free.width) if free.width else 0.0
    placed, offset = [], free.x
    for number, area in enumerate(row):
        length = area / thickness if thickness else 0.0
        if number == len(row) - 1:  # the last tile ends exactly at the edge: no drift
            length = free.x + free.width - offset
        placed.append(Rect(offset, free.y, length, thickness))
        offset += length
    rest = Rect(free.x, free.y + thickness, free.width, max(0.0, free.height - thickness))
    return placed, rest


def _turned(rect: Rect) -> Rect:
    """The rectangle mirrored on the diagonal (x and y swapped): turning twice is a no-op."""
    return Rect(rect.y, rect.x, rect.height, rect.width)
