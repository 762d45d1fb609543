from __future__ import annotations

import pytest

from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.formats import (
    CODE_REVIEW_WITH_A_TWIST,
    FOCUSED_DEEP_DIVE,
    FORMATS,
    LUNCH_AND_LEARN,
    PAIRING_BEYOND_CODING,
    SessionFormat,
    agenda_for,
    change_link_problem,
    describe,
    duration_problem,
    get_format,
    role_problems,
    validate_duration,
)


def test_four_formats_with_their_ranges() -> None:
    ranges = {key: (f.min_minutes, f.max_minutes) for key, f in FORMATS.items()}
    assert ranges == {
        "lunch_and_learn": (30, 60),
        "code_review_twist": (45, 90),
        "pairing": (30, 120),
        "deep_dive": (90, 120),
    }


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_format_defaults_are_consistent(fmt: SessionFormat) -> None:
    f = get_format(fmt.key)
    assert f is fmt
    assert f.min_minutes <= f.default_minutes <= f.max_minutes
    assert sum(item.minutes for item in f.agenda) == f.default_minutes
    assert f.roles
    assert f.preparation
    assert duration_problem(f, f.default_minutes) is None


def test_duration_outside_range_has_a_clear_message() -> None:
    assert duration_problem(LUNCH_AND_LEARN, 75) == (
        "Lunch & Learn lasts 30\N{EN DASH}60 minutes; 75 is outside it"
    )
    with pytest.raises(
        ScheduleError, match="Focused Deep Dive lasts 90\N{EN DASH}120 minutes; 60"
    ) as err:
        validate_duration(FOCUSED_DEEP_DIVE, 60)
    assert err.value.field == "duration"


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(ScheduleError, match="known formats: code_review_twist, deep_dive"):
        get_format("hackathon")


def test_lunch_and_learn_agenda_and_one_presenter() -> None:
    titles = [item.title for item in LUNCH_AND_LEARN.agenda]
    assert titles == ["Talk", "Questions", "Takeaways"]
    assert LUNCH_AND_LEARN.role("presenter").max_people == 1
    assert role_problems(LUNCH_AND_LEARN, {"presenter": ["ann", "bob"]}) == [
        "Lunch & Learn allows at most 1 presenter"
    ]


def test_code_review_roles_prompts_and_change_link() -> None:
    fmt = CODE_REVIEW_WITH_A_TWIST
    assert [r.key for r in fmt.roles] == ["author", "guide", "reviewer"]
    prompts = {item.prompt for item in fmt.agenda}
    assert {"Why this design?", "What else could we have done?"} <= prompts
    assert role_problems(fmt, {"author": ["ann"], "reviewer": ["bob"]}) == [
        "Code Review with a Twist needs at least 1 guide"
    ]
    assert change_link_problem(fmt, "https://git.example/pr/42") is None
    assert change_link_problem(fmt, "1a2b3c4..5d6e7f8") is None
    assert "needs a link" in (change_link_problem(fmt, " ") or "")
    assert "neither an http(s) link" in (change_link_problem(fmt, "my branch") or "")
    assert change_link_problem(LUNCH_AND_LEARN, "") is None


def test_pairing_is_two_people_with_activity_goal_and_learnings() -> None:
    fmt = PAIRING_BEYOND_CODING
    assert fmt.activities == ("debugging", "documentation", "exploring a library")
    assert role_problems(fmt, {"expert": ["ann"], "learner": ["bob"]}) == []
    assert role_problems(fmt, {"expert": ["ann"], "learner": ["bob", "cy"]}) == [
        "Pairing beyond coding allows at most 1 learner"
    ]
    titles = [item.title for item in fmt.agenda]
    assert titles[0] == "Agree a short goal"
    assert titles[-1] == "What we learned"
    assert role_problems(fmt, {"expert": ["a"], "learner": ["b"], "host": ["c"]}) == [
        "Pairing beyond coding has no role 'host'"
    ]


def test_deep_dive_has_reading_and_exercises() -> None:
    assert any("reading" in step for step in FOCUSED_DEEP_DIVE.preparation)
    assert sum("Exercise" in item.title for item in FOCUSED_DEEP_DIVE.agenda) == 2


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_agenda_scales_to_every_allowed_duration_exactly(fmt: SessionFormat) -> None:
    f = fmt
    for minutes in range(f.min_minutes, f.max_minutes + 1):
        agenda = agenda_for(f, minutes)
        assert sum(item.minutes for item in agenda) == minutes
        assert [i.title for i in agenda] == [i.title for i in f.agenda]


def test_agenda_for_refuses_durations_outside_the_range() -> None:
    with pytest.raises(ScheduleError, match="lasts 30\N{EN DASH}60 minutes; 61"):
        agenda_for(LUNCH_AND_LEARN, 61)


def test_describe_has_agenda_carry_over_and_checklist() -> None:
    text = describe(LUNCH_AND_LEARN, 60, carried_over=["Ann: write the ADR"], extra="Git")
    assert text.splitlines()[0] == "Lunch & Learn · 60 min"
    assert "- Talk (33 min)" in text
    assert "Open action items from last time\n- Ann: write the ADR" in text
    assert "- [ ] Attendees: note one question you want answered" in text
