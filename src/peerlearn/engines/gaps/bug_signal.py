"""Recurring bug clusters as suggested gaps.

A cluster of similar bug reports (bugs.cluster_bugs) that keeps coming back
(bugs.recurring) is something the team has not learnt yet. Strength:
min(1, 0.1·reports + 0.15·episodes + 0.1 if reported within 90 days or reopened).
Code areas come from the commits that fixed them (fix_commits.areas_for_issues), when
the team has repositories; the caller passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from peerlearn.engines.gaps.bugs import BugCluster, TrackerIssue, cluster_bugs, recurring
from peerlearn.engines.gaps.local_signals import SignalFinding

MAX_KEYS_SHOWN = 12


def recurring_clusters(issues: Sequence[TrackerIssue]) -> list[BugCluster]:
    return [cluster for cluster in cluster_bugs(issues) if recurring(cluster)]


def bug_findings(
    clusters: Iterable[BugCluster],
    *,
    areas: Mapping[tuple[str, ...], Sequence[tuple[str, int]]] | None = None,
    titles: Mapping[str, str] | None = None,
) -> list[SignalFinding]:
    """`areas[cluster.keys]`: code areas and how many fixing commits touched each;
    `titles[key]`: the reports' titles, quoted in the description."""
    findings = []
    for cluster in clusters:
        reports = len(cluster.keys)
        strength = min(
            1.0,
            0.1 * reports + 0.15 * cluster.recurrences + (0.1 if cluster.reopened_or_recent else 0),
        )
        touched = list((areas or {}).get(cluster.keys, ()))[:5]
        quoted = "\n".join(
            f"- {key} {(titles or {}).get(key, '')[:150]}".rstrip()
            for key in cluster.keys[:MAX_KEYS_SHOWN]
        )
        more = f"\n- … and {reports - MAX_KEYS_SHOWN} more" if reports > MAX_KEYS_SHOWN else ""
        where = (
            "\n\nFixed in: " + ", ".join(f"`{path}` ({count})" for path, count in touched)
            if touched
            else ""
        )
        findings.append(
            SignalFinding(
                key=f"bugs:{cluster.keys[0]}",
                title=f"Recurring bugs: {cluster.label}"[:200],
                strength=round(strength, 4),
                description=(
                    f"{reports} bug reports about {cluster.label} in {cluster.recurrences} "
                    f"episodes, {cluster.first_seen:%Y-%m-%d} to {cluster.last_seen:%Y-%m-%d}"
                    f" ({len(cluster.open_keys)} still open):\n\n{quoted}{more}{where}"
                ),
                code_areas=tuple(path for path, _ in touched),
                evidence={
                    "reports": reports,
                    "episodes": cluster.recurrences,
                    "open": len(cluster.open_keys),
                    "first_seen": cluster.first_seen.isoformat(),
                    "last_seen": cluster.last_seen.isoformat(),
                    "keys": list(cluster.keys[:50]),
                },
            )
        )
    findings.sort(key=lambda f: (-f.strength, f.key))
    return findings
