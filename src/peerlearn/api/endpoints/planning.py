"""/api/teams/{id}/plans, /api/plans/{id}, /api/plan-entries/{id}, /api/teams/{id}/rotation,
/api/teams/{id}/pairing-rounds and /api/pairings/{id}: the planner and pairing rounds.

Same rules as the pages (docs/planning.md), through the same choke points
(`peerlearn.planning.access`) and services: facilitators, leads and organisation admins
propose, edit and accept plans, read drafts and the rotation and run rounds; members read
the accepted plan and their own pairings, which only the pair's two people answer.
"""

# No `from __future__ import annotations`: ninja reads the annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from peerlearn.api.auth import api_user
from peerlearn.api.fields import SaneDate, SaneDateTime, SingleLine, id_in_path
from peerlearn.engines.planning import ASSUMPTION, PairingRules, PlanOptions
from peerlearn.people.access import get_person_for_team, get_team_access
from peerlearn.planning import pairing_services, services
from peerlearn.planning.access import (
    PLAN,
    get_entry_for_change,
    get_pairing_for_answer,
    get_plan_access,
    get_plan_for_change,
    get_planning_team,
)
from peerlearn.planning.forms import FORMAT_CHOICES
from peerlearn.planning.models import Pairing, Plan, PlanEntry, PlanStatus
from peerlearn.planning.pairing_services import CAPACITY_MAX, COOLDOWN_MAX
from peerlearn.planning.selectors import (
    pairing_rounds,
    plan_page,
    rotation_view,
    team_plans,
)
from peerlearn.planning.services import COUNT_MAX, MINUTES_RANGE, TOPIC_MAX
from peerlearn.validation import MAX_ID

router = Router(tags=["planning"])
FORMATS = [key for key, _ in FORMAT_CHOICES]


class PlanIn(Schema):
    start: SaneDate = Field(..., examples=["2030-03-04"])
    weekday: int = Field(2, ge=0, le=6, description="0 Monday … 6 Sunday.", examples=[2])
    at: dt.time = Field(..., description="Local start time.", examples=["12:00"])
    time_zone: SingleLine = Field("UTC", max_length=64, examples=["Europe/Berlin"])
    count: int = Field(13, ge=1, le=COUNT_MAX, description="Weekly slots.", examples=[13])
    minutes: int = Field(60, ge=MINUTES_RANGE[0], le=MINUTES_RANGE[1], examples=[60])
    max_share: float = Field(0.25, gt=0, le=1, description="Of the sessions one person may lead.")
    seed: int = Field(0, ge=0, le=10**6, description="Another number breaks ties differently.")


class PlanSummaryOut(Schema):
    id: int
    status: PlanStatus
    horizon_start: dt.date
    horizon_end: dt.date
    entries: int
    unfilled: int
    created_at: dt.datetime
    url: str


class EntryOut(Schema):
    id: int
    starts_at: dt.datetime
    time_zone: str
    minutes: int
    topic: str
    gap_id: int | None
    area: str
    format: str
    facilitator_id: int | None
    co_facilitator_id: int | None
    audience: list[int]
    reason: str
    change_link: str
    session_id: int | None
    fixed: bool = Field(..., description="Accepted earlier and kept by this plan.")


class UnfilledOut(Schema):
    starts_at: dt.datetime
    minutes: int
    reason: str


class KeeperOut(Schema):
    person_id: int | None
    reason: str


class SpreadOut(Schema):
    files_gaining_second_author: int
    areas_gaining_second_author: int
    truck_factor_before: int
    truck_factor_after: int
    files: int


class RepositorySpreadOut(Schema):
    repository: str
    plan: SpreadOut
    baseline: SpreadOut | None = Field(..., description="The most-voted plan's figures.")


class PlanOut(PlanSummaryOut):
    options: dict[str, Any]
    sessions: list[EntryOut] = Field(..., description="The entries, in time order.")
    unfilled_slots: list[UnfilledOut]
    keepers: list[KeeperOut]
    spread: list[RepositorySpreadOut] = Field(
        ..., description="Per repository with a knowledge map; empty: no map yet."
    )
    assumption: str


def _summary(plan: Plan, entries: int) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "status": PlanStatus(plan.status),
        "horizon_start": plan.horizon_start,
        "horizon_end": plan.horizon_end,
        "entries": entries,
        "unfilled": len(plan.unfilled),
        "created_at": plan.created_at,
        "url": f"/plans/{plan.pk}/",
    }


def _entry_out(entry: PlanEntry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        starts_at=entry.starts_at,
        time_zone=entry.time_zone,
        minutes=entry.minutes,
        topic=entry.topic,
        gap_id=entry.gap_id,
        area=entry.area,
        format=entry.format,
        facilitator_id=entry.facilitator_id,
        co_facilitator_id=entry.co_facilitator_id,
        audience=list(entry.audience),
        reason=entry.reason,
        change_link=entry.change_link,
        session_id=entry.session_id,
        fixed=entry.fixed,
    )


