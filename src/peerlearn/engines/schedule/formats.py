"""The four session formats as data, with their duration rule and agenda helpers.

A format is a template: the Django app copies these defaults into rows a team can
edit, so everything here is immutable and keyed by a stable ``key``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peerlearn.engines.schedule.errors import ScheduleError


@dataclass(frozen=True, slots=True)
class AgendaItem:
    title: str
    minutes: int
    prompt: str = ""  # a question the facilitator reads out, e.g. "why this design?"


@dataclass(frozen=True, slots=True)
class Role:
    key: str
    label: str
    min_people: int
    max_people: int | None  # None: as many as want to come


@dataclass(frozen=True, slots=True)
class SessionFormat:
    key: str
    name: str
    summary: str
    min_minutes: int
    max_minutes: int
    default_minutes: int
    roles: tuple[Role, ...]
    agenda: tuple[AgendaItem, ...]  # minutes add up to default_minutes
    preparation: tuple[str, ...]
    activities: tuple[str, ...] = ()  # pairing only: what the pair works on
    needs_change_link: bool = False  # code review only: the change under discussion

    def role(self, key: str) -> Role:
        for role in self.roles:
            if role.key == key:
                return role
        raise ScheduleError(f"{self.name} has no role {key!r}", field="roles")


LUNCH_AND_LEARN = SessionFormat(
    key="lunch_and_learn",
    name="Lunch & Learn",
    summary="An informal talk over lunch by one presenter.",
    min_minutes=30,
    max_minutes=60,
    default_minutes=45,
    roles=(Role("presenter", "Presenter", 1, 1), Role("attendee", "Attendee", 0, None)),
    agenda=(
        AgendaItem("Talk", 25),
        AgendaItem("Questions", 15),
        AgendaItem("Takeaways", 5, "What will you try this week?"),
    ),
    preparation=(
        "Presenter: outline the talk and share any slides or links",
        "Attendees: note one question you want answered",
    ),
)

CODE_REVIEW_WITH_A_TWIST = SessionFormat(
    key="code_review_twist",
    name="Code Review with a Twist",
    summary="A real change discussed for its design decisions and alternatives, not bugs.",
    min_minutes=45,
    max_minutes=90,
    default_minutes=60,
    roles=(
        Role("author", "Author", 1, 1),
        Role("guide", "Guide", 1, 1),
        Role("reviewer", "Reviewer", 1, None),
    ),
    agenda=(
        AgendaItem("Author walks through the change and its context", 15),
        AgendaItem("Design decisions", 20, "Why this design?"),
        AgendaItem("Alternatives", 15, "What else could we have done?"),
        AgendaItem("Practices worth keeping", 10, "What would we repeat next time?"),
    ),
    preparation=(
        "Author: share the link to the change (pull/merge request or commit range)",
        "Reviewers: read the change beforehand and note design questions",
        "Guide: pick two or three decisions worth discussing",
    ),
    needs_change_link=True,
)

PAIRING_BEYOND_CODING = SessionFormat(
    key="pairing",
    name="Pairing beyond coding",
    summary="Two people, an expert and a learner, on debugging, docs or a library.",
    min_minutes=30,
    max_minutes=120,
    default_minutes=60,
    roles=(Role("expert", "Expert", 1, 1), Role("learner", "Learner", 1, 1)),
    agenda=(
        AgendaItem("Agree a short goal", 5, "What should the learner be able to do after?"),
        AgendaItem("Work together, learner at the keyboard", 45),
        AgendaItem("What we learned", 10, "Write down what we learned and what is next"),
    ),
    preparation=(
        "Agree the activity: debugging, documentation or exploring a library",
        "Learner: write the goal in one sentence",
        "Expert: have the environment or the library ready",
    ),
    activities=("debugging", "documentation", "exploring a library"),
)

FOCUSED_DEEP_DIVE = SessionFormat(
    key="deep_dive",
    name="Focused Deep Dive",
    summary="90 to 120 minutes on one challenge or technology, with preparation and exercises.",
    min_minutes=90,
    max_minutes=120,
    default_minutes=105,
    roles=(Role("facilitator", "Facilitator", 1, 2), Role("participant", "Participant", 1, None)),
    agenda=(
        AgendaItem("Framing: the challenge and what we want to leave with", 10),
        AgendaItem("Concepts, building on the preparation reading", 25),
        AgendaItem("Exercise 1", 25),
        AgendaItem("Break", 5),
        AgendaItem("Exercise 2", 25),
        AgendaItem("Debrief and takeaways", 15, "What changes in how we work?"),
    ),
    preparation=(
        "Facilitator: share the preparation reading a week ahead",
        "Facilitator: prepare the exercises and a working environment",
        "Participants: do the preparation reading",
    ),
)

FORMATS: Mapping[str, SessionFormat] = {
    fmt.key: fmt
    for fmt in (LUNCH_AND_LEARN, CODE_REVIEW_WITH_A_TWIST, PAIRING_BEYOND_CODING, FOCUSED_DEEP_DIVE)
}


def get_format(key: str) -> SessionFormat:
    try:
        return FORMATS[key]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ScheduleError(
            f"Unknown format {key!r}; known formats: {known}", field="format"
        ) from None


def duration_problem(fmt: SessionFormat, minutes: int) -> str | None:
    """The message to show for ``minutes`` outside the format's range, else ``None``."""
    if fmt.min_minutes <= minutes <= fmt.max_minutes:
        return None
    span = f"{fmt.min_minutes}\N{EN DASH}{fmt.max_minutes}"
    return f"{fmt.name} lasts {span} minutes; {minutes} is outside it"


