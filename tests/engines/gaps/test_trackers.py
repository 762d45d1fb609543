import datetime as dt
from pathlib import Path

import pytest

from peerlearn.engines.gaps.bugs import TrackerIssue, is_bug_report
from peerlearn.engines.gaps.imports import ImportProblems
from peerlearn.engines.gaps.imports.trackers import (
    parse_date,
    parse_github_issues_json,
    parse_gitlab_issues,
    parse_jira_csv,
)

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def problems(parse: object, data: bytes) -> list[str]:
    assert callable(parse)
    with pytest.raises(ImportProblems) as caught:
        parse(data)
    return [str(problem) for problem in caught.value.problems]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=dt.UTC)


def test_github_rest_pages_written_one_after_another_skip_pull_requests() -> None:
    issues = parse_github_issues_json(read("github_rest_paginated.json"))
    assert [i.key for i in issues] == ["#12", "#31"]
    assert issues[0] == TrackerIssue(
        key="#12",
        title="Checkout crashes when the cart is empty",
        body="Steps:\n1. empty cart\n2. press pay\n\nTypeError in cart.js",
        labels=("bug",),
        issue_type=None,
        state="closed",
        created_at=utc(2026, 1, 5, 10),
        closed_at=utc(2026, 1, 7, 9, 30),
        url="https://github.com/acme/shop/issues/12",
    )
    assert issues[1].issue_type == "Bug"
    assert issues[1].labels == ("type: bug", "checkout")
    assert (issues[1].body, issues[1].closed_at, issues[1].state) == ("", None, "open")


def test_github_slurped_pages() -> None:
    data = b'[[{"number": 1, "title": "a", "state": "open", "created_at": "2026-01-01T00:00:00Z"}],'
    data += (
        b' [{"number": 2, "title": "b", "state": "open", "created_at": "2026-01-02T00:00:00Z"}]]'
    )
    assert [i.key for i in parse_github_issues_json(data)] == ["#1", "#2"]


def test_gh_issue_list_json() -> None:
    issues = parse_github_issues_json(read("github_cli.json"))
    assert [(i.key, i.state, i.labels) for i in issues] == [
        ("#7", "open", ("documentation",)),
        ("#8", "closed", ("kind/bug",)),
    ]
    assert issues[1].closed_at == utc(2026, 2, 10, 12)
    assert issues[1].url == "https://github.com/acme/shop/issues/8"
    assert [is_bug_report(i) for i in issues] == [False, True]


def test_github_problems_name_item_and_line() -> None:
    assert problems(parse_github_issues_json, read("github_malformed.json")) == [
        "line 43: item 4: 'title' is missing or empty",
        "line 50: item 5: 'created_at' is missing",
        "line 36: issue #8 repeats line 19",
    ]
    assert problems(parse_github_issues_json, read("github_broken.json")) == [
        "line 4: not JSON: Expecting property name enclosed in double quotes"
    ]
    assert problems(parse_github_issues_json, b'{"number": 1}') == [
        "line 1: expected a JSON array of issues"
    ]


def test_gitlab_csv_export() -> None:
    issues = parse_gitlab_issues(read("gitlab_export.csv"))
    assert [(i.key, i.state, i.labels) for i in issues] == [
        ("#41", "closed", ("bug", "ci")),
        ("#42", "open", ("documentation",)),
    ]
    assert issues[0].body == "The runner cannot restore the cache:\nerror: 403"
    assert issues[0].created_at == utc(2026, 3, 1, 9)
    assert issues[0].closed_at == utc(2026, 3, 4, 10)
    assert issues[1].url == "https://gitlab.example.com/acme/api/-/issues/42"


def test_gitlab_project_export_ndjson() -> None:
    issues = parse_gitlab_issues(read("gitlab_issues.ndjson"))
    assert [(i.key, i.state, i.labels, i.issue_type) for i in issues] == [
        ("#3", "closed", ("bug",), "Issue"),
        ("#4", "open", ("incident",), "Incident"),
    ]
    assert issues[0].created_at == utc(2026, 5, 1, 10, 0, 0, 123000)


def test_gitlab_problems_name_lines() -> None:
    assert problems(parse_gitlab_issues, read("gitlab_malformed.ndjson")) == [
        "line 2: not JSON: Expecting property name enclosed in double quotes",
        "line 3: not an issue state: 'weird'",
        "line 4: issue #3 repeats line 1",
    ]
    assert problems(parse_gitlab_issues, b"Title,State\nx,Open\n") == [
        "line 1, column 'Issue ID': no such column in the header ('Title', 'State')",
        "line 1, column 'Created At (UTC)': no such column in the header ('Title', 'State')",
    ]


def test_jira_export_reads_repeated_label_columns_and_both_date_styles() -> None:
    issues = parse_jira_csv(read("jira_export.csv"))
    assert [(i.key, i.state, i.labels, i.issue_type) for i in issues] == [
        ("PAY-101", "closed", ("payments", "regression"), "Bug"),
        ("PAY-102", "open", ("docs",), "Task"),
        ("PAY-130", "open", ("payments",), "Bug"),
    ]
    assert issues[0].created_at == utc(2025, 12, 2, 16, 5)
    assert issues[0].closed_at == utc(2025, 12, 5, 9)
    assert issues[0].body == "Stripe webhook exceeds 30s\nsee logs"
    assert issues[1].created_at == utc(2026, 1, 10, 7)


def test_jira_zone_for_dates_without_offset() -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    issues = parse_jira_csv(read("jira_export.csv"), assume_zone=berlin)
    assert issues[0].created_at == utc(2025, 12, 2, 15, 5)


def test_jira_problems_name_lines() -> None:
    assert problems(parse_jira_csv, read("jira_malformed.csv")) == [
        "line 2: 'Issue key' is not a Jira key: ''",
        "line 3: not a date: 'yesterday'",
        "line 5, column 'Issue key': PAY-2 repeats line 4",
    ]


def test_dates() -> None:
    assert parse_date("2026-12-02T16:05:00Z") == utc(2026, 12, 2, 16, 5)
    assert parse_date("02/Dec/26 4:05 PM") == utc(2026, 12, 2, 16, 5)
    assert parse_date("2026-12-02T17:05:00+01:00") == utc(2026, 12, 2, 16, 5)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("32/Dec/26 4:05 PM")


def test_titles_become_one_line_and_bodies_lose_control_characters() -> None:
    data = (
        b'[{"number": 1, "title": "Crash\\r\\non\\u0007 save", "body": "a\\u0000b\\r\\nc",'
        b' "state": "open", "created_at": "2026-01-01T00:00:00Z"}]'
    )
    (issue,) = parse_github_issues_json(data)
    assert (issue.title, issue.body) == ("Crash on save", "ab\nc")
