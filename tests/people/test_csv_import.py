"""The CSV parser on its own: no database."""

from __future__ import annotations

import datetime as dt

from peerlearn.people.csv_import import (
    MAX_FILE_BYTES,
    Directory,
    KnownPerson,
    check_against_directory,
    parse_members_csv,
)

HEADER = "username,email,display_name,team,role,joined_on,time_zone\n"


def messages(data: bytes) -> list[str]:
    return [str(problem) for problem in parse_members_csv(data).problems]


def test_parse_reads_valid_rows() -> None:
    parsed = parse_members_csv(
        (
            HEADER
            + "ada,Ada@Example.com,Ada Lovelace,Platform,lead,2024-03-04,Europe/London\n"
            + "grace,grace@example.com,,platform,,,\n"
        ).encode()
    )
    assert parsed.problems == []
    ada, grace = parsed.rows
    assert ada.row == 2
    assert ada.email == "ada@example.com"
    assert ada.role == "lead"
    assert ada.joined_on == dt.date(2024, 3, 4)
    assert ada.time_zone == "Europe/London"
    assert grace.role == "member"
    assert grace.joined_on is None
    assert grace.time_zone is None


def test_parse_accepts_columns_in_any_order_and_a_byte_order_mark() -> None:
    data = "\ufeffteam,email,role,username,display_name,time_zone,joined_on\r\n"
    data += "Platform,a@example.com,member,a,A,UTC,2024-01-02\r\n"
    parsed = parse_members_csv(data.encode())
    assert parsed.problems == []
    assert parsed.rows[0].team == "Platform"


def test_parse_names_row_and_column_of_a_bad_date() -> None:
    data = HEADER + "a,a@example.com,,Platform,member,2024-01-01,\n"
    data += "b,b@example.com,,Platform,member,2024-01-01,\n"
    data += "c,c@example.com,,Platform,member,2024-13-01,\n"
    assert messages(data.encode()) == [
        "row 4, column joined_on: '2024-13-01' is not a date (YYYY-MM-DD)."
    ]


def test_parse_rejects_dates_in_other_iso_forms() -> None:
    data = HEADER + "a,a@example.com,,P,member,20240101,\nb,b@example.com,,P,member,2024-W01-1,\n"
    problems = messages(data.encode())
    assert problems == [
        "row 2, column joined_on: '20240101' is not a date (YYYY-MM-DD).",
        "row 3, column joined_on: '2024-W01-1' is not a date (YYYY-MM-DD).",
    ]


def test_parse_lists_every_problem_of_every_row() -> None:
    data = HEADER
    data += "bad name,not-an-email,,Platform,boss,yesterday,Mars/Olympus\n"
    data += ",,,,,,\n"  # blank: skipped
    data += "ok,ok@example.com,,,member,,\n"
    problems = messages(data.encode())
    assert "row 2, column email: 'not-an-email' is not an e-mail address." in problems
    assert any(
        p.startswith("row 2, column username: 'bad name' is not a valid username") for p in problems
    )
    assert any(p.startswith("row 2, column role: 'boss' is not a role") for p in problems)
    assert "row 2, column joined_on: 'yesterday' is not a date (YYYY-MM-DD)." in problems
    assert any(
        p.startswith("row 2, column time_zone: 'Mars/Olympus' is not a known time zone")
        for p in problems
    )
    assert "row 4, column team: is empty; every row needs a value here." in problems
    assert len(problems) == 6


def test_parse_reports_a_wrong_header() -> None:
    problems = messages(b"user,e-mail,team\nada,ada@example.com,Platform\n")
    assert len(problems) == 1
    assert problems[0].startswith("row 1: the header is wrong (missing username, email,")
    assert "unknown 'user', 'e-mail'" in problems[0]


def test_parse_reports_a_missing_header() -> None:
    problems = messages(b"ada,ada@example.com,Ada,Platform,lead,2024-01-01,UTC\n")
    assert problems[0].startswith("row 1: the header is wrong")


def test_parse_reports_repeated_columns() -> None:
    problems = messages((HEADER.strip() + ",email\n").encode())
    assert "repeated email" in problems[0]


def test_parse_refuses_non_utf8() -> None:
    data = (HEADER + "zoe,zoe@example.com,Zoë,Platform,member,,\n").encode("latin-1")
    problems = messages(data)
    assert len(problems) == 1
    assert "not UTF-8" in problems[0]


def test_parse_refuses_an_empty_file() -> None:
    assert messages(b"") == ["The file is empty."]
    assert messages(b"\n\n  \n") == ["The file is empty."]
    assert messages(HEADER.encode()) == ["The file has a header but no people."]


def test_parse_refuses_a_file_over_the_limit() -> None:
    data = HEADER.encode() + b"x" * MAX_FILE_BYTES
    problems = messages(data)
    assert problems == [
        "The file is 2.0 MB; the limit is 2 MB. Split it into several files "
        "and import them one after the other."
    ]


def test_parse_refuses_rows_of_the_wrong_width() -> None:
    problems = messages((HEADER + "a,a@example.com,Platform\n").encode())
    assert problems == ["row 2: 3 values, but the header has 7 columns."]


def test_parse_reports_broken_quoting() -> None:
    problems = messages((HEADER + 'a,"a@example.com"x,,P,member,,\n').encode())
    assert len(problems) == 1
    assert problems[0].startswith("row 2: the file is not valid CSV")


