"""Parsing and validating a members CSV file. Pure Python: no database, no ORM.

The file is checked in two passes, both without writing anything:

1. `parse_members_csv` reads the bytes and checks every value on its own and against
   the other rows of the file (decoding, header, roles, dates, time zones, duplicates).
2. `check_against_directory` checks the rows against what the organisation already
   holds (teams, e-mail addresses and usernames in use), given as plain data by the
   caller, so that this module stays free of the database and is tested directly.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first person
is row 2. Every problem is reported with its row and column, and all problems are
reported at once, so a user fixes the file in one go.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from peerlearn.people.roles import Role
from peerlearn.people.time_zones import known_time_zones
from peerlearn.validation import single_line_problem

COLUMNS: tuple[str, ...] = (
    "username",
    "email",
    "display_name",
    "team",
    "role",
    "joined_on",
    "time_zone",
)
REQUIRED_VALUES = frozenset({"email", "team"})
MAX_FILE_BYTES = 2 * 1024 * 1024
# Values quoted back in messages are shortened so a hostile file cannot flood the page.
_QUOTE_LIMIT = 60
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_LENGTHS = {"username": 150, "email": 254, "display_name": 200, "team": 200}


@dataclass(frozen=True)
class ImportProblem:
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class MemberRow:
    row: int
    username: str
    email: str
    display_name: str
    team: str
    role: str
    joined_on: dt.date | None
    time_zone: str | None


@dataclass
class ParsedFile:
    rows: list[MemberRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass(frozen=True)
class KnownPerson:
    """An account that already uses an e-mail address or username in the file."""

    email: str
    username: str
    in_organisation: bool


@dataclass(frozen=True)
class Directory:
    """What the organisation already holds, as far as the file's rows need it."""

    # Team slugs and lower-cased team names of the organisation → team id.
    team_ids: Mapping[str, int]
    people_by_email: Mapping[str, KnownPerson]
    people_by_username: Mapping[str, KnownPerson]


def quote(value: str) -> str:
    shortened = value if len(value) <= _QUOTE_LIMIT else value[: _QUOTE_LIMIT - 1] + "…"
    return repr(shortened)


def parse_date(value: str) -> dt.date | None:
    # Only YYYY-MM-DD: fromisoformat alone also takes 20240101 and week dates (2024-W01-1).
    if not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def team_key(value: str) -> str:
    return value.strip().casefold()


def parse_members_csv(data: bytes) -> ParsedFile:
    parsed = ParsedFile()
    if len(data) > MAX_FILE_BYTES:
        parsed.problems.append(ImportProblem(too_large_message(len(data))))
        return parsed
    try:
        # utf-8-sig: spreadsheets often start UTF-8 files with a byte-order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        parsed.problems.append(
            ImportProblem(
                f"The file is not UTF-8 text (undecodable byte at position {error.start}). "
                "Save it from your spreadsheet as “CSV UTF-8”."
            )
        )
        return parsed
    if not text.strip():
        parsed.problems.append(ImportProblem("The file is empty."))
        return parsed

    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        # Blank lines count as rows, as they do in a spreadsheet, but carry nothing.
        for number, record in enumerate(reader, start=1):
            if any(value.strip() for value in record):
                records.append((number, record))
    except csv.Error as error:
        parsed.problems.append(
            ImportProblem(f"the file is not valid CSV ({error}).", row=number + 1)
        )
        return parsed
    if not records:
        parsed.problems.append(ImportProblem("The file is empty."))
        return parsed
    header_number, header = records[0]
    header_problem = _check_header(header)
    if header_problem is not None:
        parsed.problems.append(ImportProblem(header_problem, row=header_number))
        return parsed
    positions = {name.strip().lower(): index for index, name in enumerate(header)}
    if len(records) == 1:
        parsed.problems.append(ImportProblem("The file has a header but no people."))
        return parsed

    for number, record in records[1:]:
        if len(record) != len(header):
            parsed.problems.append(
                ImportProblem(
                    f"{len(record)} values, but the header has {len(header)} columns.",
                    row=number,
                )
            )
            continue
        values = {name: record[index].strip() for name, index in positions.items()}
        row = _parse_row(number, values, parsed.problems)
        if row is not None:
            parsed.rows.append(row)
    parsed.problems.extend(_cross_row_problems(parsed.rows))
    return parsed


