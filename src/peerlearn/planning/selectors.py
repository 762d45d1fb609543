"""Reads the planning pages and the API share: a plan with its figures, the rotation,
the pairing rounds a viewer may see."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from peerlearn.engines.planning import ASSUMPTION, PlanOptions
from peerlearn.engines.planning.rotation import Rotation
from peerlearn.people.models import Team, User
from peerlearn.planning import inputs
from peerlearn.planning.knowledge import team_knowledge
from peerlearn.planning.models import Pairing, PairingRound, Plan, PlanEntry, PlanStatus
from peerlearn.planning.spread import side_by_side, spread_by_repository
from peerlearn.schedule.models import Session, SessionRole, SessionStatus

PLANS_SHOWN = 10
ROUNDS_SHOWN = 10
ROTATION_MONTHS = 6


def team_plans(team: Team) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(team=team)
        .select_related("created_by")
        .annotate(entry_count=Count("entries"))[:PLANS_SHOWN]
    )


@dataclass(frozen=True)
class EntryRow:
    entry: PlanEntry
    audience: list[str]  # names
    keeper: bool  # its lead is flagged as a knowledge keeper
    needs_link: bool  # a code review without the change it reviews

    @property
    def local_start(self) -> dt.datetime:
        return self.entry.starts_at.astimezone(inputs.zone_of(self.entry.time_zone))


@dataclass(frozen=True)
class PlanPage:
    plan: Plan
    rows: list[EntryRow]
    keepers: list[dict[str, Any]]
    unfilled: list[dict[str, Any]]
    spread: list[dict[str, Any]]  # per repository: {"repository", "plan", "baseline"}
    assumption: str = ASSUMPTION
    names: dict[int, str] = field(default_factory=dict)

    @property
    def has_map(self) -> bool:
        return bool(self.spread)


def plan_entries(plan: Plan) -> list[PlanEntry]:
    return list(
        plan.entries.select_related("facilitator", "co_facilitator", "gap", "session").order_by(
            "starts_at", "pk"
        )
    )


def plan_page(plan: Plan) -> PlanPage:
    entries = plan_entries(plan)
    wanted = {pk for e in entries for pk in e.audience}
    names = {
        u.pk: u.name
        for u in User.objects.filter(pk__in=wanted).only(
            "display_name", "first_name", "last_name", "username"
        )
    }
    keeper_ids = {str(k["person"]) for k in plan.keepers}
    rows = [
        EntryRow(
            entry=e,
            audience=[names[pk] for pk in e.audience if pk in names],
            keeper=str(e.facilitator_id) in keeper_ids,
            needs_link=e.format == "code_review_twist" and not e.change_link and not e.session_id,
        )
        for e in entries
    ]
    knowledge = team_knowledge(plan.team, with_learners=False)
    proposal = spread_by_repository(knowledge, [inputs.entry_item(e) for e in entries])
    return PlanPage(
        plan=plan,
        rows=rows,
        keepers=plan.keepers,
        unfilled=[_unfilled(u) for u in plan.unfilled],
        spread=side_by_side(proposal, plan.baseline),
        names=names,
    )


def _unfilled(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "starts": dt.datetime.fromisoformat(item["starts_at"])}


def accepted_plan(team: Team) -> Plan | None:
    return Plan.objects.filter(team=team, status=PlanStatus.ACCEPTED).first()


@dataclass(frozen=True)
class Turn:
    session: Session
    leads: list[str]
    co_leads: list[str]


@dataclass(frozen=True)
class Share:
    name: str
    led: int
    co_led: int
    share: float  # of the sessions in the period
    keeper: bool


@dataclass(frozen=True)
class RotationView:
    since: dt.date
    turns: list[Turn]
    shares: list[Share]
    keepers: list[tuple[str, str]]  # (person key, reason)
    total: int
    max_share: float


def rotation_view(team: Team, *, now: dt.datetime | None = None) -> RotationView:
    """Who facilitated when over the last months (and what is scheduled), each person's
    share, and the knowledge keepers as the planner sees them."""
    moment = now or timezone.now()
    since = moment - dt.timedelta(days=30 * ROTATION_MONTHS)
    leading = (*inputs.LEAD_ROLES, *inputs.CO_ROLES)
    sessions = list(
        Session.objects.filter(team=team, starts_at__gte=since)
        .exclude(status=SessionStatus.CANCELLED)
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=SessionRole.objects.filter(role__in=leading).select_related("person"),
                to_attr="leading",
            )
        )
        .order_by("starts_at")
    )
    turns: list[Turn] = []
    led: Counter[str] = Counter()
    co: Counter[str] = Counter()
    names: dict[str, str] = {}
    for session in sessions:
        roles = session.leading
        leads = {
            inputs.key_of(r.person_id): r.person.name for r in roles if r.role in inputs.LEAD_ROLES
        }
        cos = {
            inputs.key_of(r.person_id): r.person.name for r in roles if r.role in inputs.CO_ROLES
        }
        led.update(leads.keys())
        co.update(cos.keys())
        names.update(leads | cos)
        turns.append(Turn(session, list(leads.values()), list(cos.values())))
    people = inputs.team_people(team, now=moment)
    names.update(inputs.names(people))
    options = PlanOptions()
    topics = inputs.team_topics(
        team, team_knowledge(team, with_learners=False), members=[p.key for p in people]
    )
    engine = Rotation(
        people, max_share=options.max_share, window_days=options.window_days, seed=options.seed
    )
    keepers = engine.keepers(timezone.localdate(moment), topics, inputs.names(people))
    flagged = {k.person for k in keepers}
    total = len(sessions)
    shares = [
        Share(names[key], led[key], co[key], (led[key] / total) if total else 0.0, key in flagged)
        for key in names
    ]
    shares.sort(key=lambda s: (-s.led, -s.co_led, s.name))
    return RotationView(
        since=since.date(),
        turns=turns,
        shares=shares,
        keepers=[(k.person, k.reason) for k in keepers],
        total=total,
        max_share=options.max_share,
    )


@dataclass(frozen=True)
class RoundView:
    round: PairingRound
    pairings: list[Pairing]
    unmatched: list[str]  # names; shown to planners only


def pairing_rounds(team: Team, viewer: User, *, sees_all: bool) -> list[RoundView]:
    """The latest rounds with their pairings: all of them for planners, the viewer's own
    for everyone else (who is not told who was left without a pair)."""
    pairings = Pairing.objects.select_related("expert", "learner").order_by("pk")
    if not sees_all:
        pairings = pairings.filter(Q(expert=viewer) | Q(learner=viewer))
    rounds = list(
        PairingRound.objects.filter(team=team)
        .order_by("-number")
        .prefetch_related(Prefetch("pairings", queryset=pairings, to_attr="shown"))[:ROUNDS_SHOWN]
    )
    wanted = {pk for r in rounds for pk in r.unmatched} if sees_all else set()
    names = {
        u.pk: u.name
        for u in User.objects.filter(pk__in=wanted).only(
            "display_name", "first_name", "last_name", "username"
        )
    }
    return [
        RoundView(
            r,
            r.shown,
            [names[pk] for pk in r.unmatched if pk in names],
        )
        for r in rounds
    ]
