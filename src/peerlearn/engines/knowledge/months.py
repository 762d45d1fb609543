"""Month-end summaries: the map's headline figures "as of" the end of each month.

Each is exactly what `peerlearn analyze --as-of <last day of the month>` gives (the
history up to the newest first-parent commit by then, "active" relative to the month's
end), cut down to a few numbers so a long series stays small.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from .analysis import AnalysisOptions, KnowledgeMap, analyze_repository
from .errors import EmptyHistory


@dataclass(frozen=True, slots=True)
class MonthSummary:
    month: str  # "2024-05"
    tip: str | None  # the commit the month ended on
    files: int
    truck_factor: int  # the literal count (TruckFactor.removed)
    reference_truck_factor: int  # the reference tool's pruned list
    files_at_risk: int  # files with exactly one active author
    files_without_active_author: int  # knowledge already lost


def summarise(knowledge: KnowledgeMap, month: str) -> MonthSummary:
    active = frozenset(knowledge.active_people)
    at_risk = sum(
        1 for entry in knowledge.files if sum(1 for p in entry.authors if p in active) == 1
    )
    factor = knowledge.truck_factor
    return MonthSummary(
        month,
        knowledge.tip,
        len(knowledge.files),
        len(factor.removed),
        len(factor.reference_people),
        at_risk,
        knowledge.knowledge_loss.files_without_active_author,
    )


def month_end(month: str) -> datetime:
    """The last instant of a month ("2024-05"), UTC: what `--as-of 2024-05-31` means."""
    year, number = (int(part) for part in month.split("-"))
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return datetime.combine((following - timedelta(days=1)).date(), time.max, tzinfo=UTC)


def last_months(count: int, now: datetime) -> list[str]:
    """The `count` months that ended before `now`, oldest first."""
    year, month = now.year, now.month
    months = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(f"{year:04d}-{month:02d}")
    return months[::-1]


def month_summaries(repo: Path, options: AnalysisOptions, months: list[str]) -> list[MonthSummary]:
    """One summary per month that has commits by its end (earlier months are skipped)."""
    summaries = []
    for month in months:
        try:
            run = analyze_repository(repo, replace(options, as_of=month_end(month)))
        except EmptyHistory:
            continue
        summaries.append(summarise(run.map, month))
    return summaries


def summaries_to_list(summaries: list[MonthSummary]) -> list[dict[str, Any]]:
    return [asdict(summary) for summary in summaries]
