"""Task-list lines in session notes: owner, text, due date, done; problems by line."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.capture.action_lines import ActionLine, LineProblem, parse_action_lines

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_notes_fixture() -> None:
    result = parse_action_lines((FIXTURES / "notes.md").read_text())
    assert result.items == (
        ActionLine(
            20, "tomas", "write the runbook for draining the DLQ", dt.date(2026, 12, 10), False
        ),
        ActionLine(21, "dana", "add an alert on queue depth", dt.date(2026, 12, 8), False),
        ActionLine(22, "priya", "share the recording", None, True),
    )
    assert result.problems == ()


@pytest.mark.parametrize(
    ("line", "mention", "text", "due", "done"),
    [
        ("- [ ] @alice write the runbook (due 2026-12-10)", "alice", "write the runbook",
         dt.date(2026, 12, 10), False),
        ("- [ ] @bob.smith fix X due:2026-12-10", "bob.smith", "fix X", dt.date(2026, 12, 10),
         False),
        ("* [X] @carol: ship it", "carol", "ship it", None, True),
        ("1. [ ] update the docs @dana.", "dana", "update the docs.", None, False),
        ("  + [ ] ask @erin about the quota", "erin", "ask @erin about the quota", None, False),
        ("- [ ] mail ops@example.com due 2027-01-31", None, "mail ops@example.com",
         dt.date(2027, 1, 31), False),
        ("- [ ] rerun the job due to the outage", None, "rerun the job due to the outage",
         None, False),
        ("- [ ] @fay renew certs \U0001f4c5 2026-12-24", "fay", "renew certs",
         dt.date(2026, 12, 24), False),
        ("- [ ] @gus (due: 2026-12-01) pick a venue", "gus", "pick a venue",
         dt.date(2026, 12, 1), False),
    ],
)  # fmt: skip
def test_one_task_line(
    line: str, mention: str | None, text: str, due: dt.date | None, done: bool
) -> None:
    assert parse_action_lines(line).items == (ActionLine(1, mention, text, due, done),)


def test_bad_dates_are_problems_and_the_item_stays_as_written() -> None:
    notes = "intro\n- [ ] @ann book the room (due 2026-13-40)\n- [ ] @ben call due:friday\n"
    result = parse_action_lines(notes)
    assert result.items == (
        ActionLine(2, "ann", "book the room (due 2026-13-40)", None, False),
        ActionLine(3, "ben", "call due:friday", None, False),
    )
    assert result.problems == (
        LineProblem(2, "not a due date: '2026-13-40' (write it as YYYY-MM-DD)"),
        LineProblem(3, "not a due date: 'friday' (write it as YYYY-MM-DD)"),
    )
    assert str(result.problems[0]).startswith("line 2: ")


def test_dates_outside_the_product_range_are_problems() -> None:
    result = parse_action_lines("- [ ] archive due:2150-01-01")
    assert result.items[0].due is None
    assert result.problems[0].line == 1


def test_fenced_code_blocks_are_not_tasks() -> None:
    notes = "\n".join(
        [
            "- [ ] real one",
            "```markdown",
            "- [ ] @x an example in a fence",
            "~~~",
            "- [ ] still inside: a ~~~ does not close a ``` fence",
            "```",
            "~~~~",
            "- [ ] inside a tilde fence",
            "~~~~~",
            "- [ ] after the fences",
            "````",
            "- [ ] an unclosed fence runs to the end",
        ]
    )
    assert [(i.line, i.text) for i in parse_action_lines(notes).items] == [
        (1, "real one"),
        (10, "after the fences"),
    ]


def test_inline_backticks_do_not_open_a_fence() -> None:
    notes = "```not a fence``` here\n- [ ] counted"
    assert [i.line for i in parse_action_lines(notes).items] == [2]


def test_empty_items_and_non_task_lines() -> None:
    result = parse_action_lines("- [ ] @zoe\n- [ ]\n- plain bullet\n[ ] no bullet\n- [y] odd")
    assert result.items == ()
    assert result.problems == (
        LineProblem(1, "the action item says nothing to do"),
        LineProblem(2, "the action item says nothing to do"),
    )


def test_problems_are_capped() -> None:
    notes = "\n".join("- [ ] x due:soon" for _ in range(80))
    result = parse_action_lines(notes)
    assert len(result.items) == 80
    assert len(result.problems) == 50


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["- [ ] ", "- [x] ", "@ann ", "due:", "(due ", "2026-12-1", ")", "```", "~~~",
             "\n", " ", "word ", "@", "\U0001f4c5 ", "1. [ ] "]
        ),
        max_size=40,
    )
)  # fmt: skip
def test_any_notes_give_items_and_problems_never_an_exception(parts: list[str]) -> None:
    notes = "".join(parts)
    result = parse_action_lines(notes)
    lines = notes.split("\n")
    for item in result.items:
        assert item.text
        assert 1 <= item.line <= len(lines)
        assert lines[item.line - 1].lstrip()[:1] in "-*+0123456789"
    assert all(1 <= p.line <= len(lines) for p in result.problems)
