"""How far a plan would spread knowledge: files and areas gaining a second author, and
the truck factor before and after.

The model (stated on the page beside its figures): a learner who pairs with an author
on an area, or attends a Deep Dive its author gives on it, becomes an author of the
files in that area the facilitator authors. Talks to the whole team (Lunch & Learn) and
code reviews are not counted: they spread awareness, not authorship. It is an upper
bound on what a quarter can do, good for comparing two plans, not a forecast.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from peerlearn.engines.knowledge.truck_factor import truck_factor

from .model import DEEP_DIVE, PAIRING, PlanItem

ASSUMPTION = (
    "A learner who pairs with an author on an area, or attends that author's Deep Dive on "
    "it, is counted as an author of the area's files the facilitator authors; talks and "
    "code reviews are not counted."
)


@dataclass(frozen=True, slots=True)
class Spread:
    files_gaining_second_author: int
    areas_gaining_second_author: int
    truck_factor_before: int
    truck_factor_after: int
    files: int


def _in_area(path: str, area: str) -> bool:
    area = area.rstrip("/")
    return bool(area) and (path == area or path.startswith(area + "/"))


def estimate(
    authors_by_file: Mapping[str, Collection[str]],
    items: Iterable[PlanItem],
    *,
    changes_by_person: Mapping[str, int] | None = None,
) -> Spread:
    changes = changes_by_person or {}
    after: dict[str, set[str]] = {path: set(a) for path, a in authors_by_file.items()}
    areas_before: dict[str, bool] = {}
    touched_areas: set[str] = set()
    for item in items:
        if item.format not in (PAIRING, DEEP_DIVE) or not item.topic.area or not item.audience:
            continue
        area = item.topic.area
        touched_areas.add(area)
        for path, authors in after.items():
            if _in_area(path, area) and item.facilitator in authors_by_file[path]:
                authors.update(item.audience)
    gained = sum(
        1 for path, authors in authors_by_file.items() if len(authors) < 2 <= len(after[path])
    )
    for area in touched_areas:
        paths = [p for p in authors_by_file if _in_area(p, area)]
        areas_before[area] = bool(paths) and any(
            len(authors_by_file[p]) < 2 <= len(after[p]) for p in paths
        )
    before_tf = truck_factor(authors_by_file, changes).value
    after_tf = truck_factor(after, changes).value
    return Spread(
        files_gaining_second_author=gained,
        areas_gaining_second_author=sum(areas_before.values()),
        truck_factor_before=before_tf,
        truck_factor_after=after_tf,
        files=len(authors_by_file),
    )
