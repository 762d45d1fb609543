"""Every write to gaps, votes, offers and their links to sessions goes through these.

Anonymous asks and gaps from 1:1 notes are written with no person anywhere: no
`raised_by`, no actor in their history or in the audit log (source_services.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.gaps import rules
from peerlearn.gaps.models import (
    Gap,
    GapEvent,
    GapSession,
    GapSource,
    GapStatus,
    GapVote,
    Importance,
    TeachingOffer,
)
from peerlearn.people.models import Membership, Team, User
from peerlearn.schedule.models import Session, SessionStatus

# Which status may follow which; "dropped" needs a reason, reopening is always possible.
STATUS_MOVES: dict[str, frozenset[str]] = {
    GapStatus.OPEN: frozenset({GapStatus.PLANNED, GapStatus.COVERED, GapStatus.DROPPED}),
    GapStatus.PLANNED: frozenset({GapStatus.OPEN, GapStatus.COVERED, GapStatus.DROPPED}),
    GapStatus.COVERED: frozenset({GapStatus.OPEN, GapStatus.VERIFIED, GapStatus.DROPPED}),
    GapStatus.VERIFIED: frozenset({GapStatus.OPEN}),
    GapStatus.DROPPED: frozenset({GapStatus.OPEN}),
}
CLOSED = frozenset({GapStatus.DROPPED})


def in_team(team: Team, person: User) -> bool:
    """A member of the team, or an admin of its organisation."""
    if person.is_org_admin and person.organisation_id == team.organisation_id:
        return True
    return Membership.objects.filter(team=team, user=person).exists()


def _require_in_team(team: Team, person: User) -> None:
    if not in_team(team, person):
        raise ValidationError(f"{person.name} is not in {team.name}.")


def event_record(
    *, gap: Gap, actor: User | None, kind: str, text: str, at: dt.datetime | None = None
) -> GapEvent:
    return GapEvent.objects.create(
        gap=gap, actor=actor, kind=kind, text=text[:500], at=at or timezone.now()
    )


NAMELESS_SOURCES = (GapSource.ANONYMOUS, GapSource.ONE_ON_ONE)


@transaction.atomic
def gap_create(
    *,
    team: Team,
    raised_by: User | None,
    title: str,
    description: str = "",
    source: str = GapSource.OTHER,
    code_areas: Iterable[str] = (),
    evidence: Mapping[str, Any] | None = None,
    signal_strength: float = 0.0,
    created_at: dt.datetime | None = None,
    announce: bool = True,
) -> Gap:
    """A new open gap. `raised_by=None` writes no person at all (anonymous, 1:1, signal).
    `announce=False` (a whole file imported at once) posts nothing to the team's chat."""
    if source not in GapSource.values:
        raise ValidationError({"source": [f"Not a source: {source[:40]!r}."]})
    if raised_by is not None:
        if source in NAMELESS_SOURCES:
            # An anonymous ask or a gap from a 1:1 that names its raiser would betray
            # exactly what those sources promise to keep.
            raise ValidationError(
                {"source": [f"A gap from {GapSource(source).label.lower()} names nobody."]}
            )
        _require_in_team(team, raised_by)
    now = timezone.now()
    gap = Gap.objects.create(
        team=team,
        raised_by=raised_by,
        title=rules.clean_title(title),
        description=rules.clean_description(description),
        source=source,
        code_areas=rules.clean_areas(code_areas),
        evidence=dict(evidence or {}),
        signal_strength=min(max(signal_strength, 0.0), 1.0),
        created_at=created_at or now,
        updated_at=created_at or now,
    )
    event_record(
        gap=gap,
        actor=raised_by,
        kind="created",
        text=f"Raised ({gap.get_source_display()}).",
        at=gap.created_at,
    )
    if raised_by is not None:
        audit_record(
            actor=raised_by, organisation=team.organisation_id, action="gap.create", target=gap
        )
    if announce:
        from peerlearn.chat.events import gap_created

        gap_created(gap)
    return gap


