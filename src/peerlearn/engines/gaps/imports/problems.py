"""What went wrong in an upload, said so a person can fix the file."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_PROBLEMS = 50
# Control characters other than tab and newline (and carriage return in long text).
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Problem:
    line: int | None  # 1-based line of the file
    column: str | None  # the column's name in the header, for tables
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportProblems(Exception):
    """The upload was refused; ``problems`` says every reason found (the first 50)."""

    def __init__(self, problems: list[Problem], *, truncated: bool = False) -> None:
        self.problems = problems
        self.truncated = truncated
        super().__init__(str(self))

    def __str__(self) -> str:
        text = "; ".join(str(problem) for problem in self.problems)
        return text + ("; and more problems not listed" if self.truncated else "")


class Problems:
    """Collects problems up to the cap; ``full`` tells a parser it may stop early."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.truncated = False

    def add(self, line: int | None, column: str | None, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.truncated = True
        else:
            self.items.append(Problem(line, column, message))

    @property
    def full(self) -> bool:
        return self.truncated

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblems(self.items, truncated=self.truncated)


def decode_upload(data: bytes) -> str:
    """The text of an upload: UTF-8 (with or without a BOM) or UTF-16 with a BOM, as
    Excel writes "Unicode text". Anything else is refused naming each line and byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportProblems(
                [Problem(None, None, f"not valid UTF-16 at byte {error.start}: {error.reason}")]
            ) from None
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            items, truncated = _utf8_problems(data)
            raise ImportProblems(items, truncated=truncated) from None
    if not text.strip():
        raise ImportProblems([Problem(None, None, "the file is empty")])
    return text


def _utf8_problems(data: bytes) -> tuple[list[Problem], bool]:
    problems = Problems()
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = line[error.start]
            problems.add(
                number,
                None,
                f"not UTF-8: byte 0x{byte:02X} at position {error.start + 1} "
                "(save the file as UTF-8)",
            )
    return problems.items, problems.truncated


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: whichever the header line holds most of outside quotes."""
    header = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(first line, fields)`` of each record; blank lines are skipped. Raises
    ``ImportProblems`` on broken quoting."""
    # StringIO splits lines at line ends only (str.splitlines would also split at form
    # feeds and U+2028, and number lines differently from an editor).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if fields and any(field.strip() for field in fields):
                yield line, fields
    except csv.Error as error:
        raise ImportProblems([Problem(reader.line_num, None, f"broken CSV: {error}")]) from None
