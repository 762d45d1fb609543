"""Terminal output for `peerlearn analyze`: date parsing, the table and the JSON text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .analysis import KnowledgeMap
from .serialise import map_to_dict, statements
from .statements import what_if_sentence
from .truck_factor import parent_directories
from .visible import visible, visible_data


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


WIDTH = 80  # the table fits an 80-column terminal (narrower ones get their own width)


def render_table(
    knowledge: KnowledgeMap,
    console: Console,
    *,
    top: int = 10,
    leaving: tuple[str, ...] = (),
    rank_fixtures: bool = False,
) -> None:
    """Knowledge already lost first, then the truck factor (both answers), per-directory
    ownership, islands and, with `leaving` (person keys), what they would orphan."""
    names = {person.key: person.name for person in knowledge.people}
    said = statements(knowledge)
    loss = knowledge.knowledge_loss
    console.print(f"[bold]Knowledge loss:[/bold] {_shown(said['knowledge_loss'])}")
    for area in loss.areas[:top]:
        if area.kind == "file":
            where = _shown(area.path)
        else:
            where = f"{_shown(area.path)}/" if area.path else "(the whole repository)"
        size = f" ({area.files} files)" if area.kind == "directory" else ""
        known = ", ".join(_shown(names.get(k, k)) for k in area.authors[:3]) or "nobody"
        console.print(f"  {where}{size}: known by {known}")
    if len(loss.areas) > top:
        console.print(f"  … and {len(loss.areas) - top} more (--format json)")
    factor = knowledge.truck_factor
    console.print(
        f"[bold]Truck factor: {factor.value}[/bold]  ({factor.total_files} files analysed, "
        f"{knowledge.commits_analysed} commits, {len(knowledge.people)} people, "
        f"{len(knowledge.active_people)} active since {knowledge.active_since.date()})"
    )
    console.print(_shown(said["truck_factor"]))
    console.print(_shown(said["reference_truck_factor"]))
    people = Table(title="Truck-factor people", title_justify="left")
    for column in ("#", "person", "key", "files", "active", "reference"):
        people.add_column(column)
    for rank, key in enumerate(factor.removed, start=1):
        people.add_row(
            str(rank),
            _shown(names.get(key, key)),
            _shown(key),
            str(len(knowledge.files_of(key))),
            "yes" if key in knowledge.active_people else "no",
            "kept" if key in factor.reference_people else "pruned",
        )
    console.print(people)
    _directories(knowledge, console, names, top)
    _islands(knowledge, console, names, top, rank_fixtures)
    if leaving:
        _what_if(knowledge, console, names, leaving, top)
    if knowledge.excluded_files:
        left_out = ", ".join(f"{n} {reason}" for reason, n in knowledge.excluded_files.items())
        console.print(f"Files left out: {left_out} (see --format json for the rules)")
    for entry in knowledge.left_out:
        where = f" under {_shown(entry.path)}/" if entry.path else ""
        console.print(f"  {entry.files} files{where}: {entry.detail}")
    if knowledge.bots:
        console.print(f"Bots left out: {len(knowledge.bots)}")
        for bot in knowledge.bot_details[:top]:
            console.print(f"  {_shown(bot.identity)}: {bot.commits} commits ({_shown(bot.why)})")
        if len(knowledge.bot_details) > top:
            console.print(f"  … and {len(knowledge.bot_details) - top} more (--format json)")
    merged = sum(1 for person in knowledge.people if person.merges)
    if merged:
        console.print(f"People with several identities merged: {merged} (reasons in --format json)")


def _directories(
    knowledge: KnowledgeMap, console: Console, names: dict[str, str], top: int
) -> None:
    """Ownership of the top-level directories (the biggest `top`)."""
    shown = sorted(
        (d for d in knowledge.directories if d.path and "/" not in d.path),
        key=lambda d: (-d.files, d.path),
    )
    if not shown:
        return
    table = Table(title="Directories (top level)", title_justify="left")
    for column in ("path", "files", "main author", "active", "no active"):
        table.add_column(column)
    for directory in shown[:top]:
        table.add_row(
            f"{_shown(directory.path)}/",
            str(directory.files),
            _shown(names.get(directory.main_author or "", directory.main_author or "-")),
            str(len(directory.active_authors)),
            str(directory.files_without_active_author),
        )
    console.print(table)
    if len(shown) > top:
        console.print(f"  … and {len(shown) - top} more directories (--format json)")


def _islands(
    knowledge: KnowledgeMap,
    console: Console,
    names: dict[str, str],
    top: int,
    rank_fixtures: bool,
) -> None:
    ranked = [i for i in knowledge.islands if rank_fixtures or not i.fixture]
    fixtures = len(knowledge.islands) - len(ranked)
    if not ranked:
        console.print(
            "No knowledge islands: no code has exactly one active author"
            + (f" ({fixtures} in test fixtures and data: --rank-fixtures)." if fixtures else ".")
        )
        return
    table = Table(
        title=f"Top knowledge islands (of {len(ranked)}; by recent changes)",
        title_justify="left",
    )
    for column in ("path", "only active author", "size", "weight", "last change"):
        table.add_column(column)
    for island in ranked[:top]:
        path = _shown(island.path) or "(root)"
        if island.kind == "directory":
            path += "/"
            size = f"{island.size} files"
        else:
            size = f"{island.size} B"
        table.add_row(
            path,
            _shown(names.get(island.person, island.person)),
            size,
            f"{island.weight:.1f}",
            _day(island.last_change_at),
        )
    console.print(table)
    if fixtures:
        console.print(
            f"  {fixtures} islands in test fixtures and data not ranked (--rank-fixtures)"
        )


def _what_if(
    knowledge: KnowledgeMap,
    console: Console,
    names: dict[str, str],
    leaving: tuple[str, ...],
    top: int,
) -> None:
    result = knowledge.what_if(leaving)
    sentence = what_if_sentence(
        [names.get(key, key) for key in leaving],
        len(result.orphaned_files),
        len(knowledge.files),
        len(result.orphaned_directories),
        result.files_without_author_before,
    )
    console.print(f"[bold]What if:[/bold] {_shown(sentence)}")
    folders = _topmost(result.orphaned_directories)
    for path in folders[:top]:
        console.print(f"  {_shown(path) or '(the whole repository)'}/")
    if len(folders) > top:
        console.print(f"  … and {len(folders) - top} more directories (--top N)")
    # Files outside the directories just listed (those inside are orphaned with them).
    inside = set(folders)
    loose = [p for p in result.orphaned_files if not inside.intersection(parent_directories(p))]
    for path in loose[:top]:
        console.print(f"  {_shown(path)}")
    if len(loose) > top:
        console.print(f"  … and {len(loose) - top} more files (--top N)")


def _topmost(directories: tuple[str, ...]) -> list[str]:
    chosen: list[str] = []
    for path in directories:  # sorted: a parent comes before its children
        if not any(path == c or not c or path.startswith(c + "/") for c in chosen):
            chosen.append(path)
    return chosen


def find_people(knowledge: KnowledgeMap, text: str) -> tuple[str, ...]:
    """Person keys for a comma-separated list of names, keys or e-mail addresses
    (case-insensitive); a name that matches nobody raises ValueError."""
    keys: list[str] = []
    for wanted in (part.strip() for part in text.split(",")):
        if not wanted:
            continue
        folded = wanted.casefold()
        match = [
            p.key
            for p in knowledge.people
            if folded in {p.name.casefold(), p.key.casefold()}
            or folded in {n.casefold() for n in (*p.names, *p.emails)}
        ]
        if not match:
            raise ValueError(f"--what-if: nobody named {visible(wanted)!r} in the history")
        keys.extend(k for k in match if k not in keys)
    return tuple(keys)


def render_json(
    knowledge: KnowledgeMap,
    *,
    files: bool = True,
    leaving: tuple[str, ...] = (),
    months: list[dict[str, Any]] | None = None,
) -> str:
    data = map_to_dict(knowledge, files=files)
    if months is not None:
        data["months"] = visible_data(months)
    if leaving:
        result = knowledge.what_if(leaving)
        names = {person.key: person.name for person in knowledge.people}
        data["what_if"] = visible_data(
            {
                "removed": list(result.removed),
                "orphaned_files": list(result.orphaned_files),
                "orphaned_directories": list(result.orphaned_directories),
                "files_without_author_before": result.files_without_author_before,
                "statement": what_if_sentence(
                    [names.get(key, key) for key in leaving],
                    len(result.orphaned_files),
                    len(knowledge.files),
                    len(result.orphaned_directories),
                    result.files_without_author_before,
                ),
            }
        )
    return json.dumps(data, indent=2, ensure_ascii=False)


def elapsed_text(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds, 1)))