@transaction.atomic
def gap_update(
    *,
    gap: Gap,
    actor: User,
    title: str,
    description: str,
    code_areas: Iterable[str],
    importance: int | None = None,
) -> Gap:
    locked = Gap.objects.select_for_update().get(pk=gap.pk)
    changes: dict[str, Any] = {}
    new_values: dict[str, Any] = {
        "title": rules.clean_title(title),
        "description": rules.clean_description(description),
        "code_areas": rules.clean_areas(code_areas),
    }
    if importance is not None:
        if importance not in Importance.values:
            raise ValidationError({"importance": [f"Not an importance: {importance!r}."]})
        new_values["importance"] = importance
    for name, value in new_values.items():
        if getattr(locked, name) != value:
            changes[name] = [getattr(locked, name), value] if name != "description" else "changed"
            setattr(locked, name, value)
    if not changes:
        return locked
    locked.updated_at = timezone.now()
    locked.save()
    event_record(gap=locked, actor=actor, kind="edited", text="Edited: " + ", ".join(changes) + ".")
    audit_record(
        actor=actor,
        organisation=locked.team.organisation_id,
        action="gap.update",
        target=locked,
        details={k: v for k, v in changes.items() if k != "description"},
    )
    return locked


@transaction.atomic
def gap_set_status(*, gap: Gap, actor: User | None, status: str, reason: str = "") -> Gap:
    locked = Gap.objects.select_for_update().get(pk=gap.pk)
    if status == locked.status:
        return locked
    if status not in GapStatus.values:
        raise ValidationError({"status": [f"Not a status: {status[:40]!r}."]})
    if locked.merged_into_id is not None:
        raise ValidationError({"status": [f"This gap was merged into #{locked.merged_into_id}."]})
    if status not in STATUS_MOVES[locked.status]:
        raise ValidationError(
            {"status": [f"An {locked.status} gap cannot become {status}; reopen it first."]}
        )
    old = locked.status
    locked.status = status
    locked.dropped_reason = rules.clean_reason(reason) if status == GapStatus.DROPPED else ""
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "dropped_reason", "updated_at"])
    why = f" ({locked.dropped_reason})" if locked.dropped_reason else ""
    event_record(gap=locked, actor=actor, kind="status", text=f"{old} → {status}{why}.")
    audit_record(
        actor=actor,
        organisation=locked.team.organisation_id,
        action="gap.status",
        target=locked,
        details={"status": [old, status]},
    )
    return locked


def _recount(gap_id: int) -> int:
    count = GapVote.objects.filter(gap_id=gap_id).count()
    Gap.objects.filter(pk=gap_id).update(vote_count=count)
    return count


@transaction.atomic
def gap_vote(*, gap: Gap, voter: User, vote: bool) -> int:
    """Vote for a gap (`vote=True`) or take the vote back; one per person; the new count.

    The gap row is locked first, so parallel votes queue up and the count stays exact."""
    locked = Gap.objects.select_for_update().get(pk=gap.pk)
    _require_in_team(locked.team, voter)
    if vote:
        if locked.status in CLOSED or locked.merged_into_id is not None:
            raise ValidationError("Votes go to gaps that are still wanted; this one is closed.")
        try:
            with transaction.atomic():
                GapVote.objects.get_or_create(gap=locked, voter=voter)
        except IntegrityError:
            pass  # the same person's parallel request won: one vote either way
    else:
        GapVote.objects.filter(gap=locked, voter=voter).delete()
    return _recount(locked.pk)