def _plan_out(plan: Plan) -> PlanOut:
    page = plan_page(plan)
    keepers = [
        KeeperOut(
            person_id=int(k["person"]) if str(k["person"]).isdigit() else None,
            reason=k["reason"],
        )
        for k in plan.keepers
    ]
    return PlanOut(
        **_summary(plan, len(page.rows)),
        options=plan.options,
        sessions=[_entry_out(row.entry) for row in page.rows],
        unfilled_slots=[UnfilledOut(**u) for u in plan.unfilled],
        keepers=keepers,
        spread=[RepositorySpreadOut(**row) for row in page.spread],
        assumption=ASSUMPTION,
    )


@router.post(
    "/teams/{team_id}/plans",
    response={201: PlanOut},
    summary="Propose a plan (facilitators and leads)",
)
def propose_plan(
    request: HttpRequest, payload: PlanIn, team_id: int = id_in_path()
) -> Status[PlanOut]:
    actor = api_user(request)
    team = get_planning_team(actor, team_id)
    plan = services.plan_propose(
        team=team,
        actor=actor,
        start=payload.start,
        weekday=payload.weekday,
        at=payload.at,
        count=payload.count,
        minutes=payload.minutes,
        time_zone=payload.time_zone,
        options=PlanOptions(max_share=payload.max_share, seed=payload.seed),
    )
    return Status(201, _plan_out(plan))


@router.get(
    "/teams/{team_id}/plans",
    response=list[PlanSummaryOut],
    summary="A team's plans, newest first (members: the accepted one only)",
)
def list_plans(request: HttpRequest, team_id: int = id_in_path()) -> list[PlanSummaryOut]:
    access = get_team_access(api_user(request), team_id)
    plans = list(team_plans(access.team))
    if not access.allows(PLAN):
        plans = [p for p in plans if p.status == PlanStatus.ACCEPTED]
    return [PlanSummaryOut(**_summary(p, p.entry_count)) for p in plans]  # type: ignore[attr-defined]


@router.get("/plans/{plan_id}", response=PlanOut, summary="One plan with its figures")
def get_plan(request: HttpRequest, plan_id: int = id_in_path()) -> PlanOut:
    return _plan_out(get_plan_access(api_user(request), plan_id).obj)


class EntryIn(Schema):
    topic: SingleLine | None = Field(None, max_length=TOPIC_MAX)
    format: str | None = Field(None, description=f"One of {', '.join(FORMATS)}.")
    facilitator_id: int | None = Field(None, gt=0, le=MAX_ID, description="A team member.")
    co_facilitator_id: int | None = Field(None, gt=0, le=MAX_ID, description="A team member.")
    clear_co_facilitator: bool = Field(False, description="True: no co-lead any more.")
    starts_at: SaneDateTime | None = None
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    change_link: SingleLine | None = Field(None, max_length=500)


@router.patch("/plan-entries/{entry_id}", response=EntryOut, summary="Change an entry of a draft")
def update_entry(request: HttpRequest, payload: EntryIn, entry_id: int = id_in_path()) -> EntryOut:
    actor = api_user(request)
    entry = get_entry_for_change(actor, entry_id)
    team = entry.team
    lead = entry.facilitator
    if payload.facilitator_id is not None:
        lead = get_person_for_team(team, payload.facilitator_id)
    co = None if payload.clear_co_facilitator else entry.co_facilitator
    if payload.co_facilitator_id is not None:
        co = get_person_for_team(team, payload.co_facilitator_id)
    changed = services.plan_entry_update(
        entry=entry,
        actor=actor,
        topic=payload.topic if payload.topic is not None else entry.topic,
        format=payload.format if payload.format is not None else entry.format,
        facilitator=lead,
        co_facilitator=co,
        starts_at=payload.starts_at or entry.starts_at,
        minutes=payload.minutes or entry.minutes,
        change_link=payload.change_link if payload.change_link is not None else entry.change_link,
    )
    return _entry_out(changed)


class AcceptedOut(Schema):
    plan: PlanOut
    session_ids: list[int]


@router.post("/plans/{plan_id}/accept", response=AcceptedOut, summary="Accept into sessions")
def accept_plan(request: HttpRequest, plan_id: int = id_in_path()) -> AcceptedOut:
    actor = api_user(request)
    plan = get_plan_for_change(actor, plan_id)
    sessions = services.plan_accept(plan=plan, actor=actor)
    plan.refresh_from_db()
    return AcceptedOut(plan=_plan_out(plan), session_ids=[s.pk for s in sessions])


class TurnOut(Schema):
    session_id: int
    starts_at: dt.datetime
    title: str
    leads: list[str]
    co_leads: list[str]