def too_large_message(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return (
        f"The file is {megabytes:.1f} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB. "
        "Split it into several files and import them one after the other."
    )


def _check_header(header: list[str]) -> str | None:
    names = [name.strip().lower() for name in header]
    expected = ", ".join(COLUMNS)
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if not missing and not unknown and not repeated:
        return None
    details = []
    if missing:
        details.append(f"missing {', '.join(missing)}")
    if unknown:
        details.append(f"unknown {', '.join(quote(name) for name in unknown)}")
    if repeated:
        details.append(f"repeated {', '.join(repeated)}")
    return (
        f"the header is wrong ({'; '.join(details)}). "
        f"The first line must name the columns {expected}."
    )


def _parse_row(
    number: int, values: dict[str, str], problems: list[ImportProblem]
) -> MemberRow | None:
    found: list[ImportProblem] = []

    def problem(column: str, message: str) -> None:
        found.append(ImportProblem(message, row=number, column=column))

    # Every value is one line of text. A NUL byte is stored by SQLite and refused by
    # PostgreSQL with an error; other control characters and text-direction overrides
    # make names read differently from what they are. A refused cell gets no other check.
    refused: set[str] = set()
    for column in COLUMNS:
        text_problem = single_line_problem(values[column])
        if text_problem is not None:
            problem(column, text_problem)
            refused.add(column)
    values = {column: "" if column in refused else value for column, value in values.items()}
    # Names are matched after NFKC normalisation at sign-in (Django's rule); stored
    # otherwise, a full-width name could never sign in.
    values["username"] = unicodedata.normalize("NFKC", values["username"])

    for column in sorted(REQUIRED_VALUES - refused):
        if not values[column]:
            problem(column, "is empty; every row needs a value here.")
    for column, limit in _MAX_LENGTHS.items():
        if len(values[column]) > limit:
            problem(column, f"is {len(values[column])} characters long; the limit is {limit}.")

    email = values["email"].lower()
    if email and len(email) <= _MAX_LENGTHS["email"]:
        try:
            validate_email(email)
        except ValidationError:
            problem("email", f"{quote(values['email'])} is not an e-mail address.")

    username = values["username"]
    if username and len(username) <= _MAX_LENGTHS["username"]:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            problem(
                "username",
                f"{quote(username)} is not a valid username "
                "(letters, digits and @ . + - _ only, no spaces).",
            )

    role = values["role"].lower() or Role.MEMBER
    if role not in Role.values:
        problem("role", f"{quote(values['role'])} is not a role; use {', '.join(Role.values)}.")

    joined_on: dt.date | None = None
    if values["joined_on"]:
        joined_on = parse_date(values["joined_on"])
        if joined_on is None:
            problem("joined_on", f"{quote(values['joined_on'])} is not a date (YYYY-MM-DD).")

    time_zone = values["time_zone"] or None
    if time_zone is not None and time_zone not in known_time_zones():
        problem(
            "time_zone",
            f"{quote(time_zone)} is not a known time zone (e.g. Europe/Berlin, America/New_York).",
        )

    problems.extend(found)
    if found:
        return None
    return MemberRow(
        row=number,
        username=username,
        email=email,
        display_name=values["display_name"],
        team=values["team"],
        role=role,
        joined_on=joined_on,
        time_zone=time_zone,
    )


def _cross_row_problems(rows: list[MemberRow]) -> list[ImportProblem]:
    """A person may be listed once per team; their details must agree across rows."""
    problems: list[ImportProblem] = []
    first_by_email: dict[str, MemberRow] = {}
    first_by_membership: dict[tuple[str, str], MemberRow] = {}
    email_by_username: dict[str, MemberRow] = {}
    for row in rows:
        membership = (row.email, team_key(row.team))
        if membership in first_by_membership:
            earlier = first_by_membership[membership]
            problems.append(
                ImportProblem(
                    f"{quote(row.email)} is listed for team {quote(row.team)} "
                    f"already in row {earlier.row}.",
                    row=row.row,
                    column="email",
                )
            )
            continue
        first_by_membership[membership] = row
        earlier = first_by_email.setdefault(row.email, row)
        for column in ("username", "display_name", "time_zone"):
            if getattr(row, column) != getattr(earlier, column):
                problems.append(
                    ImportProblem(
                        f"differs from row {earlier.row} for the same e-mail "
                        f"{quote(row.email)}; a person's details must be the same in every row.",
                        row=row.row,
                        column=column,
                    )
                )
        if row.username:
            holder = email_by_username.setdefault(row.username.lower(), row)
            if holder.email != row.email:
                problems.append(
                    ImportProblem(
                        f"{quote(row.username)} is given to {quote(holder.email)} "
                        f"in row {holder.row} already.",
                        row=row.row,
                        column="username",
                    )
                )
    return problems


def check_against_directory(rows: list[MemberRow], directory: Directory) -> list[ImportProblem]:
    problems: list[ImportProblem] = []
    for row in rows:
        if team_key(row.team) not in directory.team_ids:
            problems.append(
                ImportProblem(
                    f"{quote(row.team)} is not a team of your organisation "
                    "(give its name or its short name).",
                    row=row.row,
                    column="team",
                )
            )
        known = directory.people_by_email.get(row.email)
        if known is not None and not known.in_organisation:
            problems.append(
                ImportProblem(
                    f"{quote(row.email)} is already used by an account outside your organisation.",
                    row=row.row,
                    column="email",
                )
            )
            continue
        if known is not None:
            if row.username and row.username.lower() != known.username.lower():
                problems.append(
                    ImportProblem(
                        f"{quote(row.email)} belongs to the existing account "
                        f"{quote(known.username)}; leave username empty or give that one.",
                        row=row.row,
                        column="username",
                    )
                )
            continue
        # A new person: they need a username nobody has.
        if not row.username:
            problems.append(
                ImportProblem(
                    "is empty; a new person needs a username.", row=row.row, column="username"
                )
            )
            continue
        holder = directory.people_by_username.get(row.username.lower())
        if holder is not None:
            problems.append(
                ImportProblem(
                    f"{quote(row.username)} is taken by another account.",
                    row=row.row,
                    column="username",
                )
            )
    return problems
