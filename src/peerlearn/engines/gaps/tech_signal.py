"""Dependencies added lately (new_technologies.new_dependencies) as suggested gaps.

A new dependency much code already uses but few people have touched is knowledge held by
few. Strength: min(1, 0.2 + 0.08·min(importers, 10)) / sqrt(max(people, 1)) — ten
importing files known by one person give 1.0, by four people 0.5; a dependency declared
but not imported yet gives 0.2.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from peerlearn.engines.gaps.local_signals import SignalFinding
from peerlearn.engines.gaps.new_technologies import NewDependency

AREAS_SHOWN = 5


def _areas(importers: Iterable[str]) -> list[str]:
    directories = Counter(
        path.rsplit("/", 1)[0] + "/" if "/" in path else path for path in importers
    )
    return [path for path, _ in directories.most_common(AREAS_SHOWN)]


def tech_findings(
    found: Iterable[NewDependency], *, repository: str, key_prefix: str
) -> list[SignalFinding]:
    findings = []
    for item in found:
        name, ecosystem = item.dependency.name, item.dependency.ecosystem
        reach = len(item.importers)
        strength = min(1.0, 0.2 + 0.08 * min(reach, 10)) / math.sqrt(max(item.people, 1))
        used = (
            f"It is used in {reach} file{'s' if reach != 1 else ''}, changed since by "
            f"{item.people} {'person' if item.people == 1 else 'people'}."
            if reach
            else "No file imports it yet."
        )
        findings.append(
            SignalFinding(
                key=f"{key_prefix}{ecosystem}:{name}"[:500],
                title=f"New technology: {name} ({ecosystem})"[:200],
                strength=round(min(strength, 1.0), 4),
                description=(
                    f"{item.introduced_by_name[:80]} added `{name}` to `{item.manifest}` in "
                    f"{repository} on {item.introduced_at:%Y-%m-%d}. {used}"
                ),
                code_areas=tuple(_areas(item.importers)),
                evidence={
                    "repository": repository,
                    "dependency": name,
                    "ecosystem": ecosystem,
                    "manifest": item.manifest,
                    "introduced_by": item.introduced_by_name[:80],
                    "introduced_at": item.introduced_at.isoformat(),
                    "importers": reach,
                    "people": item.people,
                },
            )
        )
    findings.sort(key=lambda f: (-f.strength, f.key))
    return findings
