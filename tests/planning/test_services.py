"""Proposing, editing and accepting plans through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from peerlearn.engines.planning import PlanOptions
from peerlearn.gaps.models import Gap, GapSession
from peerlearn.knowledge.models import Repository
from peerlearn.planning import services
from peerlearn.planning.models import Plan, PlanEntry, PlanStatus
from peerlearn.schedule.models import Session, SessionRole
from tests.conftest import Cast

from .conftest import Propose

pytestmark = pytest.mark.django_db


def test_a_proposal_fills_every_slot_with_a_reason(
    cast: Cast, gaps: dict[str, Gap], mapped: Repository, propose: Propose
) -> None:
    # Three people: a cap of half the sessions lets alice lead her island too.
    plan = propose(options=PlanOptions(max_share=0.5))
    entries = list(plan.entries.all())
    assert plan.status == PlanStatus.DRAFT
    assert len(entries) == 4
    assert plan.unfilled == []
    billing = next(e for e in entries if e.gap_id == gaps["billing"].pk)
    # alice authors all of billing; bob changes it without authoring: they pair.
    assert billing.facilitator == cast.alice
    assert billing.format == "pairing"
    assert billing.audience == [cast.bob.pk]
    assert "Alice authors 100 % of src/billing/" in billing.reason
    assert "Bob changes it often but author none of it" in billing.reason
    assert all(e.reason for e in entries)
    spread = plan.baseline["repositories"][0]
    assert spread["repository"] == "app"


def test_accepting_creates_sessions_with_roles_and_gap_links(
    cast: Cast, gaps: dict[str, Gap], mapped: Repository, propose: Propose
) -> None:
    plan = propose(options=PlanOptions(max_share=0.5))
    # A code review needs the change it reviews: the lead adds it before accepting.
    plan.entries.filter(format="code_review_twist").update(change_link="https://git.example/pr/7")
    sessions = services.plan_accept(plan=plan, actor=cast.alice)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    assert len(sessions) == 4
    for entry in plan.entries.select_related("session"):
        assert entry.session is not None
        roles = dict(
            SessionRole.objects.filter(session=entry.session).values_list("role", "person_id")
        )
        assert roles[SessionRole.FACILITATOR] == entry.facilitator_id
        if entry.co_facilitator_id:
            assert roles[SessionRole.CO_FACILITATOR] == entry.co_facilitator_id
        assert entry.session.title == entry.topic
        if entry.gap_id:
            assert GapSession.objects.filter(gap=entry.gap_id, session=entry.session).exists()
            assert Gap.objects.get(pk=entry.gap_id).status == "planned"
    billing = plan.entries.get(gap=gaps["billing"])
    assert billing.session is not None
    pair = dict(SessionRole.objects.filter(session=billing.session).values_list("role", "person"))
    assert pair["expert"] == cast.alice.pk
    assert pair["learner"] == cast.bob.pk


def test_a_refused_entry_leaves_nothing_written(
    cast: Cast, gaps: dict[str, Gap], propose: Propose
) -> None:
    plan = propose()
    plan.entries.filter(format="code_review_twist").update(change_link="https://x.example/1")
    # The last entry fails, after the others made their sessions and links.
    entry = plan.entries.order_by("-starts_at").first()
    assert entry is not None
    PlanEntry.objects.filter(pk=entry.pk).update(
        format="code_review_twist", minutes=60, change_link=""
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_accept(plan=plan, actor=cast.alice)
    assert "needs a link to a real change" in str(refused.value)
    assert entry.topic in str(refused.value)
    assert not Session.objects.exists()
    assert not GapSession.objects.exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not Gap.objects.filter(status="planned").exists()


def test_re_planning_keeps_the_accepted_sessions(
    cast: Cast, gaps: dict[str, Gap], propose: Propose
) -> None:
    first = propose()
    first.entries.filter(format="code_review_twist").update(change_link="https://x.example/1")
    services.plan_accept(plan=first, actor=cast.alice)
    kept = {e.session_id: e for e in first.entries.all()}
    again = propose(count=6)
    fixed = list(again.entries.filter(fixed=True))
    assert {e.session_id for e in fixed} == set(kept)
    for entry in fixed:
        assert entry.topic == kept[entry.session_id].topic
        assert entry.facilitator_id == kept[entry.session_id].facilitator_id
    assert fixed
    assert again.entries.count() + len(again.unfilled) == 6
    # The kept gaps are planned now: the new weeks say why they stay empty.
    assert all(u["reason"] for u in again.unfilled)
    assert not again.entries.filter(fixed=False, gap__in=[e.gap_id for e in fixed]).exists()
    again.entries.filter(format="code_review_twist").update(change_link="https://x.example/2")
    services.plan_accept(plan=again, actor=cast.alice)
    first.refresh_from_db()
    assert first.status == PlanStatus.REPLACED
    # The kept sessions were not made again.
    assert Session.objects.count() == len(kept) + again.entries.filter(fixed=False).count()


def test_nobody_available_gives_the_unfilled_reason(
    cast: Cast, gaps: dict[str, Gap], propose: Propose
) -> None:
    # 03:00 in Berlin is outside everyone's working hours.
    plan = propose(at=dt.time(3, 0), count=2)
    assert plan.entries.count() == 0
    assert len(plan.unfilled) == 2
    assert "works 9:00-18:00" in plan.unfilled[0]["reason"]


def test_a_lead_edits_an_entry_with_a_team_member_only(
    cast: Cast, gaps: dict[str, Gap], propose: Propose
) -> None:
    plan = propose()
    entry = plan.entries.first()
    assert entry is not None
    fields = {
        "entry": entry,
        "actor": cast.alice,
        "topic": "Billing, slowly",
        "format": "lunch_and_learn",
        "co_facilitator": None,
        "starts_at": entry.starts_at,
        "minutes": 45,
    }
    with pytest.raises(ValidationError) as refused:
        services.plan_entry_update(facilitator=cast.charlie, **fields)
    assert "facilitator" in refused.value.message_dict
    updated = services.plan_entry_update(facilitator=cast.bob, **fields)
    assert updated.facilitator == cast.bob
    assert updated.topic == "Billing, slowly"
    assert "Changed by Alice." in updated.reason


def test_an_accepted_plan_does_not_change(
    cast: Cast, gaps: dict[str, Gap], propose: Propose
) -> None:
    plan = propose()
    plan.entries.filter(format="code_review_twist").update(change_link="https://x.example/1")
    services.plan_accept(plan=plan, actor=cast.alice)
    with pytest.raises(ValidationError):
        services.plan_accept(plan=plan, actor=cast.alice)
    assert Plan.objects.get().status == PlanStatus.ACCEPTED
