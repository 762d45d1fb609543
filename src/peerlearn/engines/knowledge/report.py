"""Terminal output for `peerlearn analyze`: date parsing, the table and the JSON text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .analysis import KnowledgeMap
from .serialise import map_to_dict
from .visible import visible


def _shown(text: str) -> str:
    """Repository text for the terminal: escapes visible, rich markup not interpreted."""
    return escape(visible(text))


def parse_date(text: str, *, end_of_day: bool = False) -> datetime:
    """ISO date or date-time; naive values are UTC. A bare date used as an upper bound
    (--as-of) means the end of that day, as a person reading it would expect."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"bad date {text!r}: use YYYY-MM-DD or an ISO date-time like 2024-05-01T12:00"
        ) from None
    if len(text.strip()) == 10 and end_of_day:
        moment = datetime.combine(moment.date(), time.max)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat() if timestamp else "-"


def render_table(knowledge: KnowledgeMap, console: Console, *, top: int = 10) -> None:
    names = {person.key: person.name for person in knowledge.people}
    factor = knowledge.truck_factor
    console.print(
        f"[bold]Truck factor: {factor.value}[/bold]  ({factor.total_files} files analysed, "
        f"{knowledge.commits_analysed} commits, {len(knowledge.people)} people, "
        f"{len(knowledge.active_people)} active since {knowledge.active_since.date()})"
    )
    people = Table(title="Truck-factor people", title_justify="left")
    for column in ("#", "person", "key", "files authored", "active"):
        people.add_column(column)
    for rank, key in enumerate(factor.people, start=1):
        people.add_row(
            str(rank),
            _shown(names.get(key, key)),
            _shown(key),
            str(len(knowledge.files_of(key))),
            "yes" if key in knowledge.active_people else "no",
        )
    console.print(people)
    if factor.pruned:
        console.print(
            f"Pruned (<10 % of the top author's files): {_shown(', '.join(factor.pruned))}"
        )

    islands = Table(
        title=f"Top knowledge islands (of {len(knowledge.islands)})", title_justify="left"
    )
    for column in ("kind", "path", "only active author", "size", "changes", "last change"):
        islands.add_column(column)
    for island in knowledge.islands[:top]:
        islands.add_row(
            island.kind,
            _shown(island.path) or "(root)",
            _shown(names.get(island.person, island.person)),
            f"{island.size} files" if island.kind == "directory" else f"{island.size} B",
            str(island.changes),
            _day(island.last_change_at),
        )
    console.print(islands)
    if knowledge.excluded_files:
        left_out = ", ".join(f"{n} {reason}" for reason, n in knowledge.excluded_files.items())
        console.print(f"Files left out: {left_out} (see --format json for the rules)")
    for entry in knowledge.left_out:
        where = f" under {_shown(entry.path)}/" if entry.path else ""
        console.print(f"  {entry.files} files{where}: {entry.detail}")
    if knowledge.bots:
        console.print(f"Bots left out: {len(knowledge.bots)}")
        for bot in knowledge.bot_details[:top]:
            console.print(f"  {_shown(bot.identity)}: {bot.commits} commits ({bot.why})")
        if len(knowledge.bot_details) > top:
            console.print(f"  … and {len(knowledge.bot_details) - top} more (--format json)")
    merged = sum(1 for person in knowledge.people if person.merges)
    if merged:
        console.print(f"People with several identities merged: {merged} (reasons in --format json)")


def render_json(knowledge: KnowledgeMap, *, files: bool = True) -> str:
    return json.dumps(map_to_dict(knowledge, files=files), indent=2, ensure_ascii=False)


def elapsed_text(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds, 1)))
