from pathlib import Path

import pytest

from peerlearn.engines.gaps.imports import ImportProblems, Problem
from peerlearn.engines.gaps.imports.retro_csv import (
    ColumnMapping,
    ImportedGap,
    csv_columns,
    parse_retro_csv,
)

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def problems(data: bytes, mapping: ColumnMapping, **options: int) -> list[str]:
    with pytest.raises(ImportProblems) as caught:
        parse_retro_csv(data, mapping, **options)
    return [str(problem) for problem in caught.value.problems]


PARABOL = ColumnMapping(
    title="Reflection", description="Prompt", votes="Votes", category="Group", author="Author"
)
SIMPLE = ColumnMapping(title="Title", description="Description", votes="Votes")


def test_parabol_export_with_crlf_and_a_multiline_card() -> None:
    assert csv_columns(read("parabol_export.csv")) == [
        "Reflection", "Prompt", "Group", "Votes", "Author"
    ]  # fmt: skip
    gaps = parse_retro_csv(read("parabol_export.csv"), PARABOL)
    assert gaps[0] == ImportedGap(
        2,
        "Nobody knows how the Terraform state locking works",
        "What went wrong?",
        5,
        "Infra",
        "Ana",
    )
    assert (gaps[2].author, gaps[2].votes) == (None, 0)
    assert gaps[3].author == "Chen, Dana"
    assert (gaps[4].line, gaps[4].title) == (6, "Multi-line reflection about on-call handover")
    assert len(gaps) == 5


def test_easyretro_semicolons() -> None:
    data = read("easyretro_semicolon.csv")
    assert csv_columns(data) == ["Column", "Message", "Votes", "Comments"]
    mapping = ColumnMapping(
        title="Message", description="Comments", votes="Votes", category="Column"
    )
    gaps = parse_retro_csv(data, mapping)
    assert [(g.title, g.votes, g.category) for g in gaps] == [
        ("Release notes were clear", 4, "Went well"),
        ("Too many manual steps in deploys", 7, "To improve"),
        ("Learn how Grafana alerting works", 2, "Action items"),
    ]
    assert gaps[1].description == "Automate with ArgoCD; see INFRA-12"


def test_utf8_bom_and_excel_utf16_tabs() -> None:
    assert csv_columns(read("utf8_bom.csv"))[0] == "Title"
    gaps = parse_retro_csv(read("utf8_bom.csv"), ColumnMapping(title="Title", description="Notes"))
    assert gaps[1].title == "Nobody understands Ünicode handling"
    gaps = parse_retro_csv(read("excel_unicode.txt"), SIMPLE)
    assert [(g.line, g.title, g.votes) for g in gaps] == [
        (2, "Secrets rotation", 2), (3, "SQL query tuning", 4)
    ]  # fmt: skip


def test_missing_column_is_named_with_the_header() -> None:
    assert problems(read("wrong_columns.csv"), SIMPLE) == [
        "line 1, column 'Title': no such column in the header ('Idea', 'Points')",
        "line 1, column 'Description': no such column in the header ('Idea', 'Points')",
        "line 1, column 'Votes': no such column in the header ('Idea', 'Points')",
    ]


def test_latin1_bytes_are_refused_line_by_line() -> None:
    assert problems(read("latin1.csv"), ColumnMapping(title="Title")) == [
        "line 2: not UTF-8: byte 0xE9 at position 4 (save the file as UTF-8)",
        "line 4: not UTF-8: byte 0xEF at position 3 (save the file as UTF-8)",
    ]


def test_duplicate_rows_name_the_first() -> None:
    assert problems(read("duplicate_rows.csv"), SIMPLE) == ["line 4: repeats line 2"]


def test_every_bad_row_is_reported_and_nothing_is_returned() -> None:
    assert problems(read("ragged.csv"), SIMPLE) == [
        "line 3: 4 fields where the header has 3",
        "line 4, column 'Votes': not a number of votes: '-3'",
        "line 5, column 'Title': the title is empty",
    ]


def test_limits_and_control_characters() -> None:
    header = b"Title,Votes\n"
    assert problems(header + b"a,1\nb,2\nc,3\n", ColumnMapping("Title"), max_rows=2) == [
        "line 4: more than 2 rows: split the file"
    ]
    long_title = b"x" * 201
    assert problems(header + long_title + b",1\n", ColumnMapping("Title")) == [
        "line 2, column 'Title': the title is longer than 200 characters"
    ]
    assert problems(header + b"bell\x07,1\n", ColumnMapping("Title")) == [
        "line 2, column 'Title': the title holds a line break or control character"
    ]
    assert problems(b"", ColumnMapping("Title")) == ["the file is empty"]
    assert problems(header, ColumnMapping("Title")) == ["the file has a header but no rows"]


def test_problem_reads_well() -> None:
    assert (
        str(Problem(4, "Votes", "not a number: 'x'")) == "line 4, column 'Votes': not a number: 'x'"
    )
    assert str(Problem(None, None, "the file is empty")) == "the file is empty"


def test_problems_are_capped() -> None:
    data = b"Title,Votes\n" + b"".join(b"t%d,x\n" % i for i in range(80))
    with pytest.raises(ImportProblems) as caught:
        parse_retro_csv(data, ColumnMapping("Title", votes="Votes"))
    assert len(caught.value.problems) == 50
    assert caught.value.truncated
    assert str(caught.value).endswith("and more problems not listed")
