"""Background tasks: thin, take ids, call the services."""

from __future__ import annotations

from django.tasks import task

from peerlearn.audit.services import for_each_isolated
from peerlearn.gaps.signals import team_signals_refresh
from peerlearn.people.models import Team


@task()
def refresh_team_signals(team_id: int) -> dict[str, object]:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return {"team": team_id, "status": "gone"}
    result = team_signals_refresh(team)
    return {
        "team": team_id,
        "new": {kind: counts.new for kind, counts in result.counts.items()},
        "failed": result.failed,
    }


@task()
def refresh_all_signals() -> dict[str, object]:
    """Periodic: every team's signals, one team's failure skipped and recorded."""
    outcome = for_each_isolated(
        Team.objects.all(),
        team_signals_refresh,
        job="gaps.signals.all",
        describe=lambda t: f"team {t.name} (#{t.pk})",
        organisation_of=lambda t: t.organisation_id,
    )
    return {"teams": len(outcome.done), "failed": [t.pk for t in outcome.failed]}
