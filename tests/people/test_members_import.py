"""CSV import through the page: all or nothing, every problem named, invitations sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from peerlearn.people.csv_import import MAX_FILE_BYTES
from peerlearn.people.models import Membership, User
from peerlearn.people.roles import Role
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
HEADER = "username,email,display_name,team,role,joined_on,time_zone\n"


def upload(client: Client, content: bytes, name: str = "members.csv") -> Any:
    return client.post(
        reverse("people:members_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        follow=True,
    )


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    people = list(User.objects.order_by("pk").values_list("username", "email", "display_name"))
    memberships = list(
        Membership.objects.order_by("pk").values_list("team_id", "user_id", "role", "joined_on")
    )
    return people, memberships


def test_import_page_documents_the_columns(cast: Cast) -> None:
    body = client_for(cast.olga).get(reverse("people:members_import")).content.decode()
    for column in ("username", "email", "display_name", "team", "role", "joined_on", "time_zone"):
        assert f"<code>{column}</code>" in body
    assert 'enctype="multipart/form-data"' in body


def test_import_creates_people_updates_existing_and_invites_new_ones(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    content = (
        HEADER
        + "ada,ada@example.com,Ada Lovelace,Platform,lead,2024-03-04,Europe/London\n"
        + "ada,ada@example.com,Ada Lovelace,mobile,member,,Europe/London\n"
        + ",BOB@example.com,,platform,facilitator,2023-01-02,\n"
        + "charlie,charlie@example.com,,Platform,,,\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(cast.olga), content)
    body = response.content.decode()
    assert "Imported: 1 new person (invited by e-mail), 3 memberships added, 1 updated." in body

    ada = User.objects.get(username="ada")
    assert (ada.organisation, ada.display_name, ada.time_zone) == (
        cast.org,
        "Ada Lovelace",
        "Europe/London",
    )
    assert not ada.has_usable_password()
    assert Membership.objects.get(team=cast.platform, user=ada).role == Role.LEAD
    assert Membership.objects.get(team=cast.platform, user=ada).joined_on == dt.date(2024, 3, 4)
    assert Membership.objects.get(team=cast.mobile, user=ada).joined_on == dt.date.today()
    bob = Membership.objects.get(team=cast.platform, user=cast.bob)
    assert (bob.role, bob.joined_on) == (Role.FACILITATOR, dt.date(2023, 1, 2))
    charlie = Membership.objects.get(team=cast.platform, user=cast.charlie)
    assert charlie.role == Role.MEMBER
    # Existing people keep their profile and password, and get no invitation.
    cast.bob.refresh_from_db()
    assert cast.bob.display_name == "Bob"
    assert cast.bob.has_usable_password()
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_import_with_any_error_writes_nothing_and_lists_every_problem(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    before = snapshot()
    content = (
        HEADER
        + "ada,ada@example.com,Ada,Platform,lead,2024-03-04,UTC\n"
        + "gus,gus@example.com,Gus,Platform,member,2024-01-01,UTC\n"
        + "hal,hal@example.com,Hal,Platform,member,2024-13-01,UTC\n"
        + "ivy,ivy@example.com,Ivy,Design,member,,UTC\n"
        + "zed2,zed@example.com,Zed,Platform,member,,UTC\n"
        + "jo,jo@example.com,Jo,Platform,admin,,Moon/Base\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(cast.olga), content)
    body = response.content.decode()
    assert "Nothing was imported: 3 problems in the file" in body
    assert "row 4, column joined_on: &#x27;2024-13-01&#x27; is not a date (YYYY-MM-DD)." in body
    assert "row 7, column role: &#x27;admin&#x27; is not a role" in body
    assert "row 7, column time_zone: &#x27;Moon/Base&#x27; is not a known time zone" in body
    # The checks against the organisation run once the file itself is sound:
    assert "column team" not in body
    assert snapshot() == before
    assert mail.outbox == []


def test_import_checks_teams_and_emails_of_other_organisations(cast: Cast) -> None:
    before = snapshot()
    content = (
        HEADER
        + "ada,ada@example.com,Ada,Platform,lead,2024-03-04,UTC\n"
        + "ivy,ivy@example.com,Ivy,Design,member,,UTC\n"
        + "zed2,ZED@example.com,Zed,Platform,member,,UTC\n"
        + "bob,bobby@example.com,Bobby,Platform,member,,UTC\n"
    ).encode()
    body = upload(client_for(cast.olga), content).content.decode()
    assert "Nothing was imported: 3 problems" in body
    assert "row 3, column team: &#x27;Design&#x27; is not a team of your organisation" in body
    assert (
        "row 4, column email: &#x27;zed@example.com&#x27; is already used by an account "
        "outside your organisation." in body
    )
    assert "row 5, column username: &#x27;bob&#x27; is taken by another account." in body
    assert snapshot() == before


def test_import_does_not_find_teams_of_other_organisations(cast: Cast) -> None:
    body = upload(
        client_for(cast.olga), (HEADER + "ada,ada@example.com,,Foreign,,,\n").encode()
    ).content.decode()
    assert "&#x27;Foreign&#x27; is not a team of your organisation" in body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (HEADER.encode(), "The file has a header but no people."),
        (b"e-mail,name\nada@example.com,Ada\n", "row 1: the header is wrong"),
        (
            (HEADER + "zoë,zoe@example.com,Zoë,Platform,,,\n").encode("latin-1"),
            "The file is not UTF-8 text",
        ),
    ],
)
def test_import_refuses_unusable_files(cast: Cast, content: bytes, message: str) -> None:
    before = snapshot()
    body = upload(client_for(cast.olga), content).content.decode()
    assert message in body
    assert snapshot() == before


def test_import_refuses_a_file_over_two_megabytes(cast: Cast) -> None:
    content = (HEADER + "ada,ada@example.com,,Platform,,,\n").encode()
    content += b"#" * (MAX_FILE_BYTES + 1 - len(content))
    body = upload(client_for(cast.olga), content).content.decode()
    assert "The file is 2.0 MB; the limit is 2 MB." in body
    assert not User.objects.filter(username="ada").exists()


def test_import_escapes_hostile_values_on_the_page(cast: Cast) -> None:
    content = (HEADER + 'x,x@example.com,,"<img src=x onerror=alert(1)>",,,\n').encode()
    body = upload(client_for(cast.olga), content).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_import_without_a_file_asks_for_one(cast: Cast) -> None:
    response = client_for(cast.olga).post(reverse("people:members_import"), {})
    assert "Choose a CSV file to import." in response.content.decode()


def test_import_that_meets_a_concurrent_change_writes_nothing(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerlearn.people import member_import
    from peerlearn.people.csv_import import Directory
    from peerlearn.people.member_import import MembersImportRejected, members_import_csv

    # As if "bob" was created by someone else after the file was checked.
    monkeypatch.setattr(
        member_import,
        "import_directory",
        lambda organisation_id, rows: Directory(
            team_ids={"platform": cast.platform.pk}, people_by_email={}, people_by_username={}
        ),
    )
    before = snapshot()
    content = HEADER + "ada,ada@example.com,,Platform,,,\nbob,new-bob@example.com,,Platform,,,\n"
    with pytest.raises(MembersImportRejected) as rejected:
        members_import_csv(organisation=cast.org, data=content.encode())
    assert "changed while importing" in str(rejected.value.problems[0])
    assert snapshot() == before


def test_import_of_many_rows_is_quick_enough_to_stay_in_one_request(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    from peerlearn.people.member_import import members_import_csv

    content = HEADER + "".join(
        f"u{number},u{number}@example.com,U {number},Platform,member,2024-01-01,UTC\n"
        for number in range(1200)
    )
    # Bulk writes: a handful of queries per 500 rows, not several per row.
    with django_assert_max_num_queries(40):
        summary = members_import_csv(organisation=cast.org, data=content.encode())
    assert summary.people_created == 1200
    assert Membership.objects.filter(team=cast.platform).count() == 1203


def test_import_of_a_nul_byte_is_refused_on_every_database(cast: Cast) -> None:
    from peerlearn.people.member_import import MembersImportRejected, members_import_csv

    before = snapshot()
    data = (HEADER + "nul,nul@example.com,Nul\x00Person,Platform,,,\n").encode()
    with pytest.raises(MembersImportRejected) as rejected:
        members_import_csv(organisation=cast.org, data=data)
    assert [str(problem) for problem in rejected.value.problems] == [
        "row 2, column display_name: Must be one line of text: it contains a NUL byte "
        "at character 4."
    ]
    assert snapshot() == before
    body = upload(client_for(cast.olga), data).content.decode()
    assert "row 2, column display_name" in body
    assert snapshot() == before
