"""The demo's backlog: what Northwind's teams asked to learn, from every kind of source,
with votes, offers, a gap a past session covered, an onboarding checklist and a
suggestion from the knowledge map waiting for the lead."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peerlearn.gaps import services, source_services
from peerlearn.gaps.models import Gap
from peerlearn.gaps.signals import team_signals_refresh
from peerlearn.people.models import Team, User
from peerlearn.schedule.models import Session, SessionStatus

# (team, raised by, title, source, code areas, voters, Markdown description)
_GAPS = (
    ("platform", "carol", "How our deploy pipeline promotes a build", "retrospective",
     ("deploy/", ".github/workflows/"), ("alice", "dan", "erin"),
     "Nobody but Bob dares to touch a failed promotion. **What** happens between merge and prod?"),
    ("platform", "dan", "Reading flame graphs of the billing service", "post_mortem",
     ("services/billing/",), ("carol", "erin"),
     "The March outage: we saw CPU at 100 % and could not tell which code was hot."),
    ("platform", "erin", "Where to start in the billing code", "onboarding",
     ("services/billing/",), ("dan",), "My first ticket took a week of reading."),
    ("platform", "alice", "Property-based testing with Hypothesis", "new_technology", (), ("bob",),
     "We added `hypothesis` to the dev dependencies; two people have written a test with it."),
    ("mobile", "ivan", "Offline sync conflicts", "recurring_bugs", ("app/sync/",),
     ("judy", "oscar"),
     "Five bug reports this quarter about edits lost after going offline."),
)  # fmt: skip


def demo_backlog_load(*, teams: dict[str, Team], people: dict[str, User]) -> None:
    gaps: list[Gap] = []
    for team, by, title, source, areas, voters, description in _GAPS:
        gap = services.gap_create(
            team=teams[team],
            raised_by=people[by],
            title=title,
            description=description,
            source=source,
            code_areas=areas,
            created_at=timezone.now() - dt.timedelta(days=20 * (len(gaps) + 1)),
        )
        for voter in voters:
            services.gap_vote(gap=gap, voter=people[voter], vote=True)
        gaps.append(gap)
    platform = teams["platform"]
    services.offer_create(team=platform, person=people["bob"], gap=gaps[0], note="Lunch & Learn?")
    services.offer_create(team=platform, person=people["frank"], topic="Debugging with pdb++")
    source_services.anonymous_ask_submit(
        team=platform,
        asker=people["erin"],
        title="How are on-call handovers supposed to work?",
        description="I was paged twice and did not know whom to ask.",
    )
    done = Session.objects.filter(team=platform, status=SessionStatus.DONE).order_by("starts_at")
    covered = services.gap_create(
        team=platform,
        raised_by=people["carol"],
        title="Our logging conventions",
        source="retrospective",
    )
    first_done = done.first()
    if first_done is not None:
        services.gap_link_session(gap=covered, session=first_done, actor=people["alice"])
    for position, step in enumerate(
        ("Get a laptop and accounts", "Run the platform locally", "Ship a first change")
    ):
        created = source_services.onboarding_step_create(
            team=platform, actor=people["alice"], title=step
        )
        if position == 1:
            for newcomer, comment in (
                ("erin", "The VPN certificate steps are missing."),
                ("dan", ""),
            ):
                source_services.onboarding_mark(
                    step=created, person=people[newcomer], done=True, hard=True, comment=comment
                )
    team_signals_refresh(platform)  # the islands of the demo repository, the hard step
