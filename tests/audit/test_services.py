from __future__ import annotations

import pytest
from django.db import IntegrityError

from peerlearn.audit.models import AppendOnlyError, AuditEvent, ItemFailure
from peerlearn.audit.selectors import audit_events_for_admin, item_failures_for_admin
from peerlearn.audit.services import audit_record, for_each_isolated
from peerlearn.people.models import Team, User
from tests.conftest import Cast


def test_audit_record_keeps_actor_target_and_details(cast: Cast) -> None:
    event = audit_record(
        actor=cast.alice,
        organisation=cast.org,
        action="membership.role_changed",
        target=cast.platform,
        details={"role": ["member", "lead"]},
    )
    event.refresh_from_db()
    assert event.actor_name == "Alice"
    assert event.target_type == "people.team"
    assert event.target_id == cast.platform.pk
    assert event.target_name == "Platform"
    assert event.details == {"role": ["member", "lead"]}


def test_audit_event_cannot_be_changed_or_deleted(cast: Cast) -> None:
    event = audit_record(actor=None, organisation=cast.org, action="system.thing")
    event.action = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "system.thing"


def test_audit_log_keeps_the_actor_name_after_the_person_is_gone(cast: Cast) -> None:
    event = audit_record(actor=cast.bob, organisation=cast.org, action="team.renamed")
    cast.bob.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_name == "Bob"


def test_admins_see_only_their_organisation(cast: Cast) -> None:
    ours = audit_record(actor=cast.olga, organisation=cast.org, action="a")
    audit_record(actor=cast.zed, organisation=cast.other_org, action="b")
    # (The cast's own memberships are in the log too, made through the services.)
    tested = {"action__in": ["a", "b"]}
    assert list(audit_events_for_admin(cast.olga).filter(**tested)) == [ours]
    assert list(audit_events_for_admin(cast.alice)) == []
    operator = User.objects.create_superuser(username="op", email="op@example.com")
    assert audit_events_for_admin(operator).filter(**tested).count() == 2
    # A superuser who belongs to an organisation is no operator (people.access).
    cast.zed.is_superuser = True
    assert audit_events_for_admin(cast.zed).filter(**tested).count() == 0


def test_one_bad_item_is_recorded_and_the_rest_go_on(cast: Cast) -> None:
    names = ["one", "two", "poison", "four"]
    created: list[str] = []

    def make_team(name: str) -> None:
        if name == "poison":
            Team.objects.create(organisation=cast.org, name="half", slug="half")
            raise ValueError("refused")
        created.append(Team.objects.create(organisation=cast.org, name=name, slug=name).name)

    result = for_each_isolated(
        names,
        make_team,
        job="test job",
        describe=lambda name: f"team {name}",
        organisation_of=lambda _name: cast.org.pk,
    )
    assert result.done == ["one", "two", "four"]
    assert result.failed == ["poison"]
    assert created == ["one", "two", "four"]
    # The failed item's own writes were rolled back with it.
    assert not Team.objects.filter(slug="half").exists()
    failure = ItemFailure.objects.get()
    assert (failure.job, failure.item, failure.organisation_id) == (
        "test job",
        "team poison",
        cast.org.pk,
    )
    assert "ValueError: refused" in failure.error
    assert list(item_failures_for_admin(cast.olga)) == [failure]
    assert list(item_failures_for_admin(cast.zed)) == []


def test_a_database_error_in_one_item_leaves_the_transaction_usable(cast: Cast) -> None:
    def make_team(slug: str) -> None:
        Team.objects.create(organisation=cast.org, name=slug, slug=slug)

    # "platform" exists already: the unique constraint fails inside that item's savepoint.
    result = for_each_isolated(["a", "platform", "b"], make_team, job="teams")
    assert result.done == ["a", "b"]
    assert Team.objects.filter(slug__in=["a", "b"]).count() == 2
    assert ItemFailure.objects.filter(job="teams").count() == 1
    assert IntegrityError.__name__ in ItemFailure.objects.get().error


def test_a_failing_description_does_not_stop_the_job(cast: Cast) -> None:
    def describe(_item: int) -> str:
        raise RuntimeError("cannot describe")

    def fail(_item: int) -> None:
        raise ValueError("bad")

    result = for_each_isolated([1, 2], fail, job="j", describe=describe)
    assert result.failed == [1, 2]
    assert ItemFailure.objects.count() == 2
