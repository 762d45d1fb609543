"""Imports into the backlog: retrospective exports (CSV in two steps: upload, then map the
columns) and tracker exports for the recurring-bugs signal. All of a file or none of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.engines.gaps.bugs import TrackerIssue as ParsedIssue
from peerlearn.engines.gaps.bugs import is_bug_report
from peerlearn.gaps.models import PendingImport, TrackerIssue
from peerlearn.gaps.services import _require_in_team
from peerlearn.people.models import Team, User
from peerlearn.validation import web_url_problem

PENDING_KEPT = dt.timedelta(days=1)
TRACKER_MAX_ISSUES = 100_000


@transaction.atomic
def pending_import_create(
    *, team: Team, uploaded_by: User, file_name: str, data: bytes
) -> PendingImport:
    _require_in_team(team, uploaded_by)
    pending_imports_prune()  # anyone's left over from more than a day ago
    PendingImport.objects.filter(uploaded_by=uploaded_by, team=team).delete()  # one at a time
    return PendingImport.objects.create(
        team=team, uploaded_by=uploaded_by, file_name=file_name[:200], data=data
    )


@transaction.atomic
def pending_imports_prune(*, now: dt.datetime | None = None) -> int:
    deleted, _ = PendingImport.objects.filter(
        created_at__lt=(now or timezone.now()) - PENDING_KEPT
    ).delete()
    return deleted


@transaction.atomic
def tracker_issues_import(
    *, team: Team, actor: User, issues: Sequence[ParsedIssue], origin: str
) -> tuple[int, int]:
    """Store (or bring up to date, by key) the issues of a tracker export; (new, updated).

    Bug reports are told apart here once (`is_bug_report`), so the signal reads a flag."""
    _require_in_team(team, actor)
    if not issues:
        raise ValidationError("The export holds no issues.")
    if len(issues) > TRACKER_MAX_ISSUES:
        raise ValidationError(f"At most {TRACKER_MAX_ISSUES:,} issues at once.")
    existing = dict(TrackerIssue.objects.filter(team=team).values_list("key", "pk"))
    new_rows: list[TrackerIssue] = []
    changed: list[TrackerIssue] = []
    now = timezone.now()
    for issue in issues:
        url = issue.url or ""
        row = TrackerIssue(
            pk=existing.get(issue.key[:60]),
            team=team,
            key=issue.key[:60],
            title=issue.title[:500],
            body=issue.body[:20_000],
            labels=list(issue.labels)[:50],
            issue_type=(issue.issue_type or "")[:60],
            state=issue.state[:20],
            opened_at=issue.created_at,
            closed_at=issue.closed_at,
            url=url[:500] if url and web_url_problem(url) is None else "",
            is_bug=is_bug_report(issue),
            imported_at=now,
        )
        (changed if row.pk else new_rows).append(row)
    TrackerIssue.objects.bulk_create(new_rows, batch_size=500)
    fields = ["title", "body", "labels", "issue_type", "state", "opened_at", "closed_at", "url"]
    TrackerIssue.objects.bulk_update(changed, [*fields, "is_bug", "imported_at"], batch_size=500)
    audit_record(
        actor=actor,
        organisation=team.organisation_id,
        action="tracker.import",
        target=team,
        details={"new": len(new_rows), "updated": len(changed), "from": origin[:200]},
    )
    return len(new_rows), len(changed)
