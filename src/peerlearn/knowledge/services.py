"""Every write to repositories and their analyses goes through these functions.

The analysis itself (clone, fetch, read history) runs outside any transaction: it may
take minutes, and a transaction open that long would hold SQLite's write lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record, for_each_isolated
from peerlearn.knowledge import runner, sources, workers
from peerlearn.knowledge.models import (
    Analysis,
    AnalysisStatus,
    MapOverview,
    Repository,
    SourceKind,
)
from peerlearn.knowledge.options import option_fields, validate_options
from peerlearn.knowledge.result import dumps_overview
from peerlearn.people.models import Team, User
from peerlearn.validation import check_single_line

logger = logging.getLogger(__name__)

# A queued run no worker picked up in this long was abandoned: a new one may be queued.
ABANDONED_AFTER = dt.timedelta(hours=6)
# A running run is abandoned this long after its time limit (its worker cannot be asked).
ABANDON_GRACE = dt.timedelta(minutes=5)
RUNS_KEPT = 20


def _check_name(*, team: Team, name: str, pk: int | None = None) -> str:
    name = check_single_line(name.strip(), field="name")
    if not name:
        raise ValidationError({"name": ["Give the repository a name."]})
    same_name = Repository.objects.filter(team=team, name__iexact=name)
    if pk is not None:
        same_name = same_name.exclude(pk=pk)
    taken = same_name.exists()
    if taken:
        raise ValidationError({"name": [f"{team.name} already has a repository named {name}."]})
    return name


@transaction.atomic
def repository_create(
    *,
    team: Team,
    created_by: User | None,
    name: str,
    kind: str,
    location: str,
    active_months: int = 6,
    prune_truck_factor: bool = False,
    extra_exclusions: str = "",
    bot_patterns: str = "",
    aliases: str = "",
    server_managed: bool = False,
) -> Repository:
    """Register a repository and queue its first analysis.

    `server_managed` is for paths the server chose itself (the demo's repository), never
    for user input: such a local path skips the PEERLEARN_REPOSITORY_ROOTS check.
    """
    name = _check_name(team=team, name=name)
    if kind not in SourceKind.values:
        raise ValidationError({"kind": [f"Unknown kind of source {kind!r}."]})
    if server_managed and kind != SourceKind.LOCAL:
        raise ValidationError({"kind": ["Only a local path can be managed by the server."]})
    try:
        check_single_line(location)
        if not server_managed:
            location = sources.check_location(kind, location)
    except ValidationError as error:
        raise ValidationError({"location": error.messages}) from None
    validate_options(
        active_months=active_months,
        extra_exclusions=extra_exclusions,
        bot_patterns=bot_patterns,
        aliases=aliases,
    )
    repository = Repository.objects.create(
        team=team,
        name=name,
        kind=kind,
        location=location,
        active_months=active_months,
        prune_truck_factor=prune_truck_factor,
        extra_exclusions=extra_exclusions.strip(),
        bot_patterns=bot_patterns.strip(),
        aliases=aliases.strip(),
        created_by=created_by,
        server_managed=server_managed,
    )
    audit_record(
        actor=created_by,
        organisation=team.organisation_id,
        action="repository.create",
        target=repository,
        details={"team": team.pk, "kind": kind, "location": location},
    )
    analysis_request(repository=repository, requested_by=created_by)
    return repository


@transaction.atomic
def repository_update(
    *,
    repository: Repository,
    requested_by: User | None,
    name: str,
    active_months: int,
    prune_truck_factor: bool,
    extra_exclusions: str,
    bot_patterns: str,
    aliases: str,
) -> Repository:
    """Change the name and options (not the source: register another repository for
    that) and queue an analysis; it reads no history, only rebuilds the map."""
    before = {name: getattr(repository, name) for name in _AUDITED_FIELDS}
    repository.name = _check_name(team=repository.team, name=name, pk=repository.pk)
    validate_options(
        active_months=active_months,
        extra_exclusions=extra_exclusions,
        bot_patterns=bot_patterns,
        aliases=aliases,
    )
    repository.active_months = active_months
    repository.prune_truck_factor = prune_truck_factor
    repository.extra_exclusions = extra_exclusions.strip()
    repository.bot_patterns = bot_patterns.strip()
    repository.aliases = aliases.strip()
    repository.save()
    changed = {
        name: [old, getattr(repository, name)]
        for name, old in before.items()
        if old != getattr(repository, name)
    }
    audit_record(
        actor=requested_by,
        organisation=repository.team.organisation_id,
        action="repository.update",
        target=repository,
        details=changed,
    )
    analysis_request(repository=repository, requested_by=requested_by)
    return repository


_AUDITED_FIELDS = (
    "name",
    "active_months",
    "prune_truck_factor",
    "extra_exclusions",
    "bot_patterns",
    "aliases",
)


@transaction.atomic
def repository_delete(*, repository: Repository, deleted_by: User | None) -> None:
    pk = repository.pk
    audit_record(
        actor=deleted_by,
        organisation=repository.team.organisation_id,
        action="repository.delete",
        target=repository,
        details={"team": repository.team_id, "location": repository.location},
    )
    repository.delete()
    transaction.on_commit(lambda: sources.remove_clone(pk))


@transaction.atomic
def analysis_request(*, repository: Repository, requested_by: User | None) -> Analysis:
    """Queue an analysis, unless one is already waiting (it will read the latest options
    and commits when it starts)."""
    now = timezone.now()
    Analysis.objects.filter(
        repository=repository,
        status=AnalysisStatus.QUEUED,
        created_at__lt=now - ABANDONED_AFTER,
    ).update(
        status=AnalysisStatus.FAILED, finished_at=now, error="Abandoned: no worker picked it up."
    )
    waiting = Analysis.objects.filter(repository=repository, status=AnalysisStatus.QUEUED).first()
    if waiting is not None:
        return waiting
    analysis = Analysis.objects.create(repository=repository, requested_by=requested_by)
    analysis_id = analysis.pk

    def enqueue() -> None:
        from peerlearn.knowledge.tasks import analyse_repository

        analyse_repository.enqueue(analysis_id)

    transaction.on_commit(enqueue)
    return analysis


@transaction.atomic
def _claim(*, analysis_id: int) -> bool:
    claimed = Analysis.objects.filter(pk=analysis_id, status=AnalysisStatus.QUEUED).update(
        status=AnalysisStatus.RUNNING, started_at=timezone.now(), worker=workers.this_worker()
    )
    return claimed == 1


def analysis_run(*, analysis_id: int) -> Analysis | None:
    """Run a queued analysis. Returns None when it is gone or another worker has it.

    The source is checked again, then clone, fetch and analysis run in a process of
    their own (runner.py) that is killed, git included, after
    PEERLEARN_ANALYSIS_TIMEOUT seconds. Errors a person can fix (unreachable URL, not a
    repository, shallow, empty, too slow) are stored on the analysis; the previous good
    result stays what pages show.
    """
    analysis_recover_abandoned()
    if not _claim(analysis_id=analysis_id):
        return None
    analysis = Analysis.objects.select_related("repository").filter(pk=analysis_id).first()
    if analysis is None:
        return None  # its repository was deleted meanwhile
    repository = analysis.repository
    limit = settings.KNOWLEDGE_ANALYSIS_TIMEOUT
    try:
        source = sources.git_source(repository)
        request = runner.Request(
            read=str(source.read),
            lock=str(_lock_file(repository.pk)),
            options=option_fields(repository),
            location=repository.location,
            clone_from=source.clone_from,
            protocol=source.protocol,
            config=list(source.config),
            env=source.env,
            previous_state=_previous_state_text(repository),
        )
        outcome = runner.run_isolated(
            request, name=str(analysis_id), work=_work_folder(), timeout=limit
        )
    except sources.SourceError as error:
        return _finish_failed(analysis_id=analysis_id, error=str(error))
    except runner.AnalysisTimeout:
        message = (
            f"Stopped after {limit} s, the time limit for an analysis "
            "(PEERLEARN_ANALYSIS_TIMEOUT); the previous map stays."
        )
        return _finish_failed(analysis_id=analysis_id, error=message)
    except Exception as error:
        _finish_failed(analysis_id=analysis_id, error=f"Unexpected error: {error!r}")
        raise  # with its traceback, into the task log
    summary = outcome.summary
    if not summary["ok"]:
        return _finish_failed(analysis_id=analysis_id, error=summary["error"])
    return _finish_done(
        analysis_id=analysis_id,
        result=outcome.result,
        state=outcome.state,
        incremental=summary["incremental"],
        commits_read=summary["commits_read"],
        commits_analysed=summary["commits_analysed"],
        tip=summary["tip"],
        truck_factor=summary["truck_factor"],
        files_analysed=summary["files_analysed"],
    )


def _previous_state_text(repository: Repository) -> str | None:
    text = (
        Analysis.objects.filter(repository=repository, status=AnalysisStatus.DONE)
        .exclude(state="")
        .values_list("state", flat=True)
        .first()
    )
    return text or None


def _work_folder() -> Path:
    return Path(settings.DATA_DIR) / "repositories"


def _lock_file(repository_id: int) -> Path:
    return _work_folder() / f"{repository_id}.lock"


def analysis_recover_abandoned(*, now: dt.datetime | None = None) -> list[Analysis]:
    """Runs whose worker is gone (killed, machine restarted) are marked failed, and
    their repository gets a new queued analysis (a retry), once per abandoned run.

    A run is abandoned when its worker process on this machine no longer exists, or,
    for a worker elsewhere, when it started longer ago than the time limit allows."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.KNOWLEDGE_ANALYSIS_TIMEOUT) - ABANDON_GRACE
    running = Analysis.objects.filter(status=AnalysisStatus.RUNNING).select_related(
        "repository__team", "requested_by"
    )
    abandoned = [
        run
        for run in running
        if not workers.is_alive(run.worker)
        or (run.started_at is not None and run.started_at < cutoff)
    ]
    result = for_each_isolated(
        abandoned,
        _recover_one,
        job="knowledge: recover abandoned analyses",
        describe=lambda run: f"analysis {run.pk} of {run.repository}",
        organisation_of=lambda run: run.repository.team.organisation_id,
    )
    return result.done


def _recover_one(run: Analysis) -> None:
    stopped = Analysis.objects.filter(pk=run.pk, status=AnalysisStatus.RUNNING).update(
        status=AnalysisStatus.FAILED,
        finished_at=timezone.now(),
        error="The worker running this analysis stopped before it finished; it is retried.",
    )
    if stopped:
        # Its worker died before removing the run's files (the runner's own leftovers in
        # the clone are cleaned by the next run, under the repository's lock).
        for leftover in _work_folder().glob(runner.work_prefix(str(run.pk)) + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
        analysis_request(repository=run.repository, requested_by=run.requested_by)


@transaction.atomic
def _finish_failed(*, analysis_id: int, error: str) -> Analysis | None:
    analysis = Analysis.objects.select_for_update().filter(pk=analysis_id).first()
    if analysis is None:
        return None
    analysis.status = AnalysisStatus.FAILED
    analysis.error = error[:2000]
    analysis.finished_at = timezone.now()
    analysis.save(update_fields=["status", "error", "finished_at"])
    _prune_runs(analysis.repository_id)
    return analysis


@transaction.atomic
def _finish_done(*, analysis_id: int, **fields: object) -> Analysis | None:
    analysis = Analysis.objects.select_for_update().filter(pk=analysis_id).first()
    if analysis is None:
        return None
    for name, value in fields.items():
        setattr(analysis, name, value)
    analysis.status = AnalysisStatus.DONE
    analysis.finished_at = timezone.now()
    analysis.save()
    MapOverview.objects.create(analysis=analysis, text=dumps_overview(analysis.result))
    # Only the newest good result is shown and only its state is needed next time.
    Analysis.objects.filter(repository_id=analysis.repository_id).exclude(pk=analysis.pk).exclude(
        result="", state=""
    ).update(result="", state="")
    MapOverview.objects.filter(analysis__repository_id=analysis.repository_id).exclude(
        analysis=analysis
    ).delete()
    _prune_runs(analysis.repository_id)
    return analysis


def _prune_runs(repository_id: int) -> None:
    old = Analysis.objects.filter(repository_id=repository_id).values_list("pk", flat=True)[
        RUNS_KEPT:
    ]
    # Never the run whose result pages show (the only one that still has a result).
    Analysis.objects.filter(pk__in=list(old), result="").delete()
