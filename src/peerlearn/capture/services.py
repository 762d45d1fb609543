"""Every write to session notes and action items.

Notes are saved against the version they were written on: when someone else saved in
between, nothing is overwritten and the caller gets both texts (NotesConflict). Lines
like ``- [ ] @alice write the runbook (due 2026-12-10)`` become action items owned by
that member of the team; saving the same notes again makes none twice, a line ticked
``- [x]`` closes its item, and an item whose line was deleted stays (an action agreed
is not undone by tidying the notes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.capture import rules
from peerlearn.capture.models import ActionItem, ActionStatus, NotesRevision, SessionNotes
from peerlearn.engines.capture.action_lines import ActionLine, parse_action_lines
from peerlearn.people.models import Membership, Team, User
from peerlearn.schedule.models import Session
from peerlearn.search.services import search_entry_upsert


@dataclass(frozen=True)
class NotesConflict(Exception):
    """Someone saved the notes after the version this text was written on."""

    theirs: str
    version: int
    by: str
    at: dt.datetime


@dataclass
class NotesSaved:
    notes: SessionNotes
    changed: bool
    created: list[ActionItem] = field(default_factory=list)
    closed: list[ActionItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line 4: …", shown to the writer


def _member(team: Team, person: User) -> bool:
    if person.is_org_admin and person.organisation_id == team.organisation_id:
        return True
    return Membership.objects.filter(team=team, user=person).exists()


def _require_member(team: Team, person: User) -> None:
    if not _member(team, person):
        raise ValidationError(f"{person.name} is not in {team.name}.")


def _locked_notes(session: Session) -> SessionNotes:
    try:
        with transaction.atomic():
            SessionNotes.objects.get_or_create(session=session)
    except IntegrityError:
        pass  # another request made them first
    return SessionNotes.objects.select_for_update().get(session=session)


@transaction.atomic
def notes_save(*, session: Session, author: User, body: str, base_version: int) -> NotesSaved:
    """Save the session's notes written on `base_version`, and the action items in them.

    Raises NotesConflict (nothing saved) when the stored version is no longer the one
    the text was written on.
    """
    _require_member(session.team, author)
    if session.pk is None:
        raise ValidationError("Notes belong to a session that has taken place or is planned.")
    text = rules.clean_notes(body)
    notes = _locked_notes(session)
    if notes.version != base_version:
        who = notes.updated_by.name if notes.updated_by is not None else "someone"
        raise NotesConflict(notes.body, notes.version, who, notes.updated_at)
    if text == notes.body:
        return NotesSaved(notes, changed=False)
    notes.body = text
    notes.version += 1
    notes.updated_by = author
    notes.updated_at = timezone.now()
    notes.save()
    NotesRevision.objects.create(
        notes=notes, version=notes.version, body=text, author=author, saved_at=notes.updated_at
    )
    saved = NotesSaved(notes, changed=True)
    _sync_action_items(session, author, text, saved)
    notes.session = session  # already loaded, with its team
    search_entry_upsert(obj=notes)
    audit_record(
        actor=author,
        organisation=session.team.organisation_id,
        action="notes.saved",
        target=session,
        details={"version": notes.version},
    )
    return saved


def _line_key(line: ActionLine) -> str:
    written = f"{(line.mention or '').casefold()}\n{' '.join(line.text.split()).casefold()}"
    return hashlib.sha256(written.encode()).hexdigest()


def _sync_action_items(session: Session, author: User, text: str, saved: NotesSaved) -> None:
    parsed = parse_action_lines(text)
    saved.problems += [f"line {p.line}: {p.message}" for p in parsed.problems]
    if not parsed.items:
        return
    mentions = {line.mention.casefold() for line in parsed.items if line.mention}
    owners = {
        member.user.username.casefold(): member.user
        for member in Membership.objects.filter(team=session.team)
        .annotate(name_folded=Lower("user__username"))
        .filter(name_folded__in=mentions)
        .select_related("user")
    }
    existing = {item.notes_key: item for item in session.action_items.exclude(notes_key="")}
    now = timezone.now()
    for line in parsed.items:
        key = _line_key(line)
        item = existing.get(key)
        if item is not None:
            if line.done and item.status == ActionStatus.OPEN:
                item.status, item.closed_at, item.closed_by = ActionStatus.DONE, now, author
                item.save(update_fields=["status", "closed_at", "closed_by"])
                saved.closed.append(item)
            continue
        owner = owners.get(line.mention.casefold()) if line.mention else None
        if line.mention and owner is None:
            saved.problems.append(
                f"line {line.line}: nobody in {session.team.name} is called @{line.mention}; "
                "the item has no owner yet."
            )
        try:
            clean = rules.clean_action_text(line.text)
            due = rules.clean_due(line.due)
        except ValidationError as error:
            saved.problems.append(f"line {line.line}: {' '.join(error.messages)}")
            continue
        item = ActionItem.objects.create(
            team=session.team,
            session=session,
            series_id=session.series_id,
            text=clean,
            owner=owner,
            due=due,
            notes_key=key,
            created_by=author,
            created_at=now,
            status=ActionStatus.DONE if line.done else ActionStatus.OPEN,
            closed_at=now if line.done else None,
            closed_by=author if line.done else None,
        )
        existing[key] = item
        saved.created.append(item)


def _check_owner(team: Team, owner: User | None) -> None:
    if owner is not None and not Membership.objects.filter(team=team, user=owner).exists():
        raise ValidationError({"owner": [f"{owner.name} is not in {team.name}."]})


@transaction.atomic
def action_item_create(
    *,
    team: Team,
    created_by: User,
    text: str,
    owner: User | None = None,
    due: dt.date | None = None,
    session: Session | None = None,
) -> ActionItem:
    _require_member(team, created_by)
    if session is not None and session.team_id != team.pk:
        raise ValidationError("That session belongs to another team.")
    _check_owner(team, owner)
    item = ActionItem.objects.create(
        team=team,
        session=session,
        series_id=session.series_id if session is not None else None,
        text=rules.clean_action_text(text),
        owner=owner,
        due=rules.clean_due(due),
        created_by=created_by,
    )
    audit_record(
        actor=created_by, organisation=team.organisation_id, action="action.created", target=item
    )
    return item


@transaction.atomic
def action_item_update(
    *, item: ActionItem, actor: User, text: str, owner: User | None, due: dt.date | None
) -> ActionItem:
    _check_owner(item.team, owner)
    before = {"text": item.text, "owner": item.owner_id, "due": str(item.due or "")}
    item.text = rules.clean_action_text(text)
    item.owner = owner
    item.due = rules.clean_due(due)
    item.save(update_fields=["text", "owner", "due"])
    after = {"text": item.text, "owner": item.owner_id, "due": str(item.due or "")}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor,
            organisation=item.team.organisation_id,
            action="action.changed",
            target=item,
            details=changes,
        )
    return item


@transaction.atomic
def action_item_close(
    *,
    item: ActionItem,
    actor: User,
    status: str = ActionStatus.DONE,
    evidence_url: str = "",
    evidence_note: str = "",
) -> ActionItem:
    """Close an item as done (with what shows it, if anything) or dropped."""
    if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        raise ValidationError({"status": ["Close an item as done or dropped."]})
    link, note = rules.clean_evidence(evidence_url, evidence_note)
    item.status = status
    item.evidence_url, item.evidence_note = link, note
    item.closed_at, item.closed_by = timezone.now(), actor
    item.save(update_fields=["status", "evidence_url", "evidence_note", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        organisation=item.team.organisation_id,
        action=f"action.{status}",
        target=item,
        details={"evidence": link} if link else None,
    )
    return item


@transaction.atomic
def action_item_reopen(*, item: ActionItem, actor: User) -> ActionItem:
    item.status = ActionStatus.OPEN
    item.closed_at = None
    item.closed_by = None
    item.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=actor, organisation=item.team.organisation_id, action="action.reopened", target=item
    )
    return item
