"""The background task log, fed by a real `db_worker` run against the database backend."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from peerlearn.people.models import User
from peerlearn.people.services import person_create
from peerlearn.people.tasks import send_invitation
from tests.conftest import Cast, client_for

# Transactional: the worker sees only committed rows, as in production, and it closes a
# connection it finds inside a transaction (which would end a test's wrapping one).
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class InvitationServerDown(RuntimeError):
    pass


@task()
def fail_loudly(reason: str) -> None:
    raise InvitationServerDown(f"cannot reach the mail relay: {reason}")


@task()
def succeed_quietly() -> str:
    return "done"


def installation_admin(cast: Cast) -> User:
    return User.objects.create_superuser(username="root", email="root@example.com")


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@override_settings(TASKS=DATABASE_TASKS)
def test_failed_task_is_shown_with_its_error_and_traceback(cast: Cast) -> None:
    fail_loudly.enqueue(reason="<b>relay.example.com</b> refused")
    succeed_quietly.enqueue()
    run_worker()

    failed = DBTaskResult.objects.get(task_path__endswith="fail_loudly")
    assert failed.status == "FAILED"

    response = client_for(installation_admin(cast)).get(reverse("people:task_results"))
    body = response.content.decode()
    assert "tests.people.test_task_results.fail_loudly" in body
    assert "tests.people.test_task_results.succeed_quietly" in body
    assert "Failed with <code>tests.people.test_task_results.InvitationServerDown</code>" in body
    assert "Traceback (most recent call last)" in body
    assert "cannot reach the mail relay: &lt;b&gt;relay.example.com&lt;/b&gt; refused" in body
    assert "Successful" in body
    assert "All (2)" in body


@override_settings(TASKS=DATABASE_TASKS)
def test_task_log_filters_by_status(cast: Cast) -> None:
    fail_loudly.enqueue(reason="x")
    succeed_quietly.enqueue()
    run_worker()
    admin = client_for(installation_admin(cast))
    body = admin.get(reverse("people:task_results"), {"status": "FAILED"}).content
    assert b"fail_loudly" in body
    assert b"succeed_quietly" not in body
    # An unknown status shows everything rather than an error.
    body = admin.get(reverse("people:task_results"), {"status": "nope"}).content
    assert b"succeed_quietly" in body


@override_settings(TASKS=DATABASE_TASKS)
def test_invitation_runs_in_the_worker(cast: Cast) -> None:
    person = person_create(organisation=cast.org, username="wendy", email="wendy@example.com")
    send_invitation.enqueue(person_id=person.pk, invited_by_id=cast.alice.pk)
    assert mail.outbox == []  # queued, not sent, until a worker runs
    run_worker()
    assert [message.to for message in mail.outbox] == [["wendy@example.com"]]
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert result.return_value is True


@override_settings(TASKS=DATABASE_TASKS)
def test_invitation_for_someone_removed_meanwhile_is_quietly_skipped(cast: Cast) -> None:
    person = person_create(organisation=cast.org, username="gone", email="gone@example.com")
    send_invitation.enqueue(person_id=person.pk)
    User.objects.filter(pk=person.pk).delete()
    run_worker()
    assert mail.outbox == []
    result = DBTaskResult.objects.get()
    assert (result.status, result.return_value) == ("SUCCESSFUL", False)


def test_invitation_is_not_sent_to_someone_with_a_password(cast: Cast) -> None:
    result = send_invitation.enqueue(person_id=cast.bob.pk)
    assert result.return_value is False
    assert mail.outbox == []


@pytest.mark.parametrize("extra_results", [0, 15])
@override_settings(TASKS=DATABASE_TASKS)
def test_task_log_queries_are_constant(
    cast: Cast, extra_results: int, django_assert_num_queries: Any
) -> None:
    for _ in range(extra_results):
        fail_loudly.enqueue(reason="x")
    client = client_for(installation_admin(cast))
    client.get(reverse("people:task_results"))
    with django_assert_num_queries(4):  # session, person, results, counts per status
        client.get(reverse("people:task_results"))


def test_org_admins_who_are_not_staff_are_refused_the_log(cast: Cast) -> None:
    # Task results span every organisation of the installation.
    assert client_for(cast.olga).get(reverse("people:task_results")).status_code == 403


def test_operators_see_the_log_but_staff_who_are_not_superusers_do_not(cast: Cast) -> None:
    staff = User.objects.create_user(username="sam", email="sam@example.com", is_staff=True)
    assert client_for(staff).get(reverse("people:task_results")).status_code == 403
    operator = User.objects.create_superuser(username="op", email="op@example.com")
    assert client_for(operator).get(reverse("people:task_results")).status_code == 200


def test_a_superuser_of_an_organisation_is_refused_the_log(cast: Cast) -> None:
    # A database from before organisation admins stopped being superusers.
    User.objects.filter(pk=cast.olga.pk).update(is_staff=True, is_superuser=True)
    olga = User.objects.get(pk=cast.olga.pk)
    assert client_for(olga).get(reverse("people:task_results")).status_code == 403