def validate_duration(fmt: SessionFormat, minutes: int) -> None:
    problem = duration_problem(fmt, minutes)
    if problem is not None:
        raise ScheduleError(problem, field="duration")


def role_problems(fmt: SessionFormat, people_by_role: Mapping[str, Sequence[str]]) -> list[str]:
    """Every way ``people_by_role`` breaks the format's roles, as messages."""
    problems = [
        f"{fmt.name} has no role {key!r}"
        for key in people_by_role
        if key not in {r.key for r in fmt.roles}
    ]
    for role in fmt.roles:
        count = len(people_by_role.get(role.key, ()))
        if count < role.min_people:
            problems.append(f"{fmt.name} needs at least {role.min_people} {role.label.lower()}")
        elif role.max_people is not None and count > role.max_people:
            problems.append(f"{fmt.name} allows at most {role.max_people} {role.label.lower()}")
    return problems


# A web link to a pull/merge request or commit, or a bare commit range "abc123..def456".
_CHANGE_LINK = re.compile(r"^(https?://\S+|[0-9a-f]{7,40}\.\.\.?[0-9a-f]{7,40})$", re.IGNORECASE)


_COMMIT_RANGE = re.compile(r"[0-9a-f]{7,40}\.\.\.?[0-9a-f]{7,40}", re.IGNORECASE)


def is_commit_range(text: str) -> bool:
    """A bare commit range such as ``abc1234..def5678`` (or ``...``)."""
    return _COMMIT_RANGE.fullmatch(text) is not None


def change_link_problem(fmt: SessionFormat, link: str) -> str | None:
    if not fmt.needs_change_link:
        return None
    if not link.strip():
        return f"{fmt.name} needs a link to a real change (pull/merge request or commit range)"
    if not _CHANGE_LINK.match(link.strip()):
        return f"{link!r} is neither an http(s) link nor a commit range like abc1234..def5678"
    return None


def agenda_for(fmt: SessionFormat, minutes: int) -> tuple[AgendaItem, ...]:
    """The agenda template stretched or shrunk to ``minutes``, totals exact.

    Largest-remainder rounding keeps the sum equal to ``minutes`` so the printed agenda
    never promises more time than the slot has.
    """
    validate_duration(fmt, minutes)
    template_total = sum(item.minutes for item in fmt.agenda)
    exact = [item.minutes * minutes / template_total for item in fmt.agenda]
    floors = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for index in by_remainder[: minutes - sum(floors)]:
        floors[index] += 1
    return tuple(
        AgendaItem(item.title, share, item.prompt)
        for item, share in zip(fmt.agenda, floors, strict=True)
    )


def describe(
    fmt: SessionFormat, minutes: int, *, carried_over: Sequence[str] = (), extra: str = ""
) -> str:
    """Plain text for a calendar DESCRIPTION or a reminder e-mail: agenda and checklist."""
    lines = [f"{fmt.name} · {minutes} min"]
    if extra:
        lines += ["", extra.strip()]
    lines += ["", "Agenda"]
    for item in agenda_for(fmt, minutes):
        prompt = f" — {item.prompt}" if item.prompt else ""
        lines.append(f"- {item.title} ({item.minutes} min){prompt}")
    if carried_over:
        lines += ["", "Open action items from last time"]
        lines += [f"- {action}" for action in carried_over]
    lines += ["", "Preparation"]
    lines += [f"- [ ] {step}" for step in fmt.preparation]
    return "\n".join(lines)
