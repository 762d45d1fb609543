"""The weekly digest: each owner of open action items gets one e-mail a week with what
is open and what is overdue.

It goes out on Monday from 08:00 in the person's own time zone (the job runs hourly, so
everyone's morning comes round). Each digest is claimed (DigestSent) and sent in one
transaction: a failed send rolls the claim back and the next run tries again; one bad
address or row is recorded and skipped, the others go out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from peerlearn.audit.services import for_each_isolated
from peerlearn.capture.models import ActionItem, ActionStatus, DigestSent
from peerlearn.people.models import User
from peerlearn.schedule.failures import one_line
from peerlearn.schedule.mail import Outbox

DIGEST_JOB = "capture: weekly digest"
SEND_FROM_HOUR = 8


@dataclass
class DigestRun:
    sent: int = 0
    already: int = 0
    failed: int = 0


def _local(now: dt.datetime, person: User) -> dt.datetime:
    try:
        return now.astimezone(ZoneInfo(person.time_zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(dt.UTC)


def week_of(local: dt.datetime) -> str:
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def is_digest_time(local: dt.datetime) -> bool:
    return local.isoweekday() == 1 and local.hour >= SEND_FROM_HOUR


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


@dataclass(frozen=True)
class DigestLine:
    text: str
    team_name: str
    due: dt.date | None
    url: str


def _line(item: ActionItem) -> DigestLine:
    url = reverse("capture:session", args=[item.session_id]) if item.session_id else ""
    return DigestLine(item.text, item.team.name, item.due, _absolute(url) if url else "")


def digest_message(
    person: User, items: list[ActionItem], *, today: dt.date
) -> EmailMultiAlternatives:
    overdue = [_line(item) for item in items if item.is_overdue(today)]
    upcoming = [_line(item) for item in items if not item.is_overdue(today)]
    team_id = items[0].team_id
    text = render_to_string(
        "capture/email/digest.txt",
        {
            "person": person,
            "items": items,
            "overdue": overdue,
            "upcoming": upcoming,
            "items_url": _absolute(reverse("capture:team_items", args=[team_id])),
        },
    )
    late = f", {len(overdue)} overdue" if overdue else ""
    subject = one_line(f"Your action items: {len(items)} open{late}")
    return EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])


def digests_send_due(*, now: dt.datetime | None = None) -> DigestRun:
    moment = now or timezone.now()
    open_items = (
        ActionItem.objects.filter(
            status=ActionStatus.OPEN, owner__is_active=True, owner__organisation__isnull=False
        )
        .exclude(owner__email="")
        .select_related("owner", "team")
        .order_by("due", "created_at", "pk")
    )
    by_owner: dict[int, list[ActionItem]] = defaultdict(list)
    owners: dict[int, User] = {}
    for item in open_items:
        assert item.owner is not None
        if item.team.organisation_id != item.owner.organisation_id:
            continue  # never mail one organisation's items to another's person
        by_owner[item.owner.pk].append(item)
        owners[item.owner.pk] = item.owner
    run = DigestRun()
    due = []
    weeks = {week_of(_local(moment, person)) for person in owners.values()}
    claimed = set(
        DigestSent.objects.filter(person_id__in=owners, week__in=weeks).values_list(
            "person_id", "week"
        )
    )
    for owner_id, person in owners.items():
        local = _local(moment, person)
        if not is_digest_time(local):
            continue
        week = week_of(local)
        if (owner_id, week) in claimed:
            run.already += 1
            continue
        due.append((person, week, by_owner[owner_id], local.date()))
    if not due:
        return run
    with Outbox() as outbox:

        def send(entry: tuple[User, str, list[ActionItem], dt.date]) -> None:
            person, week, items, today = entry
            try:
                with transaction.atomic():
                    DigestSent.objects.create(person=person, week=week, sent_at=moment)
                    outbox.send(digest_message(person, items, today=today))
            except IntegrityError:
                run.already += 1  # another worker claimed it
                return
            run.sent += 1

        result = for_each_isolated(
            due,
            send,
            job=DIGEST_JOB,
            describe=lambda entry: f"digest to {one_line(entry[0].name)} (person {entry[0].pk})",
            organisation_of=lambda entry: entry[0].organisation_id,
        )
    run.failed = len(result.failed)
    return run
