"""Action items written in session notes as Markdown task-list lines.

    - [ ] @alice write the runbook (due 2026-12-10)
    - [ ] @bob.smith fix the flaky test due:2026-12-10
    - [x] @carol share the recording

A line-by-line reader, not a Markdown parser: task lines are one line each, and a
person fixing a typo wants the line number, which a Markdown token stream blurs. The
one block construct that matters is the fenced code block (an example of the syntax
in a code fence is not a task), so fences are tracked. A bad due date is reported as a
problem with its line and the item is kept without a date, as written: the notes are
saved whatever we think of one date in them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_PROBLEMS = 50
MAX_MENTION = 64
FIRST_YEAR, LAST_YEAR = 1970, 2100  # as every other date the product takes

_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_TASK = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[(?P<mark>[ xX])\](?:[ \t]+(?P<body>.*))?$")
_MENTION = re.compile(r"(?<![\w@])@(?P<name>[^\W_](?:[\w.-]*[^\W_])?)")
# "(due 2026-12-10)", "(due: 2026-12-10)", "due:2026-12-10", "due 2026-12-10" and the
# Obsidian Tasks calendar mark; "due to the outage" is no date (a date starts with a digit
# unless it is written after "due:" or in brackets).
_DUE = re.compile(
    r"\(\s*due\b:?\s*(?P<bracketed>[^)]*?)\s*\)"
    r"|\bdue:[ \t]*(?P<colon>\S+)"
    r"|\bdue[ \t]+(?P<spaced>\d\S*)"
    r"|\U0001f4c5[ \t]*(?P<calendar>\S+)",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EDGE_PUNCTUATION = " \t:;,-\u2013\u2014"


@dataclass(frozen=True)
class ActionLine:
    line: int  # 1-based line of the notes
    mention: str | None  # "alice" for "@alice", without the @
    text: str
    due: dt.date | None
    done: bool


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ActionLines:
    items: tuple[ActionLine, ...]
    problems: tuple[LineProblem, ...]  # the first MAX_PROBLEMS, in line order


def parse_action_lines(markdown: str) -> ActionLines:
    """Every task-list line outside code fences, and what is wrong with some of them."""
    items: list[ActionLine] = []
    problems: list[LineProblem] = []
    fence: str | None = None  # the opening fence while inside a fenced block

    def problem(line: int, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(LineProblem(line, message))

    for number, raw in enumerate(markdown.replace("\r\n", "\n").split("\n"), start=1):
        found_fence = _FENCE.match(raw)
        if fence is not None:
            # A fence closes with the same character, at least as long, and nothing after.
            if found_fence and _closes(fence, found_fence):
                fence = None
            continue
        if found_fence and not (found_fence["fence"][0] == "`" and "`" in found_fence["info"]):
            fence = found_fence["fence"]
            continue
        task = _TASK.match(raw)
        if task is not None:
            item = _item(number, task["mark"] != " ", (task["body"] or "").strip(), problem)
            if item is not None:
                items.append(item)
    return ActionLines(tuple(items), tuple(problems))


def _closes(fence: str, found: re.Match[str]) -> bool:
    closing = found["fence"]
    return closing[0] == fence[0] and len(closing) >= len(fence) and not found["info"].strip()


def _item(
    number: int, done: bool, body: str, problem: Callable[[int, str], None]
) -> ActionLine | None:
    due: dt.date | None = None
    text = body
    found_due = _DUE.search(body)
    if found_due is not None:
        written = next(value for value in found_due.groups() if value is not None)
        due = _date(written)
        if due is None:
            problem(number, f"not a due date: {written!r} (write it as YYYY-MM-DD)")
        else:
            text = body[: found_due.start()] + " " + body[found_due.end() :]
        if _DUE.search(body, found_due.end()):
            problem(number, "more than one due date: the first is used")
    mention: str | None = None
    found_mention = _MENTION.search(text)
    if found_mention is not None:
        mention = found_mention["name"]
        if len(mention) > MAX_MENTION:
            problem(number, f"the mention is longer than {MAX_MENTION} characters")
            mention = None
        before, after = text[: found_mention.start()], text[found_mention.end() :]
        # A leading or trailing mention names the owner; one inside the sentence is part of
        # it ("ask @bob about the quota") and stays in the text.
        if not before.strip(_EDGE_PUNCTUATION) or not after.strip(_EDGE_PUNCTUATION + "."):
            text = before.rstrip() + (" " if after[:1].isspace() else "") + after
    text = " ".join(text.split()).strip(_EDGE_PUNCTUATION)
    if not text:
        problem(number, "the action item says nothing to do")
        return None
    return ActionLine(number, mention, text, due, done)


def _date(written: str) -> dt.date | None:
    if not _ISO_DATE.match(written):
        return None
    try:
        value = dt.date.fromisoformat(written)
    except ValueError:
        return None
    return value if FIRST_YEAR <= value.year <= LAST_YEAR else None


__all__ = ["ActionLine", "ActionLines", "LineProblem", "parse_action_lines"]
