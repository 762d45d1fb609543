"""Suggestions from the automatic signals: refreshed by the signal jobs, decided by leads.

A refresh updates each suggestion by its key (the area, dependency, cluster or step its
evidence is about). A dismissed suggestion stays dismissed until its evidence grows by
`COME_BACK_FACTOR` over what it was when dismissed; an accepted one keeps pointing at its
gap and only has its evidence brought up to date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.engines.gaps.local_signals import SignalFinding
from peerlearn.gaps.models import Gap, SignalKind, Suggestion, SuggestionStatus
from peerlearn.gaps.services import event_record, gap_create
from peerlearn.people.models import Team, User

COME_BACK_FACTOR = 1.25
# What a signal's gap is filed under in the backlog.
SOURCE_OF_KIND = {
    SignalKind.KNOWLEDGE_ISLAND: "codebase",
    SignalKind.RECURRING_BUGS: "recurring_bugs",
    SignalKind.NEW_TECHNOLOGY: "new_technology",
    SignalKind.ONBOARDING: "onboarding",
}


@dataclass(frozen=True)
class RefreshCounts:
    new: int = 0
    updated: int = 0
    returned: int = 0  # dismissed ones whose evidence grew
    gone: int = 0  # pending ones whose evidence no longer holds


@transaction.atomic
def suggestions_refresh(*, team: Team, kind: str, found: Iterable[SignalFinding]) -> RefreshCounts:
    """Make the team's pending suggestions of `kind` what the signal found now."""
    if kind not in SignalKind.values:
        raise ValueError(f"not a signal kind: {kind!r}")
    existing = {
        s.key: s for s in Suggestion.objects.select_for_update().filter(team=team, kind=kind)
    }
    new = updated = returned = 0
    seen: set[str] = set()
    now = timezone.now()
    for item in found:
        key = item.key[:500]
        if key in seen:
            continue
        seen.add(key)
        strength = min(max(item.strength, 0.0), 1.0)
        values = {
            "title": item.title[:200],
            "description": item.description,
            "code_areas": list(item.code_areas)[:50],
            "evidence": item.evidence,
            "strength": strength,
            "updated_at": now,
        }
        row = existing.get(key)
        if row is None:
            Suggestion.objects.create(team=team, kind=kind, key=key, **values)
            new += 1
            continue
        for name, value in values.items():
            setattr(row, name, value)
        if (
            row.status == SuggestionStatus.DISMISSED
            and strength >= (row.dismissed_strength or 0.0) * COME_BACK_FACTOR + 1e-9
        ):
            row.status = SuggestionStatus.PENDING
            returned += 1
        else:
            updated += 1
        row.save()
    gone_rows = [
        s.pk
        for key, s in existing.items()
        if key not in seen and s.status == SuggestionStatus.PENDING
    ]
    Suggestion.objects.filter(pk__in=gone_rows).delete()
    return RefreshCounts(new=new, updated=updated, returned=returned, gone=len(gone_rows))


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, lead: User) -> Gap:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status == SuggestionStatus.ACCEPTED and locked.gap_id is not None:
        raise ValidationError(f"Already accepted as gap #{locked.gap_id}.")
    gap = gap_create(
        team=locked.team,
        raised_by=None,
        title=locked.title,
        description=locked.description,
        source=SOURCE_OF_KIND[SignalKind(locked.kind)],
        code_areas=locked.code_areas,
        evidence={"signal": locked.kind, "key": locked.key, **locked.evidence},
        signal_strength=locked.strength,
    )
    event_record(gap=gap, actor=lead, kind="accepted", text=f"{lead.name} accepted the suggestion.")
    locked.status = SuggestionStatus.ACCEPTED
    locked.gap = gap
    locked.decided_by = lead
    locked.updated_at = timezone.now()
    locked.save()
    audit_record(
        actor=lead, organisation=locked.team.organisation_id, action="suggestion.accept", target=gap
    )
    return gap


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, lead: User) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status == SuggestionStatus.ACCEPTED:
        raise ValidationError("An accepted suggestion is a gap now; drop the gap instead.")
    locked.status = SuggestionStatus.DISMISSED
    locked.dismissed_strength = locked.strength
    locked.decided_by = lead
    locked.updated_at = timezone.now()
    locked.save()
    audit_record(
        actor=lead,
        organisation=locked.team.organisation_id,
        action="suggestion.dismiss",
        target=locked,
    )
    return locked
