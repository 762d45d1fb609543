"""Issue exports of GitHub, GitLab and Jira, read into ``TrackerIssue``s.

Trackers keep what people pasted: a title's line breaks and control characters become
spaces and a body loses its control characters (other than tab and line breaks), rather
than refusing an export nobody can edit.

Dates without an offset (GitLab's CSV says UTC in its header; Jira writes the exporting
user's local time and no zone) are taken as UTC unless ``assume_zone`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from peerlearn.engines.gaps.bugs import TrackerIssue
from peerlearn.engines.gaps.imports.problems import (
    CONTROL,
    LINE_CONTROL,
    ImportProblems,
    Problem,
    Problems,
    csv_records,
    decode_upload,
)

MAX_ISSUES = 100_000
_JIRA_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[0-9]+")
_JIRA_DATE_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M")
_OPEN = {"open", "opened", "reopened"}
_CLOSED = {"closed", "merged"}
_JIRA_DONE = {"done", "closed", "resolved", "fixed", "won't do", "cancelled", "canceled"}


def parse_date(text: str, assume_zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """ISO 8601 (``Z`` or an offset or none) or Jira's ``02/Dec/26 4:05 PM``, in UTC."""
    value = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        for pattern in _JIRA_DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"not a date: {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=assume_zone)
    return parsed.astimezone(dt.UTC)


def _state(value: object) -> str:
    text = str(value).strip().casefold()
    if text in _OPEN:
        return "open"
    if text in _CLOSED:
        return "closed"
    raise ValueError(f"not an issue state: {value!r}")


# ---------------------------------------------------------------- GitHub


def parse_github_issues_json(data: bytes, *, max_issues: int = MAX_ISSUES) -> list[TrackerIssue]:
    """``gh api repos/o/r/issues --paginate`` (arrays written one after another, or
    ``--slurp``'s array of arrays) or ``gh issue list --json …``; pull requests skipped."""
    text = decode_upload(data)
    problems = Problems()
    issues: list[TrackerIssue] = []
    item_lines: list[int] = []
    for position, (line, item) in enumerate(_json_items(text), start=1):
        if len(issues) >= max_issues:
            problems.add(line, None, f"more than {max_issues} issues: split the file")
            break
        if not isinstance(item, dict):
            problems.add(line, None, f"item {position} is not an object")
            continue
        if "pull_request" in item:
            continue
        try:
            issues.append(_github_issue(item))
        except (KeyError, TypeError, ValueError) as error:
            problems.add(line, None, f"item {position}: {_reason(error)}")
            continue
        item_lines.append(line)
    _check_keys(issues, item_lines, problems)
    problems.raise_if_any()
    return issues


def _github_issue(item: dict[str, Any]) -> TrackerIssue:
    number = item["number"]
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValueError(f"'number' is not an issue number: {number!r}")
    labels = tuple(
        str(label["name"] if isinstance(label, dict) else label)
        for label in item.get("labels") or ()
    )
    kind = item.get("type")
    created = item.get("created_at", item.get("createdAt"))
    closed = item.get("closed_at", item.get("closedAt"))
    return TrackerIssue(
        key=f"#{number}",
        title=_text(item, "title"),
        body=_body(item.get("body")),
        labels=labels,
        issue_type=str(kind["name"]) if isinstance(kind, dict) and kind.get("name") else None,
        state=_state(item["state"]),
        created_at=parse_date(_required(created, "created_at")),
        closed_at=parse_date(closed) if closed else None,
        url=item.get("html_url") or item.get("url"),
    )


def _json_items(text: str) -> Iterator[tuple[int, Any]]:
    """Each issue object with the line it starts on, from one or more JSON arrays (or an
    array of page arrays)."""
    decoder = json.JSONDecoder()
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n":
            position += 1
        if position >= length:
            return
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ImportProblems([Problem(error.lineno, None, f"not JSON: {error.msg}")]) from None
        except RecursionError:  # thousands of nested arrays: no export looks like that
            line = text.count("\n", 0, position) + 1
            raise ImportProblems([Problem(line, None, "not JSON: nested too deeply")]) from None
        if not isinstance(value, list):
            line = text.count("\n", 0, position) + 1
            raise ImportProblems([Problem(line, None, "expected a JSON array of issues")])
        try:
            yield from _array_items(text, position, value)
        except RecursionError:  # arrays of arrays nested near the interpreter's limit
            line = text.count("\n", 0, position) + 1
            raise ImportProblems([Problem(line, None, "not JSON: nested too deeply")]) from None
        position = end