class ShareOut(Schema):
    name: str
    led: int
    co_led: int
    share: float
    keeper: bool


class RotationOut(Schema):
    since: dt.date
    total: int
    max_share: float
    shares: list[ShareOut]
    keepers: list[KeeperOut]
    turns: list[TurnOut]


@router.get("/teams/{team_id}/rotation", response=RotationOut, summary="Who facilitated when")
def get_rotation(request: HttpRequest, team_id: int = id_in_path()) -> RotationOut:
    view = rotation_view(get_planning_team(api_user(request), team_id))
    return RotationOut(
        since=view.since,
        total=view.total,
        max_share=view.max_share,
        shares=[ShareOut(**vars(s)) for s in view.shares],
        keepers=[
            KeeperOut(person_id=int(k) if k.isdigit() else None, reason=r) for k, r in view.keepers
        ],
        turns=[
            TurnOut(
                session_id=t.session.pk,
                starts_at=t.session.starts_at,
                title=t.session.title,
                leads=t.leads,
                co_leads=t.co_leads,
            )
            for t in view.turns
        ],
    )


class RoundIn(Schema):
    capacity: int = Field(1, ge=1, le=CAPACITY_MAX, description="Learners per expert.")
    cooldown: int = Field(3, ge=0, le=COOLDOWN_MAX, description="Rounds before a pair meets again.")
    max_wait: int = Field(
        2, ge=0, le=COOLDOWN_MAX, description="Rounds before a learner goes first."
    )


class PairingOut(Schema):
    id: int
    round: int
    expert_id: int
    learner_id: int
    area: str
    weight: float
    status: str
    expert_answer: str
    learner_answer: str


class RoundOut(Schema):
    id: int
    number: int
    created_at: dt.datetime
    pairings: list[PairingOut] = Field(..., description="Members: only their own.")
    unmatched: list[int] = Field(..., description="Learners without a pair (planners only).")


def _pairing_out(p: Pairing, number: int) -> PairingOut:
    return PairingOut(
        id=p.pk,
        round=number,
        expert_id=p.expert_id,
        learner_id=p.learner_id,
        area=p.area,
        weight=p.weight,
        status=p.status,
        expert_answer=p.expert_answer,
        learner_answer=p.learner_answer,
    )


@router.post(
    "/teams/{team_id}/pairing-rounds", response={201: RoundOut}, summary="Run a pairing round"
)
def run_round(
    request: HttpRequest, payload: RoundIn, team_id: int = id_in_path()
) -> Status[RoundOut]:
    actor = api_user(request)
    team = get_planning_team(actor, team_id)
    made = pairing_services.pairing_round_run(
        team=team,
        actor=actor,
        rules=PairingRules(cooldown=payload.cooldown, max_wait=payload.max_wait),
        capacity=payload.capacity,
    )
    pairs = [_pairing_out(p, made.number) for p in made.pairings.order_by("pk")]
    return Status(
        201,
        RoundOut(
            id=made.pk,
            number=made.number,
            created_at=made.created_at,
            pairings=pairs,
            unmatched=list(made.unmatched),
        ),
    )


@router.get(
    "/teams/{team_id}/pairing-rounds",
    response=list[RoundOut],
    summary="The latest pairing rounds (members: their own pairings)",
)
def list_rounds(request: HttpRequest, team_id: int = id_in_path()) -> list[RoundOut]:
    reader = api_user(request)
    access = get_team_access(reader, team_id)
    planner = access.allows(PLAN)
    return [
        RoundOut(
            id=v.round.pk,
            number=v.round.number,
            created_at=v.round.created_at,
            pairings=[_pairing_out(p, v.round.number) for p in v.pairings],
            unmatched=list(v.round.unmatched) if planner else [],
        )
        for v in pairing_rounds(access.team, reader, sees_all=planner)
    ]


def _answer(request: HttpRequest, pairing_id: int, answer: str) -> PairingOut:
    person = api_user(request)
    pairing = get_pairing_for_answer(person, pairing_id)
    answered = pairing_services.pairing_respond(pairing=pairing, person=person, answer=answer)
    return _pairing_out(answered, answered.round.number)


@router.post("/pairings/{pairing_id}/accept", response=PairingOut, summary="Accept a pairing")
def accept_pairing(request: HttpRequest, pairing_id: int = id_in_path()) -> PairingOut:
    return _answer(request, pairing_id, pairing_services.ACCEPT)


@router.post(
    "/pairings/{pairing_id}/decline",
    response=PairingOut,
    summary="Decline a pairing (the round is matched again)",
)
def decline_pairing(request: HttpRequest, pairing_id: int = id_in_path()) -> PairingOut:
    return _answer(request, pairing_id, pairing_services.DECLINE)
