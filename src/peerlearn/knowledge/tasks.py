"""Background task: thin, takes an id, calls the service."""

from __future__ import annotations

from django.tasks import task

from peerlearn.knowledge.services import analysis_recover_abandoned, analysis_run


@task()
def analyse_repository(analysis_id: int) -> dict[str, object]:
    analysis = analysis_run(analysis_id=analysis_id)
    if analysis is None:  # deleted, or another worker took it
        return {"analysis": analysis_id, "status": "skipped"}
    return {
        "analysis": analysis_id,
        "status": analysis.status,
        "incremental": analysis.incremental,
        "commits_read": analysis.commits_read,
        "error": analysis.error,
    }


@task()
def recover_abandoned_analyses() -> dict[str, object]:
    """Periodic: runs whose worker died are marked failed and queued again, and task
    rows such a worker left Running are marked failed."""
    from peerlearn.operations.worker import recover_abandoned_tasks

    recovered = analysis_recover_abandoned()
    tasks = recover_abandoned_tasks()
    return {"recovered": [analysis.pk for analysis in recovered], "tasks_failed": tasks}
