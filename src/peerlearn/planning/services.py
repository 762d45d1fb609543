"""Every write to plans and their entries: propose, edit an entry, accept into sessions.

Pairing rounds: `pairing_services.py`. Accepting creates the sessions through the
schedule's `session_create` and links gaps through `gap_link_session`, all in one
transaction: a refusal anywhere leaves nothing written (no session, no link, the plan
still a draft) and says which entry stood in the way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.engines.planning import Plan as EnginePlan
from peerlearn.engines.planning import PlanItem, PlanningError, PlanOptions, propose
from peerlearn.engines.schedule import formats
from peerlearn.gaps.models import Gap
from peerlearn.gaps.services import gap_link_session, in_team
from peerlearn.people.models import Membership, Team, User
from peerlearn.people.time_zones import known_time_zones
from peerlearn.planning import inputs
from peerlearn.planning.knowledge import team_knowledge
from peerlearn.planning.models import Plan, PlanEntry, PlanStatus
from peerlearn.planning.spread import spread_by_repository
from peerlearn.schedule.models import Session
from peerlearn.schedule.rules import change_link_problem
from peerlearn.schedule.services import session_create, session_set_format_roles
from peerlearn.validation import check_single_line

COUNT_MAX = 52
MINUTES_RANGE = (15, 240)
TOPIC_MAX = 200


def fit_minutes(format_key: str, minutes: int) -> int:
    """The slot's length when the format allows it, else the format's own default."""
    fmt = formats.get_format(format_key)
    return minutes if fmt.min_minutes <= minutes <= fmt.max_minutes else fmt.default_minutes


def _check_request(
    *,
    team: Team,
    actor: User,
    start: dt.date,
    weekday: int,
    count: int,
    minutes: int,
    time_zone: str,
    today: dt.date,
) -> None:
    errors: dict[str, list[str]] = {}
    if not in_team(team, actor):
        raise ValidationError(f"{actor.name} is not in {team.name}.")
    if start < today:
        errors["start"] = [f"Plan from today ({today:%Y-%m-%d}) or later."]
    if not 0 <= weekday <= 6:
        errors["weekday"] = ["A weekday is 0 (Monday) to 6 (Sunday)."]
    if not 1 <= count <= COUNT_MAX:
        errors["count"] = [f"Between 1 and {COUNT_MAX} weekly slots."]
    low, high = MINUTES_RANGE
    if not low <= minutes <= high:
        errors["minutes"] = [f"A slot lasts {low} to {high} minutes."]
    if time_zone not in known_time_zones():
        errors["time_zone"] = [f"{time_zone[:64]!r} is not a known time zone."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_propose(
    *,
    team: Team,
    actor: User,
    start: dt.date,
    weekday: int,
    at: dt.time,
    count: int = 13,
    minutes: int = 60,
    time_zone: str = "UTC",
    options: PlanOptions | None = None,
    now: dt.datetime | None = None,
) -> Plan:
    """A draft plan of `count` weekly slots; the accepted plan's upcoming sessions stay."""
    moment = now or timezone.now()
    chosen = options or PlanOptions()
    _check_request(
        team=team,
        actor=actor,
        start=start,
        weekday=weekday,
        count=count,
        minutes=minutes,
        time_zone=time_zone,
        today=timezone.localdate(moment),
    )
    kept = inputs.kept_entries(team, now=moment)
    fixed = [inputs.fixed_item(entry) for entry in kept]
    people = inputs.team_people(
        team, now=moment, skip_sessions=[e.session_id for e in kept if e.session_id]
    )
    knowledge = team_knowledge(team)
    topics = inputs.team_topics(team, knowledge, members=[p.key for p in people])
    slots = inputs.weekly_slots(
        start=start, weekday=weekday, at=at, time_zone=time_zone, count=count, minutes=minutes
    )
    # A week with an accepted session keeps that session instead of a new slot.
    taken = {item.slot.starts_at.date() for item in fixed}
    slots = [s for s in slots if s.starts_at.date() not in taken] + [i.slot for i in fixed]
    try:
        proposal = propose(slots, people, topics, fixed=fixed, options=chosen)
        baseline = propose(
            slots, people, topics, fixed=fixed, options=replace(chosen, most_voted=True)
        )
    except PlanningError as error:
        raise ValidationError(str(error)) from None
    asked = {
        "start": start.isoformat(),
        "weekday": weekday,
        "time": at.strftime("%H:%M"),
        "time_zone": time_zone,
        "count": count,
        "minutes": minutes,
    }
    plan = Plan.objects.create(
        team=team,
        created_by=actor,
        created_at=moment,
        options={**asked, **asdict(chosen)},
        horizon_start=min(s.starts_at for s in slots).date(),
        horizon_end=max(s.starts_at for s in slots).date(),
        baseline={"repositories": spread_by_repository(knowledge, baseline.items)},
        **_findings(proposal),
    )
    by_slot = {item.slot.key: entry for item, entry in zip(fixed, kept, strict=True)}
    PlanEntry.objects.bulk_create(_entry(plan, item, by_slot, time_zone) for item in proposal.items)
    audit_record(
        actor=actor,
        organisation=team.organisation_id,
        action="plan.propose",
        target=plan,
        details={"slots": len(slots), "unfilled": len(proposal.unfilled)},
    )
    return plan