def test_parse_allows_one_person_in_several_teams() -> None:
    data = HEADER + "a,a@example.com,A,Platform,lead,,\na,a@example.com,A,Mobile,member,,\n"
    parsed = parse_members_csv(data.encode())
    assert parsed.problems == []
    assert len(parsed.rows) == 2


def test_parse_refuses_a_duplicate_email_in_the_same_team() -> None:
    data = HEADER + "a,a@example.com,A,Platform,lead,,\nb,A@example.com,B,platform,member,,\n"
    problems = messages(data.encode())
    assert problems[0] == (
        "row 3, column email: 'a@example.com' is listed for team 'platform' already in row 2."
    )


def test_parse_refuses_one_email_with_different_details() -> None:
    data = HEADER + "a,a@example.com,A,Platform,lead,,\nb,a@example.com,A,Mobile,member,,\n"
    problems = messages(data.encode())
    assert problems == [
        "row 3, column username: differs from row 2 for the same e-mail 'a@example.com'; "
        "a person's details must be the same in every row."
    ]


def test_parse_refuses_one_username_for_two_emails() -> None:
    data = HEADER + "a,a@example.com,,Platform,,,\nA,b@example.com,,Platform,,,\n"
    problems = messages(data.encode())
    assert problems == ["row 3, column username: 'A' is given to 'a@example.com' in row 2 already."]


def test_parse_shortens_long_hostile_values_in_messages() -> None:
    hostile = "<script>alert(1)</script>" * 20
    problems = messages((HEADER + f"a,a@example.com,,Platform,{hostile},,\n").encode())
    assert len(problems[0]) < 200
    assert "…" in problems[0]


def _directory(**people: KnownPerson) -> Directory:
    return Directory(
        team_ids={"platform": 1, "mobile-apps": 2, "mobile apps": 2},
        people_by_email={p.email: p for p in people.values()},
        people_by_username={p.username.lower(): p for p in people.values()},
    )


def test_directory_check_finds_unknown_teams_and_foreign_emails() -> None:
    rows = parse_members_csv(
        (
            HEADER
            + "a,a@example.com,,Platform,,,\n"
            + "b,b@example.com,,Mobile Apps,,,\n"
            + "c,c@example.com,,Design,,,\n"
            + "z,zed@other.com,,Platform,,,\n"
        ).encode()
    ).rows
    directory = _directory(zed=KnownPerson("zed@other.com", "zed", in_organisation=False))
    assert [str(p) for p in check_against_directory(rows, directory)] == [
        "row 4, column team: 'Design' is not a team of your organisation "
        "(give its name or its short name).",
        "row 5, column email: 'zed@other.com' is already used by an account outside your "
        "organisation.",
    ]


def test_directory_check_existing_person_needs_no_username_but_a_matching_one() -> None:
    rows = parse_members_csv(
        (
            HEADER + ",bob@example.com,,Platform,,,\n" + "robert,bob@example.com,,Mobile-apps,,,\n"
        ).encode()
    ).rows
    directory = _directory(bob=KnownPerson("bob@example.com", "bob", in_organisation=True))
    # Rows 2 and 3 differ in username: the parser reports that; here only the directory.
    problems = [str(p) for p in check_against_directory(rows, directory)]
    assert problems == [
        "row 3, column username: 'bob@example.com' belongs to the existing account 'bob'; "
        "leave username empty or give that one."
    ]


def test_directory_check_new_person_needs_a_free_username() -> None:
    rows = parse_members_csv(
        (HEADER + ",new@example.com,,Platform,,,\nBob,other@example.com,,Platform,,,\n").encode()
    ).rows
    directory = _directory(bob=KnownPerson("bob@example.com", "bob", in_organisation=True))
    assert [str(p) for p in check_against_directory(rows, directory)] == [
        "row 2, column username: is empty; a new person needs a username.",
        "row 3, column username: 'Bob' is taken by another account.",
    ]


def test_parse_refuses_control_characters_naming_row_and_column() -> None:
    # A NUL byte was stored by SQLite and made PostgreSQL raise DataError (a 500).
    data = (
        HEADER
        + "ada,ada@example.com,Ada\x00Lovelace,Platform,,,\n"
        + "bob,bob@example.com,Bob,Plat\tform,,,\n"
        + "cy,cy@example.com,\u202eCy,Platform,,,\n"
    ).encode()
    parsed = parse_members_csv(data)
    assert parsed.rows == []
    assert [str(problem) for problem in parsed.problems] == [
        "row 2, column display_name: Must be one line of text: it contains a NUL byte "
        "at character 4.",
        "row 3, column team: Must be one line of text: it contains a tab at character 5.",
        "row 4, column display_name: Must be one line of text: it contains a "
        "text-direction override (U+202E) at character 1.",
    ]


def test_parse_refuses_a_line_break_inside_a_quoted_value() -> None:
    parsed = parse_members_csv((HEADER + 'ada,ada@example.com,"Ada\nLovelace",P,,,\n').encode())
    assert [str(problem) for problem in parsed.problems] == [
        "row 2, column display_name: Must be one line of text: it contains a line break "
        "at character 4."
    ]


def test_parse_normalises_usernames_as_sign_in_does() -> None:
    # The sign-in form applies NFKC before matching; a stored full-width name could
    # never sign in.
    parsed = parse_members_csv((HEADER + "\uff41da,ada@example.com,,P,,,\n").encode())
    assert parsed.problems == []
    assert parsed.rows[0].username == "ada"
