"""Two signals read from what peerlearn already holds: knowledge islands from the
knowledge map, and onboarding steps newcomers marked as hard.

Each returns plain `SignalFinding`s; the app stores them as suggestions a lead decides.

Strength (0..1) is what a dismissed suggestion is compared against when it is found
again, so it must grow when the evidence does:

- island: 0.25 + 0.25·log10(1 + files) + 0.25·log10(1 + changes), at most 1; only areas
  whose single active author changed them in the last `recent_days`. A directory island
  hides the file islands inside it (one suggestion per area, not one per file).
- onboarding step: the share of newcomers who marked it hard, once at least
  `min_hard` did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class SignalFinding:
    key: str
    title: str
    strength: float
    description: str = ""
    code_areas: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IslandRow:
    kind: str  # "file" or "directory"
    path: str
    person: str  # the knowledge map's key of the one active author
    size: int  # files (directory) or bytes (file)
    changes: int
    last_change_at: datetime


def _inside(path: str, directory: str) -> bool:
    return directory == "" or path.startswith(directory.rstrip("/") + "/")


def island_findings(
    islands: Iterable[IslandRow],
    *,
    now: datetime,
    names: Mapping[str, str],
    repository: str,
    key_prefix: str,
    recent_days: int = 90,
    limit: int = 30,
) -> list[SignalFinding]:
    since = now - timedelta(days=recent_days)
    recent = [i for i in islands if i.last_change_at >= since and i.path]
    directories = sorted((i for i in recent if i.kind == "directory"), key=lambda i: i.path)
    kept: list[IslandRow] = []
    for island in directories:  # parents sort before their children
        if not any(_inside(island.path, d.path) for d in kept):
            kept.append(island)
    kept_dirs = list(kept)
    kept += [
        i
        for i in recent
        if i.kind == "file" and not any(_inside(i.path, d.path) for d in kept_dirs)
    ]
    findings = []
    for island in kept:
        files = island.size if island.kind == "directory" else 1
        strength = min(
            1.0, 0.25 + 0.25 * math.log10(1 + files) + 0.25 * math.log10(1 + island.changes)
        )
        who = names.get(island.person, island.person)
        what = f"{island.path}/" if island.kind == "directory" else island.path
        findings.append(
            SignalFinding(
                key=f"{key_prefix}{island.kind}:{island.path}",
                title=f"Share knowledge of {what[-150:]} (only {who[:40]} works on it)",
                strength=round(strength, 4),
                description=(
                    f"In {repository}, {who} is the only active author of `{what}`"
                    + (f" ({files} files)" if island.kind == "directory" else "")
                    + f", changed {island.changes} times, last on "
                    f"{island.last_change_at:%Y-%m-%d}. If {who} is away, nobody else knows it."
                ),
                code_areas=(island.path,),
                evidence={
                    "repository": repository,
                    "person": who,
                    "kind": island.kind,
                    "files": files,
                    "changes": island.changes,
                    "last_change_at": island.last_change_at.isoformat(),
                },
            )
        )
    findings.sort(key=lambda f: (-f.strength, f.key))
    return findings[:limit]


@dataclass(frozen=True)
class StepMarks:
    step_id: int
    title: str
    marked: int  # newcomers who said anything about the step
    hard: int
    comments: tuple[str, ...]


def onboarding_findings(steps: Iterable[StepMarks], *, min_hard: int = 2) -> list[SignalFinding]:
    findings = []
    for step in steps:
        if step.hard < min_hard or step.marked == 0:
            continue
        share = step.hard / step.marked
        quoted = "\n".join(f"> {c[:300]}" for c in step.comments[:5] if c.strip())
        findings.append(
            SignalFinding(
                key=f"step:{step.step_id}",
                title=f"Onboarding: {step.title[:170]}",
                strength=round(share, 4),
                description=(
                    f"{step.hard} of {step.marked} newcomers marked this step as hard."
                    + (f"\n\n{quoted}" if quoted else "")
                ),
                evidence={"hard": step.hard, "marked": step.marked},
            )
        )
    findings.sort(key=lambda f: (-f.strength, f.key))
    return findings
