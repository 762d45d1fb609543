"""Whether a knowledge-base page may be out of date: the code it is about changed a lot
since it was published.

The knowledge map keeps, for every file, when it last changed (not every change), so
"a lot" is measured as the share of the page's files that changed after the page was
published: STALE_SHARE or more of them, and at least one. An area is a path prefix
(a directory) or a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

STALE_SHARE = 0.3


@dataclass(frozen=True)
class AreaFile:
    path: str
    last_change_at: datetime | None


@dataclass(frozen=True)
class Staleness:
    files: int  # files of the page's areas the map knows
    changed: int  # of them, changed after the page was published

    @property
    def share(self) -> float:
        return self.changed / self.files if self.files else 0.0

    @property
    def stale(self) -> bool:
        return self.changed > 0 and self.share >= STALE_SHARE


def _covered(path: str, areas: list[str]) -> bool:
    return any(path == area or path.startswith(f"{area}/") for area in areas)


def staleness(areas: Iterable[str], files: Iterable[AreaFile], published_at: datetime) -> Staleness:
    wanted = [area.strip("/") for area in areas if area.strip("/")]
    if not wanted:
        return Staleness(0, 0)
    total = changed = 0
    for file in files:
        if not _covered(file.path, wanted):
            continue
        total += 1
        if file.last_change_at is not None and file.last_change_at > published_at:
            changed += 1
    return Staleness(total, changed)