def _array_items(text: str, start: int, values: list[Any]) -> Iterator[tuple[int, Any]]:
    # json gives no positions; re-decode element by element to find each one's line.
    decoder = json.JSONDecoder()
    position = start + 1
    for _ in values:
        while text[position] in " \t\r\n,":
            position += 1
        value, end = decoder.raw_decode(text, position)
        item_line = text.count("\n", 0, position) + 1
        if isinstance(value, list):  # --slurp: an array of pages
            yield from _array_items(text, position, value)
        else:
            yield item_line, value
        position = end


# ---------------------------------------------------------------- GitLab


def parse_gitlab_issues(data: bytes, *, max_issues: int = MAX_ISSUES) -> list[TrackerIssue]:
    """GitLab's "Export as CSV" of an issue list, or a project export's ``issues.ndjson``
    (told apart by the first character: ``{`` is NDJSON)."""
    text = decode_upload(data)
    if text.lstrip().startswith("{"):
        return _gitlab_ndjson(text, max_issues)
    return _table(text, _GITLAB_COLUMNS, _gitlab_row, max_issues)


def _gitlab_ndjson(text: str, max_issues: int) -> list[TrackerIssue]:
    problems = Problems()
    issues: list[TrackerIssue] = []
    item_lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(issues) >= max_issues:
            problems.add(number, None, f"more than {max_issues} issues: split the file")
            break
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            issue = _gitlab_item(item)
        except json.JSONDecodeError as error:
            problems.add(number, None, f"not JSON: {error.msg}")
            continue
        except RecursionError:
            problems.add(number, None, "not JSON: nested too deeply")
            continue
        except (KeyError, TypeError, ValueError) as error:
            problems.add(number, None, _reason(error))
            continue
        item_lines.append(number)
        issues.append(issue)
    _check_keys(issues, item_lines, problems)
    problems.raise_if_any()
    return issues


def _gitlab_item(item: dict[str, Any]) -> TrackerIssue:
    iid = item["iid"]
    if not isinstance(iid, int) or isinstance(iid, bool) or iid < 1:
        raise ValueError(f"'iid' is not an issue number: {iid!r}")
    labels: list[str] = []
    for label in item.get("labels") or ():
        labels.append(
            str(label.get("title", label.get("name")) if isinstance(label, dict) else label)
        )
    for link in item.get("label_links") or ():
        if isinstance(link, dict) and isinstance(link.get("label"), dict):
            labels.append(str(link["label"]["title"]))
    kind = item.get("issue_type") or (item.get("work_item_type") or {}).get("base_type")
    closed = item.get("closed_at")
    return TrackerIssue(
        key=f"#{iid}",
        title=_text(item, "title"),
        body=_body(item.get("description")),
        labels=tuple(dict.fromkeys(labels)),
        issue_type=str(kind).capitalize() if kind else None,
        state=_state(item["state"]),
        created_at=parse_date(_required(item.get("created_at"), "created_at")),
        closed_at=parse_date(closed) if closed else None,
        url=item.get("web_url"),
    )


_GITLAB_COLUMNS = ("Title", "Issue ID", "State", "Created At (UTC)")


def _gitlab_row(row: Callable[[str], str | None], labels: list[str]) -> TrackerIssue:
    iid = (row("Issue ID") or "").strip()
    if not iid.isdigit() or int(iid) < 1:
        raise ValueError(f"'Issue ID' is not an issue number: {iid!r}")
    closed = row("Closed At (UTC)")
    return TrackerIssue(
        key=f"#{int(iid)}",
        title=_nonempty(row("Title"), "Title"),
        body=_body(row("Description")),
        labels=tuple(
            label.strip() for text in labels for label in text.split(",") if label.strip()
        ),
        issue_type=row("Type") or None,
        state=_state(row("State")),
        created_at=parse_date(_nonempty(row("Created At (UTC)"), "Created At (UTC)")),
        closed_at=parse_date(closed) if closed else None,
        url=row("URL") or None,
    )


# ---------------------------------------------------------------- Jira


_JIRA_COLUMNS = ("Summary", "Issue key", "Status", "Created")


