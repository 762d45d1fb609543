"""Writes for the ways gaps come in besides the quick form: anonymous asks, imports from
retrospectives, private 1:1 notes, post-mortems and the onboarding checklist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.gaps import rules
from peerlearn.gaps.models import (
    AnonymousAskWindow,
    Gap,
    GapSource,
    OnboardingMark,
    OnboardingStep,
    OneOnOneNote,
    PostMortem,
)
from peerlearn.gaps.services import _require_in_team, gap_create
from peerlearn.people.models import Team, User
from peerlearn.validation import check_date, check_web_url

# Per team, not per person: counting per person would have to remember who asked.
ANONYMOUS_ASKS_PER_HOUR = 20
IMPORT_MAX_ITEMS = 5000


class AnonymousLimitReached(ValidationError):
    pass


def _start_of_day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def anonymous_ask_submit(
    *, team: Team, asker: User, title: str, description: str = "", code_areas: Sequence[str] = ()
) -> Gap:
    """A gap with no identity stored anywhere. `asker` is only checked to be in the team
    and then forgotten: it is not in the row, its history, the audit log or a task, and
    the time is kept to the day (`tests/gaps/test_anonymity.py` searches for it)."""
    _require_in_team(team, asker)
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    window, _ = AnonymousAskWindow.objects.select_for_update().get_or_create(team=team, hour=hour)
    if window.count >= ANONYMOUS_ASKS_PER_HOUR:
        raise AnonymousLimitReached(
            f"{team.name} received {ANONYMOUS_ASKS_PER_HOUR} anonymous asks this hour; "
            "try again in a while."
        )
    AnonymousAskWindow.objects.filter(pk=window.pk).update(count=F("count") + 1)
    AnonymousAskWindow.objects.filter(hour__lt=hour - dt.timedelta(days=1)).delete()
    return gap_create(
        team=team,
        raised_by=None,
        title=title,
        description=description,
        source=GapSource.ANONYMOUS,
        code_areas=code_areas,
        created_at=_start_of_day(now),
    )


class ImportedItem(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def votes(self) -> int: ...


class ImportLineRefused(ValidationError):
    """An item of an import the rules refuse: "Line 4: …" for the page, and the line
    and the reasons apart for the API."""

    def __init__(self, line: int, reasons: list[str]) -> None:
        super().__init__(f"Line {line}: {'; '.join(reasons)}")
        self.line = line
        self.reasons = reasons


@transaction.atomic
def gaps_import(
    *, team: Team, actor: User, items: Sequence[ImportedItem], source: str, origin: str
) -> list[Gap]:
    """All of them or none: the first item the rules refuse names its line and nothing
    is stored. Votes counted in the retrospective tool are kept as imported votes (they
    count in the priority; nobody's vote here is invented)."""
    _require_in_team(team, actor)
    if not items:
        raise ValidationError("The file holds no items to import.")
    if len(items) > IMPORT_MAX_ITEMS:
        raise ValidationError(f"At most {IMPORT_MAX_ITEMS} items at once ({len(items)} given).")
    created = []
    for item in items:
        try:
            created.append(
                gap_create(
                    team=team,
                    raised_by=actor,
                    announce=False,  # one file, not a message per line
                    title=item.title,
                    description=item.description,
                    source=source,
                    evidence={"imported_from": origin[:200], "imported_votes": max(item.votes, 0)},
                )
            )
        except ValidationError as error:
            raise ImportLineRefused(item.line, error.messages) from error
    audit_record(
        actor=actor,
        organisation=team.organisation_id,
        action="gap.import",
        target=team,
        details={"items": len(created), "from": origin[:200]},
    )
    return created


@transaction.atomic
def note_create(*, team: Team, author: User, held_on: dt.date, text: str) -> OneOnOneNote:
    _require_in_team(team, author)
    body = rules.clean_description(text, field="text")
    if not body:
        raise ValidationError({"text": ["Write what came up."]})
    held = check_date(held_on, field="held_on")
    assert held is not None
    return OneOnOneNote.objects.create(team=team, author=author, held_on=held, text=body)


@transaction.atomic
def note_to_gap(*, note: OneOnOneNote, lead: User, title: str, description: str = "") -> Gap:
    """A gap from a private 1:1 note that names nobody: no `raised_by`, no actor in its
    history, its time kept to the day. The note (which only its author sees) links it."""
    if note.author_id != lead.pk:
        raise ValidationError("Only the note's author can turn it into a gap.")
    if note.gap_id is not None:
        raise ValidationError(f"This note already became gap #{note.gap_id}.")
    gap = gap_create(
        team=note.team,
        raised_by=None,
        title=title,
        description=description,
        source=GapSource.ONE_ON_ONE,
        created_at=_start_of_day(timezone.now()),
    )
    note.gap = gap
    note.save(update_fields=["gap"])
    return gap


@transaction.atomic
def note_delete(*, note: OneOnOneNote, author: User) -> None:
    if note.author_id != author.pk:
        raise ValidationError("Only the note's author can delete it.")
    note.delete()


@transaction.atomic
def post_mortem_record(
    *,
    team: Team,
    recorded_by: User,
    title: str,
    happened_on: dt.date,
    what_we_did_not_know: str,
    what_would_have_helped: str = "",
    link: str = "",
) -> PostMortem:
    """A post-mortem's learning part, and the gap it opens in the backlog."""
    _require_in_team(team, recorded_by)
    clean_title = rules.clean_title(title)
    unknown = rules.clean_description(what_we_did_not_know, field="what_we_did_not_know")
    if not unknown:
        raise ValidationError({"what_we_did_not_know": ["Say what the team did not know."]})
    helped = rules.clean_description(what_would_have_helped, field="what_would_have_helped")
    clean_link = check_web_url(link.strip(), field="link") if link.strip() else ""
    day = check_date(happened_on, field="happened_on")
    assert day is not None
    description = f"**What we didn't know:**\n\n{unknown}"
    if helped:
        description += f"\n\n**What would have helped:**\n\n{helped}"
    if clean_link:
        description += f"\n\n[The post-mortem]({clean_link})"
    gap = gap_create(
        team=team,
        raised_by=recorded_by,
        title=clean_title,
        description=description,
        source=GapSource.POST_MORTEM,
        evidence={"incident_on": day.isoformat()},
    )
    return PostMortem.objects.create(
        team=team,
        title=clean_title,
        happened_on=day,
        what_we_did_not_know=unknown,
        what_would_have_helped=helped,
        link=clean_link,
        recorded_by=recorded_by,
        gap=gap,
    )


@transaction.atomic
def onboarding_step_create(*, team: Team, actor: User, title: str) -> OnboardingStep:
    last = OnboardingStep.objects.filter(team=team).order_by("-position").first()
    step = OnboardingStep.objects.create(
        team=team, title=rules.clean_title(title), position=(last.position + 1) if last else 0
    )
    audit_record(
        actor=actor, organisation=team.organisation_id, action="onboarding.step", target=step
    )
    return step


@transaction.atomic
def onboarding_step_remove(*, step: OnboardingStep, actor: User) -> None:
    audit_record(
        actor=actor, organisation=step.team.organisation_id, action="onboarding.remove", target=step
    )
    step.delete()


@transaction.atomic
def onboarding_mark(
    *, step: OnboardingStep, person: User, done: bool, hard: bool, comment: str = ""
) -> OnboardingMark:
    _require_in_team(step.team, person)
    mark, _ = OnboardingMark.objects.update_or_create(
        step=step,
        person=person,
        defaults={
            "done": done,
            "hard": hard,
            "comment": rules.clean_description(comment, field="comment")[:2000],
            "updated_at": timezone.now(),
        },
    )
    return mark