def _findings(proposal: EnginePlan) -> dict[str, Any]:
    return {
        "unfilled": [
            {
                "starts_at": u.slot.starts_at.isoformat(),
                "minutes": u.slot.minutes,
                "reason": u.reason,
            }
            for u in proposal.unfilled
        ],
        "keepers": [{"person": k.person, "reason": k.reason} for k in proposal.keepers],
        "left_out": [{"key": t.key, "title": t.title} for t in proposal.left_out],
    }


def _user_id(key: str | None) -> int | None:
    return int(key) if key and key.isdigit() else None


def _gap_id(topic_key: str) -> int | None:
    kind, _, number = topic_key.partition(":")
    return int(number) if kind == "gap" and number.isdigit() else None


def _entry(plan: Plan, item: PlanItem, kept: dict[str, PlanEntry], time_zone: str) -> PlanEntry:
    if item.fixed:
        old = kept[item.slot.key]
        session = old.session
        assert session is not None
        return PlanEntry(
            plan=plan,
            team=plan.team,
            starts_at=session.starts_at,
            time_zone=session.time_zone,
            minutes=session.duration_minutes,
            gap_id=old.gap_id,
            topic=old.topic,
            area=old.area,
            kind=old.kind,
            format=session.format,
            change_link=session.change_link,
            facilitator_id=_user_id(item.facilitator),
            co_facilitator_id=_user_id(item.co_facilitator),
            audience=old.audience,
            reason=old.reason,
            session=session,
            fixed=True,
        )
    return PlanEntry(
        plan=plan,
        team=plan.team,
        starts_at=item.slot.starts_at,
        time_zone=time_zone,
        minutes=fit_minutes(item.format, item.slot.minutes),
        gap_id=_gap_id(item.topic.key),
        topic=item.topic.title[:TOPIC_MAX],
        area=item.topic.area[:300],
        kind=item.topic.kind,
        format=item.format,
        facilitator_id=_user_id(item.facilitator),
        co_facilitator_id=_user_id(item.co_facilitator),
        audience=[int(k) for k in item.audience if k.isdigit()],
        reason=item.reason,
    )


def _require_member(team: Team, person: User | None, field: str) -> None:
    if person is not None and not Membership.objects.filter(team=team, user=person).exists():
        raise ValidationError({field: [f"{person.name} is not a member of {team.name}."]})


@transaction.atomic
def plan_entry_update(
    *,
    entry: PlanEntry,
    actor: User,
    topic: str,
    format: str,
    facilitator: User | None,
    co_facilitator: User | None,
    starts_at: dt.datetime,
    minutes: int,
    change_link: str = "",
) -> PlanEntry:
    """A lead's change to one entry of a draft plan (not to a session kept from before)."""
    locked = PlanEntry.objects.select_for_update().select_related("plan", "team").get(pk=entry.pk)
    if locked.plan.status != PlanStatus.DRAFT:
        raise ValidationError("Only a draft plan changes; propose a new one to re-plan.")
    if locked.fixed:
        raise ValidationError("This session was accepted earlier: change the session itself.")
    errors: dict[str, list[str]] = {}
    clean_topic = check_single_line(topic.strip(), field="topic")
    if not clean_topic or len(clean_topic) > TOPIC_MAX:
        errors["topic"] = [f"Say what it is about, in at most {TOPIC_MAX} characters."]
    if format not in formats.FORMATS:
        errors["format"] = [f"Not a format: {format[:40]!r}."]
    else:
        problem = formats.duration_problem(formats.FORMATS[format], minutes)
        if problem:
            errors["minutes"] = [problem]
    if facilitator is None:
        errors["facilitator"] = ["Every session needs a lead."]
    if co_facilitator is not None and co_facilitator == facilitator:
        errors["co_facilitator"] = ["The co-lead is someone other than the lead."]
    if starts_at.tzinfo is None:
        errors["starts_at"] = ["The start needs a time zone."]
    link_problem = change_link_problem(change_link.strip())
    if link_problem:
        errors["change_link"] = [link_problem]
    if errors:
        raise ValidationError(errors)
    _require_member(locked.team, facilitator, "facilitator")
    _require_member(locked.team, co_facilitator, "co_facilitator")
    changes = {
        "topic": clean_topic,
        "format": format,
        "facilitator_id": facilitator.pk if facilitator else None,
        "co_facilitator_id": co_facilitator.pk if co_facilitator else None,
        "starts_at": starts_at,
        "minutes": minutes,
        "change_link": change_link.strip(),
    }
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    note = f" Changed by {actor.name}."
    if note not in locked.reason:
        locked.reason = (locked.reason + note).strip()
    locked.save()
    audit_record(
        actor=actor,
        organisation=locked.team.organisation_id,
        action="plan.entry_update",
        target=locked,
        details={"changed": [name.removesuffix("_id") for name in changed]},
    )
    return locked