def parse_jira_csv(
    data: bytes, *, max_issues: int = MAX_ISSUES, assume_zone: dt.tzinfo = dt.UTC
) -> list[TrackerIssue]:
    """Jira's "Export CSV (all fields)" (or current fields): repeated columns such as
    ``Labels`` are all read; dates as ``02/Dec/26 4:05 PM`` or ISO."""

    def issue(row: Callable[[str], str | None], labels: list[str]) -> TrackerIssue:
        key = (row("Issue key") or "").strip()
        if not _JIRA_KEY.fullmatch(key):
            raise ValueError(f"'Issue key' is not a Jira key: {key!r}")
        status = (row("Status") or "").strip()
        category = (row("Status Category") or "").strip().casefold()
        resolved = row("Resolved")
        done = category == "done" if category else bool(resolved) or status.casefold() in _JIRA_DONE
        return TrackerIssue(
            key=key,
            title=_nonempty(row("Summary"), "Summary"),
            body=_body(row("Description")),
            labels=tuple(label.strip() for label in labels if label.strip()),
            issue_type=row("Issue Type") or None,
            state="closed" if done else "open",
            created_at=parse_date(_nonempty(row("Created"), "Created"), assume_zone),
            closed_at=parse_date(resolved, assume_zone) if resolved else None,
            url=None,
        )

    return _table(decode_upload(data), _JIRA_COLUMNS, issue, max_issues)


# ---------------------------------------------------------------- shared


def _table(
    text: str,
    required: tuple[str, ...],
    build: Callable[[Callable[[str], str | None], list[str]], TrackerIssue],
    max_issues: int,
) -> list[TrackerIssue]:
    records = csv_records(text, ",")
    first = next(records, None)
    if first is None:
        raise ImportProblems([Problem(None, None, "the file is empty")])
    header = [name.strip() for name in first[1]]
    missing = [name for name in required if name not in header]
    if missing:
        listed = ", ".join(repr(name) for name in header[:30])
        raise ImportProblems(
            [Problem(1, name, f"no such column in the header ({listed})") for name in missing]
        )
    index = {name: header.index(name) for name in header}  # the first of repeated columns
    label_columns = [i for i, name in enumerate(header) if name == "Labels"]
    problems = Problems()
    issues: list[TrackerIssue] = []
    lines: dict[str, int] = {}
    for line, fields in records:
        if len(issues) >= max_issues:
            problems.add(line, None, f"more than {max_issues} issues: split the file")
            break
        if len(fields) != len(header):
            problems.add(line, None, f"{len(fields)} fields where the header has {len(header)}")
            continue

        def row(name: str, fields: list[str] = fields) -> str | None:
            position = index.get(name)
            return fields[position].strip() if position is not None else None

        try:
            issue = build(row, [fields[i] for i in label_columns])
        except ValueError as error:
            problems.add(line, None, str(error))
            continue
        if issue.key in lines:
            problems.add(line, "Issue key", f"{issue.key} repeats line {lines[issue.key]}")
            continue
        lines[issue.key] = line
        issues.append(issue)
        if problems.full:
            break
    problems.raise_if_any()
    return issues


def _check_keys(issues: list[TrackerIssue], lines: list[int], problems: Problems) -> None:
    first: dict[str, int] = {}
    for issue, line in zip(issues, lines, strict=True):
        if issue.key in first:
            problems.add(line, None, f"issue {issue.key} repeats line {first[issue.key]}")
        else:
            first[issue.key] = line


def _one_line(value: str) -> str:
    return " ".join(LINE_CONTROL.sub(" ", value).split())


def _body(value: object) -> str:
    return CONTROL.sub("", str(value or "")).replace("\r\n", "\n")


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not _one_line(value):
        raise ValueError(f"{name!r} is missing or empty")
    return _one_line(value)


def _nonempty(value: str | None, name: str) -> str:
    if not value or not _one_line(value):
        raise ValueError(f"{name!r} is empty")
    return _one_line(value)


def _required(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name!r} is missing")
    return value


def _reason(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"{error.args[0]!r} is missing"
    return str(error)


# The readers by the name of the tracker, for the import page and the API.
PARSERS: dict[str, Callable[[bytes], list[TrackerIssue]]] = {
    "github": parse_github_issues_json,
    "gitlab": parse_gitlab_issues,
    "jira": parse_jira_csv,
}