@transaction.atomic
def gap_merge(*, duplicate: Gap, into: Gap, actor: User) -> Gap:
    """Fold `duplicate` into `into`: votes, offers, sessions and code areas move over (a
    person who voted on both keeps one vote), `duplicate` is dropped and points at
    `into`, and both histories say so."""
    if duplicate.pk == into.pk:
        raise ValidationError("A gap cannot be merged into itself.")
    first, second = sorted([duplicate.pk, into.pk])
    locked = {g.pk: g for g in Gap.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[duplicate.pk], locked[into.pk]
    if source.team_id != target.team_id:
        raise ValidationError("Only gaps of the same team can be merged.")
    for gap in (source, target):
        if gap.merged_into_id is not None:
            raise ValidationError(f"#{gap.pk} was already merged into #{gap.merged_into_id}.")
    if target.status == GapStatus.DROPPED:
        raise ValidationError(f"#{target.pk} is dropped; reopen it before merging into it.")
    voters_there = GapVote.objects.filter(gap=target).values("voter_id")
    GapVote.objects.filter(gap=source).exclude(voter_id__in=voters_there).update(gap=target)
    offering_there = TeachingOffer.objects.filter(gap=target).values("person_id")
    TeachingOffer.objects.filter(gap=source).exclude(person_id__in=offering_there).update(
        gap=target
    )
    linked_there = GapSession.objects.filter(gap=target).values("session_id")
    GapSession.objects.filter(gap=source).exclude(session_id__in=linked_there).update(gap=target)
    target.code_areas = rules.clean_areas(
        [*target.code_areas, *source.code_areas][: rules.AREAS_MAX]
    )
    imported = int(source.evidence.get("imported_votes", 0)) + int(
        target.evidence.get("imported_votes", 0)
    )
    if imported:
        target.evidence = {**target.evidence, "imported_votes": imported}
    target.updated_at = timezone.now()
    target.save(update_fields=["code_areas", "evidence", "updated_at"])
    old_status = source.status
    source.status = GapStatus.DROPPED
    source.dropped_reason = f"Merged into #{target.pk}."
    source.merged_into = target
    source.updated_at = timezone.now()
    source.save(update_fields=["status", "dropped_reason", "merged_into", "updated_at"])
    _recount(source.pk)
    _recount(target.pk)
    event_record(
        gap=source,
        actor=actor,
        kind="merged",
        text=f"Merged into #{target.pk} ({old_status} before).",
    )
    event_record(
        gap=target, actor=actor, kind="merged", text=f"#{source.pk} “{source.title}” merged in."
    )
    audit_record(
        actor=actor,
        organisation=target.team.organisation_id,
        action="gap.merge",
        target=target,
        details={"merged": source.pk},
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def offer_create(
    *, team: Team, person: User, gap: Gap | None = None, topic: str = "", note: str = ""
) -> TeachingOffer:
    """ "I can teach this", on a gap (once per person) or as a topic of one's own."""
    _require_in_team(team, person)
    if gap is not None and gap.team_id != team.pk:
        raise ValidationError("That gap belongs to another team.")
    clean_topic = rules.clean_title(topic, field="topic") if gap is None else ""
    clean_note = rules.clean_description(note, field="note")
    if gap is not None:
        existing = TeachingOffer.objects.filter(gap=gap, person=person).first()
        if existing is not None:
            existing.note = clean_note
            existing.save(update_fields=["note"])
            return existing
    offer = TeachingOffer.objects.create(
        team=team, gap=gap, person=person, topic=clean_topic, note=clean_note
    )
    if gap is not None:
        event_record(gap=gap, actor=person, kind="offer", text=f"{person.name} offers to teach it.")
    audit_record(
        actor=person, organisation=team.organisation_id, action="offer.create", target=offer
    )
    return offer


@transaction.atomic
def offer_withdraw(*, offer: TeachingOffer, person: User) -> None:
    if offer.person_id != person.pk:
        raise ValidationError("Only whoever made an offer can take it back.")
    if offer.gap is not None:
        event_record(
            gap=offer.gap, actor=person, kind="offer", text=f"{person.name} took the offer back."
        )
    offer.delete()


@transaction.atomic
def gap_link_session(*, gap: Gap, session: Session, actor: User | None) -> Gap:
    """A session that will cover the gap: an open gap becomes planned (a done session
    covers it at once)."""
    if session.team_id != gap.team_id:
        raise ValidationError({"session": ["That session belongs to another team."]})
    if session.status == SessionStatus.CANCELLED:
        # The page only hides cancelled sessions from its picker; a cancelled session
        # covers nothing, so it must not plan the gap either.
        raise ValidationError({"session": ["That session is cancelled."]})
    _, created = GapSession.objects.get_or_create(gap=gap, session=session)
    if created:
        event_record(
            gap=gap, actor=actor, kind="session", text=f"Linked to the session “{session.title}”."
        )
    gap.refresh_from_db()
    if session.status == SessionStatus.DONE:
        return _cover(gap, session)
    if gap.status == GapStatus.OPEN:
        return gap_set_status(gap=gap, actor=actor, status=GapStatus.PLANNED)
    return gap


@transaction.atomic
def gap_unlink_session(*, gap: Gap, session: Session, actor: User) -> Gap:
    deleted, _ = GapSession.objects.filter(gap=gap, session=session).delete()
    if deleted:
        event_record(gap=gap, actor=actor, kind="session", text=f"Unlinked from “{session.title}”.")
        if gap.status == GapStatus.PLANNED and not GapSession.objects.filter(gap=gap).exists():
            return gap_set_status(gap=gap, actor=actor, status=GapStatus.OPEN)
    return gap


def _cover(gap: Gap, session: Session) -> Gap:
    if gap.status in (GapStatus.OPEN, GapStatus.PLANNED):
        return gap_set_status(gap=gap, actor=None, status=GapStatus.COVERED)
    return gap


@transaction.atomic
def gaps_cover_for_session(*, session: Session) -> list[Gap]:
    """The session is done: the open or planned gaps it was linked to are covered."""
    gaps = Gap.objects.filter(gapsession__session=session, merged_into__isnull=True)
    return [_cover(gap, session) for gap in gaps]
