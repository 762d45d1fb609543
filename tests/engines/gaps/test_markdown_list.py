from pathlib import Path

import pytest

from peerlearn.engines.gaps.imports import ImportProblems
from peerlearn.engines.gaps.imports.markdown_list import parse_markdown_bullets
from peerlearn.engines.gaps.imports.retro_csv import ImportedGap

NOTES = (Path(__file__).parent / "fixtures" / "retro_notes.md").read_text()


def problems(text: str, **options: int) -> list[str]:
    with pytest.raises(ImportProblems) as caught:
        parse_markdown_bullets(text, **options)
    return [str(problem) for problem in caught.value.problems]


def test_retro_notes() -> None:
    assert parse_markdown_bullets(NOTES) == [
        ImportedGap(
            4,
            "Nobody knows Terraform state locking",
            "- locking broke twice in November\n- the runbook is outdated",
            3,
            "What went badly",
            None,
        ),
        ImportedGap(7, "Flaky Playwright tests", "", 2, "What went badly", None),
        ImportedGap(8, "Kafka consumer lag", "", 1, "What went badly", None),
        ImportedGap(
            11, "Lunch and learn on Grafana alerting", "Ana offered to run it.", 0, "Ideas", None
        ),
    ]


@pytest.mark.parametrize(
    ("line", "title", "votes"),
    [
        ("- Helm charts (+12)", "Helm charts", 12),
        ("- Helm charts +2", "Helm charts", 2),
        ("- Helm charts (3 votes)", "Helm charts", 3),
        ("- Helm charts 1 vote", "Helm charts", 1),
        ("+ Python 3", "Python 3", 0),
        ("2) C++ templates", "C++ templates", 0),
        ("- [X] done thing", "done thing", 0),
    ],
)
def test_votes_and_bullets(line: str, title: str, votes: int) -> None:
    (gap,) = parse_markdown_bullets(line)
    assert (gap.title, gap.votes, gap.category) == (title, votes, None)


def test_problems_name_their_lines() -> None:
    text = "- Kafka lag\n-  \n- kafka LAG\n- bell \x07\n- " + "x" * 201 + "\n"
    assert problems(text) == [
        "line 4: holds a control character",
        "line 2: the item has no title",
        "line 3: repeats line 1",
        "line 5: the title is longer than 200 characters",
    ]


def test_no_items_and_too_many() -> None:
    assert problems("Just prose.\n\n# A heading\n") == [
        "no list items found (start each gap with '- ')"
    ]
    assert problems("- a\n- b\n- c\n", max_items=2) == ["line 3: more than 2 items: split the list"]
