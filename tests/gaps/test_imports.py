"""Imports through the pages, with real export files (tests/engines/gaps/fixtures):
all of a file or none of it, problems named by line, uploads only for their uploader."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerlearn.gaps.models import Gap, PendingImport, TrackerIssue
from tests.conftest import Cast, client_for

from .conftest import make_gap

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "engines" / "gaps" / "fixtures"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_a_parabol_export_is_mapped_and_imported_with_its_votes(cast: Cast) -> None:
    client = client_for(cast.fiona)
    response = client.post(
        reverse("gaps:import", args=[cast.platform.pk]),
        {"kind": "csv", "source": "retrospective", "file": upload("parabol_export.csv")},
    )
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("gaps:import_columns", args=[pending.pk])
    page = client.get(response["Location"]).content.decode()
    assert '<option value="Reflection" selected>' in page  # guessed from the header
    response = client.post(
        reverse("gaps:import_columns", args=[pending.pk]),
        {"title": "Reflection", "votes": "Votes", "category": "Group", "source": "retrospective"},
    )
    assert response.status_code == 302
    gap = Gap.objects.get(title="Nobody knows how the Terraform state locking works")
    assert gap.evidence["imported_votes"] == 5
    assert gap.raised_by == cast.fiona
    assert gap.source == "retrospective"
    assert not PendingImport.objects.exists()
    backlog = client.get(reverse("gaps:backlog", args=[cast.platform.pk])).content.decode()
    assert backlog.index("Terraform state locking") < backlog.index("Onboarding docs for Kafka")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("latin1.csv", "line"), ("ragged.csv", "line"), ("duplicate_rows.csv", "repeats line")],
)
def test_a_bad_retro_export_stores_nothing_and_names_the_line(
    cast: Cast, name: str, expected: str
) -> None:
    client = client_for(cast.fiona)
    response = client.post(
        reverse("gaps:import", args=[cast.platform.pk]),
        {"kind": "csv", "source": "retrospective", "file": upload(name)},
    )
    if response.status_code == 302:  # the header was readable: the rows are checked next
        pending = PendingImport.objects.get()
        header = client.get(response["Location"]).content.decode()
        title = (
            "Title" if "Title" in header else header.split('<option value="', 2)[2].split('"')[0]
        )
        response = client.post(
            reverse("gaps:import_columns", args=[pending.pk]),
            {"title": title, "source": "retrospective"},
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in body
    assert expected in body
    assert not Gap.objects.exists()


def test_a_pasted_markdown_list_becomes_gaps(cast: Cast) -> None:
    text = (FIXTURES / "retro_notes.md").read_text()
    response = client_for(cast.alice).post(
        reverse("gaps:import", args=[cast.platform.pk]),
        {"kind": "markdown", "source": "retrospective", "text": text},
    )
    assert response.status_code == 302
    gap = Gap.objects.get(title="Nobody knows Terraform state locking")
    assert gap.evidence["imported_votes"] == 3
    assert "locking broke twice" in gap.description


def test_someone_elses_pending_upload_does_not_exist_for_you(cast: Cast) -> None:
    client_for(cast.fiona).post(
        reverse("gaps:import", args=[cast.platform.pk]),
        {"kind": "csv", "source": "retrospective", "file": upload("parabol_export.csv")},
    )
    pending = PendingImport.objects.get()
    url = reverse("gaps:import_columns", args=[pending.pk])
    for person in (cast.alice, cast.olga, cast.charlie, cast.bob):
        assert client_for(person).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_members_cannot_import(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("gaps:import", args=[cast.platform.pk]),
        {"kind": "csv", "source": "retrospective", "file": upload("parabol_export.csv")},
    )
    assert response.status_code == 403
    assert not PendingImport.objects.exists()


def test_tracker_issues_are_stored_once_and_brought_up_to_date(cast: Cast) -> None:
    url = reverse("gaps:tracker_import", args=[cast.platform.pk])
    client = client_for(cast.fiona)
    first = client.post(url, {"kind": "github", "file": upload("github_cli.json")})
    assert first.status_code == 302
    count = TrackerIssue.objects.count()
    assert count >= 2
    assert TrackerIssue.objects.get(key="#8").is_bug
    assert not TrackerIssue.objects.get(key="#7").is_bug
    client.post(url, {"kind": "github", "file": upload("github_cli.json")})
    assert TrackerIssue.objects.count() == count


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("github", "github_malformed.json"),
        ("gitlab", "gitlab_malformed.ndjson"),
        ("jira", "jira_malformed.csv"),
    ],
)
def test_a_malformed_tracker_export_stores_nothing(cast: Cast, kind: str, name: str) -> None:
    response = client_for(cast.fiona).post(
        reverse("gaps:tracker_import", args=[cast.platform.pk]),
        {"kind": kind, "file": upload(name)},
    )
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "line" in response.content.decode()
    assert not TrackerIssue.objects.exists()


def test_similar_gaps_show_while_typing_and_pairs_can_be_merged(cast: Cast) -> None:
    first = make_gap(cast.platform, by=cast.bob, title="Kubernetes pod autoscaling basics")
    second = make_gap(cast.platform, by=cast.bob, title="Basics of Kubernetes pod autoscaling")
    make_gap(cast.platform, by=cast.bob, title="Writing release notes")
    client = client_for(cast.alice)
    fragment = client.get(
        reverse("gaps:similar", args=[cast.platform.pk]), {"title": "kubernetes autoscaling"}
    ).content.decode()
    assert "Kubernetes pod autoscaling basics" in fragment
    assert "release notes" not in fragment
    page = client.get(reverse("gaps:duplicates", args=[cast.platform.pk])).content.decode()
    assert f"Merge #{second.pk} into #{first.pk}" in page
    assert "release notes" not in page
    client.post(reverse("gaps:gap_merge", args=[second.pk]), {"into": first.pk})
    second.refresh_from_db()
    assert second.merged_into == first
