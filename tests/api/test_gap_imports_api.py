"""Imports through the API with real export files (tests/engines/gaps/fixtures): the
gaps made and what they hold, the columns guessed or named, dry runs, and refusals that
name their lines and store nothing — hostile files included."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peerlearn.audit.models import AuditEvent
from peerlearn.gaps.models import Gap, PendingImport, TrackerIssue
from tests.api.conftest import json_of
from tests.api.test_permission_matrix_gaps import everything
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[1] / "engines" / "gaps" / "fixtures"


def fixture(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def raw(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def import_gaps(client: Client, team_id: int, file: SimpleUploadedFile, **fields: Any) -> Any:
    return client.post(f"/api/teams/{team_id}/gap-imports", {"file": file, **fields})


def import_tracker(client: Client, team_id: int, file: SimpleUploadedFile, kind: str) -> Any:
    return client.post(f"/api/teams/{team_id}/tracker-imports", {"file": file, "kind": kind})


def refused(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    body: dict[str, Any] = json_of(response)
    assert body["detail"].startswith("Nothing was imported")
    return body


@pytest.fixture
def fiona(client_as: Callable[[str], Client]) -> Client:
    return client_as("fiona")  # a facilitator of Platform


# --- Retrospective CSV --------------------------------------------------------------------


def test_a_parabol_export_with_guessed_columns_becomes_gaps(cast: Cast, fiona: Client) -> None:
    response = import_gaps(fiona, cast.platform.pk, fixture("parabol_export.csv"), format="csv")

    assert response.status_code == 201, response.content[:300]
    body = json_of(response)
    assert body["columns"] == {
        "title": "Reflection",
        "description": None,
        "votes": "Votes",
        "category": "Group",
        "guessed": True,
    }
    assert body["count"] == len(body["gap_ids"]) == Gap.objects.count() == 5
    assert body["gaps"][4]["line"] == 6  # a card over two lines: one title
    assert body["gaps"][4]["title"] == "Multi-line reflection about on-call handover"
    first = body["gaps"][0]
    assert first["line"] == 2
    assert first["title"] == "Nobody knows how the Terraform state locking works"
    assert first["imported_votes"] == 5
    gap = Gap.objects.get(pk=first["id"])
    assert first["url"] == gap.get_absolute_url()
    assert (gap.title, gap.raised_by, gap.source) == (first["title"], cast.fiona, "retrospective")
    assert gap.evidence == {"imported_from": "parabol_export.csv", "imported_votes": 5}
    assert AuditEvent.objects.filter(action="gap.import").count() == 1
    assert not PendingImport.objects.exists()  # the API keeps no upload


def test_named_columns_are_used_exactly(cast: Cast, fiona: Client) -> None:
    response = import_gaps(
        fiona,
        cast.platform.pk,
        fixture("parabol_export.csv"),
        format="csv",
        title_column="Reflection",
        description_column="Prompt",
        source="other",
    )

    body = json_of(response)
    assert body["columns"]["guessed"] is False
    assert (body["columns"]["description"], body["columns"]["votes"]) == ("Prompt", None)
    gap = Gap.objects.get(pk=body["gaps"][0]["id"])
    assert (gap.description, gap.source, gap.evidence["imported_votes"]) == (
        "What went wrong?",
        "other",
        0,
    )


def test_a_semicolon_export_with_a_bom_is_read(cast: Cast, fiona: Client) -> None:
    response = import_gaps(fiona, cast.platform.pk, fixture("utf8_bom.csv"), format="csv")

    assert response.status_code == 201, response.content[:300]
    assert json_of(response)["count"] == Gap.objects.count() > 0


def test_a_dry_run_answers_what_would_be_imported_and_stores_nothing(
    cast: Cast, fiona: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    before = everything()

    with django_capture_on_commit_callbacks() as queued:
        response = import_gaps(
            fiona, cast.platform.pk, fixture("parabol_export.csv"), format="csv", dry_run="true"
        )

    assert response.status_code == 200, response.content[:300]
    body = json_of(response)
    assert body["dry_run"] is True
    assert body["count"] == 5
    assert body["gap_ids"] == []
    assert [g["id"] for g in body["gaps"]] == [None] * 5
    assert body["gaps"][1]["title"] == "Flaky Playwright tests block merges"
    assert everything() == before
    assert queued == []


@pytest.mark.parametrize(
    ("name", "lines", "words"),
    [
        ("ragged.csv", [3, 4, 5], ["4 fields where the header has 3", "not a number", "empty"]),
        ("duplicate_rows.csv", [4], ["repeats line 2"]),
        ("latin1.csv", [2, 4], ["not UTF-8: byte 0xE9"]),
    ],
)
def test_a_bad_file_names_its_lines_and_stores_nothing(
    cast: Cast, fiona: Client, name: str, lines: list[int], words: list[str]
) -> None:
    before = everything()

    body = refused(import_gaps(fiona, cast.platform.pk, fixture(name), format="csv"))

    assert [p["line"] for p in body["problems"]] == lines
    text = " ".join(p["message"] for p in body["problems"])
    assert all(word in text for word in words), text
    assert f"line {lines[0]}" in body["detail"]
    assert everything() == before


def test_a_file_refused_by_the_rules_halfway_stores_none_of_it(cast: Cast, fiona: Client) -> None:
    """The reader accepts every row; the service refuses the third — the first two go too."""
    data = b"Title\nFirst gap\nSecond gap\nThird \xe2\x80\x8fgap\n"  # a direction mark

    body = refused(import_gaps(fiona, cast.platform.pk, raw("retro.csv", data), format="csv"))

    assert body["problems"][0]["line"] == 4
    assert not Gap.objects.exists()


def test_no_title_column_to_guess_asks_for_one(cast: Cast, fiona: Client) -> None:
    data = b"Headline,Points\nSomething,3\n"

    body = refused(import_gaps(fiona, cast.platform.pk, raw("retro.csv", data), format="csv"))

    assert body["problems"] == [
        {
            "line": 1,
            "column": None,
            "message": "no column looks like a title ('Headline', 'Points'): send title_column",
        }
    ]


def test_a_named_column_missing_from_the_header_is_named(cast: Cast, fiona: Client) -> None:
    body = refused(
        import_gaps(
            fiona,
            cast.platform.pk,
            fixture("wrong_columns.csv"),
            format="csv",
            title_column="Idea",
            votes_column="Likes",
        )
    )

    assert [(p["line"], p["column"]) for p in body["problems"]] == [(1, "Likes")]
    assert not Gap.objects.exists()


def test_other_columns_without_a_title_column_are_a_422(cast: Cast, fiona: Client) -> None:
    response = import_gaps(
        fiona, cast.platform.pk, fixture("wrong_columns.csv"), format="csv", votes_column="Points"
    )

    assert response.status_code == 422
    assert json_of(response)["message"] == "title_column: Name the title column too."


@pytest.mark.parametrize("source", ["anonymous", "one_on_one"])
def test_imports_never_claim_to_be_anonymous(cast: Cast, fiona: Client, source: str) -> None:
    response = import_gaps(
        fiona, cast.platform.pk, fixture("parabol_export.csv"), format="csv", source=source
    )

    assert response.status_code == 422
    assert json_of(response)["message"].startswith("source: ")
    assert not Gap.objects.exists()


# --- Markdown ------------------------------------------------------------------------------


def test_a_markdown_list_becomes_gaps_with_descriptions_and_votes(
    cast: Cast, fiona: Client
) -> None:
    response = import_gaps(fiona, cast.platform.pk, fixture("retro_notes.md"), format="markdown")

    assert response.status_code == 201, response.content[:300]
    body = json_of(response)
    assert body["columns"] is None
    first = body["gaps"][0]
    assert (first["line"], first["title"], first["imported_votes"]) == (
        4,
        "Nobody knows Terraform state locking",
        3,
    )
    gap = Gap.objects.get(pk=first["id"])
    assert "locking broke twice in November" in gap.description
    assert Gap.objects.count() == body["count"]


def test_a_markdown_file_that_is_not_utf8_names_its_line(cast: Cast, fiona: Client) -> None:
    data = b"- Caf\xe9 deploys\n- fine\n- na\xefve\n"

    body = refused(import_gaps(fiona, cast.platform.pk, raw("notes.md", data), format="markdown"))

    assert [p["line"] for p in body["problems"]] == [1, 3]
    assert not Gap.objects.exists()


def test_a_markdown_file_without_bullets_is_refused(cast: Cast, fiona: Client) -> None:
    data = b"Just prose, no list.\n"

    body = refused(import_gaps(fiona, cast.platform.pk, raw("notes.md", data), format="markdown"))

    assert "no list items found" in body["problems"][0]["message"]


# --- Hostile uploads ------------------------------------------------------------------------


def test_a_file_over_2_mb_is_refused_unread(cast: Cast, fiona: Client) -> None:
    data = b"Title\n" + b"x" * (2 * 1024 * 1024)

    response = import_gaps(fiona, cast.platform.pk, raw("huge.csv", data), format="csv")

    assert response.status_code == 413
    assert json_of(response)["detail"] == f"The file is {len(data):,} bytes; at most 2 MB."
    assert not Gap.objects.exists()


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02", b"\xff\xfe\x00\xd8", b'"unterminated\n', b"Title\n" + b"\x00x\n"],
)
def test_garbage_is_a_400_never_a_500(cast: Cast, fiona: Client, data: bytes) -> None:
    response = import_gaps(fiona, cast.platform.pk, raw("x.csv", data), format="csv")

    assert refused(response)["problems"]
    assert not Gap.objects.exists()


def test_more_rows_than_the_page_takes_are_refused(cast: Cast, fiona: Client) -> None:
    data = b"Title\n" + b"".join(b"Gap %d\n" % n for n in range(5001))

    body = refused(import_gaps(fiona, cast.platform.pk, raw("many.csv", data), format="csv"))

    assert body["problems"][-1] == {
        "line": 5002,
        "column": None,
        "message": "more than 5000 rows: split the file",
    }
    assert not Gap.objects.exists()


def test_a_missing_file_or_format_is_a_422(cast: Cast, fiona: Client) -> None:
    url = f"/api/teams/{cast.platform.pk}/gap-imports"
    assert fiona.post(url, {"format": "csv"}).status_code == 422
    assert fiona.post(url, {"file": fixture("retro_notes.md")}).status_code == 422
    response = fiona.post(url, {"file": fixture("retro_notes.md"), "format": "docx"})
    assert response.status_code == 422
    assert json_of(response)["message"].startswith("format: ")


@pytest.mark.parametrize("team_id", ["0", "9223372036854775808", "abc"])
def test_a_wrong_team_id_is_a_422(fiona: Client, team_id: str) -> None:
    response = fiona.post(
        f"/api/teams/{team_id}/gap-imports", {"file": fixture("retro_notes.md"), "format": "csv"}
    )

    assert response.status_code == 422
    assert not Gap.objects.exists()


def test_a_team_that_does_not_exist_is_a_404(fiona: Client) -> None:
    response = import_gaps(fiona, 987654, fixture("retro_notes.md"), format="markdown")

    assert response.status_code == 404
    assert json_of(response)["detail"] == "No such team."


# --- Tracker exports ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("github_rest_paginated.json", "github"),
        ("github_cli.json", "github"),
        ("gitlab_export.csv", "gitlab"),
        ("gitlab_issues.ndjson", "gitlab"),
        ("jira_export.csv", "jira"),
    ],
)
def test_a_tracker_export_is_stored_with_its_bugs_counted(
    cast: Cast, fiona: Client, name: str, kind: str
) -> None:
    response = import_tracker(fiona, cast.platform.pk, fixture(name), kind)

    assert response.status_code == 200, response.content[:300]
    body = json_of(response)
    stored = TrackerIssue.objects.filter(team=cast.platform)
    assert body["created"] == body["issues"] == stored.count() > 0
    assert body["updated"] == 0
    assert body["bugs"] == stored.filter(is_bug=True).count() > 0
    assert f"/api/teams/{cast.platform.pk}/gap-suggestions/refresh" in body["detail"]

    again = json_of(import_tracker(fiona, cast.platform.pk, fixture(name), kind))

    assert (again["created"], again["updated"]) == (0, body["issues"])
    assert stored.count() == body["issues"]


def test_a_github_issue_is_stored_as_the_export_says(cast: Cast, fiona: Client) -> None:
    import_tracker(fiona, cast.platform.pk, fixture("github_rest_paginated.json"), "github")

    issue = TrackerIssue.objects.get(team=cast.platform, key="#12")
    assert issue.title == "Checkout crashes when the cart is empty"
    assert (issue.state, issue.is_bug) == ("closed", True)
    assert issue.url == "https://github.com/acme/shop/issues/12"


def test_the_api_leaves_the_signals_to_their_endpoint(
    cast: Cast, fiona: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        import_tracker(fiona, cast.platform.pk, fixture("jira_export.csv"), "jira")

    assert queued == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("github_malformed.json", "github"),
        ("github_broken.json", "github"),
        ("gitlab_malformed.ndjson", "gitlab"),
        ("jira_malformed.csv", "jira"),
        ("parabol_export.csv", "jira"),  # the wrong kind: its columns are named
    ],
)
def test_a_bad_tracker_export_names_its_lines_and_stores_nothing(
    cast: Cast, fiona: Client, name: str, kind: str
) -> None:
    before = everything()

    body = refused(import_tracker(fiona, cast.platform.pk, fixture(name), kind))

    assert body["problems"]
    assert all(p["line"] is not None for p in body["problems"]), body["problems"]
    assert everything() == before


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nested past the interpreter's limit
        b"\xff\xfe[\x00",  # UTF-16 cut in half
        b"[]",
        b"{}",
        b"\x00" * 100,
    ],
)
def test_hostile_github_files_are_a_400(cast: Cast, fiona: Client, data: bytes) -> None:
    refused(import_tracker(fiona, cast.platform.pk, raw("issues.json", data), "github"))

    assert not TrackerIssue.objects.exists()


def test_a_tracker_file_over_20_mb_is_refused(cast: Cast, fiona: Client) -> None:
    data = b"[" + b" " * (20 * 1024 * 1024) + b"]"

    response = import_tracker(fiona, cast.platform.pk, raw("issues.json", data), "github")

    assert response.status_code == 413
    assert "at most 20 MB" in json_of(response)["detail"]


def test_an_unknown_tracker_is_a_422(cast: Cast, fiona: Client) -> None:
    response = import_tracker(fiona, cast.platform.pk, fixture("jira_export.csv"), "bugzilla")

    assert response.status_code == 422
    assert json_of(response)["message"].startswith("kind: ")