def _where(entry: PlanEntry) -> str:
    return f"{entry.starts_at.astimezone(inputs.zone_of(entry.time_zone)):%Y-%m-%d} “{entry.topic}”"


def _messages(error: ValidationError) -> str:
    return "; ".join(error.messages)


@transaction.atomic
def plan_accept(*, plan: Plan, actor: User, now: dt.datetime | None = None) -> list[Session]:
    """Turn a draft into scheduled sessions (roles, gaps linked); all or nothing."""
    moment = now or timezone.now()
    locked = Plan.objects.select_for_update().select_related("team").get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise ValidationError(f"This plan is {locked.get_status_display().lower()} already.")
    team = locked.team
    if not in_team(team, actor):
        raise ValidationError(f"{actor.name} is not in {team.name}.")
    entries = list(
        locked.entries.filter(fixed=False).select_related("facilitator", "co_facilitator", "gap")
    )
    if not entries and not locked.entries.exists():
        raise ValidationError("The plan has no sessions to accept.")
    members = {
        m.user_id: m.user for m in Membership.objects.filter(team=team).select_related("user")
    }
    sessions = []
    for entry in entries:
        try:
            sessions.append(_schedule(entry, actor, members, moment))
        except ValidationError as error:
            raise ValidationError(f"{_where(entry)}: {_messages(error)}") from None
    Plan.objects.filter(team=team, status=PlanStatus.ACCEPTED).update(status=PlanStatus.REPLACED)
    locked.status = PlanStatus.ACCEPTED
    locked.accepted_at = moment
    locked.accepted_by = actor
    locked.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit_record(
        actor=actor,
        organisation=team.organisation_id,
        action="plan.accept",
        target=locked,
        details={"sessions": len(sessions)},
    )
    return sessions


def _schedule(entry: PlanEntry, actor: User, members: dict[int, User], now: dt.datetime) -> Session:
    if entry.starts_at <= now:
        raise ValidationError("it starts in the past; move it or propose a new plan.")
    if entry.facilitator_id not in members:
        raise ValidationError("its lead is no longer in the team; choose another.")
    fmt = formats.get_format(entry.format)
    session = session_create(
        team=entry.team,
        created_by=actor,
        title=entry.topic,
        format=entry.format,
        starts_at=entry.starts_at,
        time_zone=entry.time_zone,
        duration_minutes=entry.minutes,
        topic=entry.reason,
        change_link=entry.change_link,
        facilitator=members[entry.facilitator_id],
        co_facilitator=members.get(entry.co_facilitator_id or 0),
    )
    session_set_format_roles(session=session, people_by_role=_format_roles(fmt, entry, members))
    if entry.gap is not None and _linkable(entry.gap, entry.team):
        gap_link_session(gap=entry.gap, session=session, actor=actor)
    entry.session = session
    entry.save(update_fields=["session"])
    return session


def _linkable(gap: Gap, team: Team) -> bool:
    return gap.team_id == team.pk and gap.merged_into_id is None


def _format_roles(
    fmt: formats.SessionFormat, entry: PlanEntry, members: dict[int, User]
) -> dict[str, list[User]]:
    """The format's own roles from the plan: the lead presents, guides or is the expert;
    the audience are the learner (pairing) or the participants (deep dive)."""
    lead = members[entry.facilitator_id or 0]
    audience = [members[k] for k in entry.audience if k in members and k != lead.pk]
    roles: dict[str, list[User]] = {}
    keys = {role.key for role in fmt.roles}
    for key in ("presenter", "expert", "guide"):
        if key in keys:
            roles[key] = [lead]
    if "learner" in keys and audience:
        roles["learner"] = audience[:1]
    if "participant" in keys and audience:
        roles["participant"] = audience
    return roles
