"""The demo's capture: notes of Platform's past learning hours with action items (one
carried over, one overdue), a confirmed knowledge-base page and an imported transcript."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peerlearn.capture import recording_services, services
from peerlearn.kb import services as kb_services
from peerlearn.people.models import Team, User
from peerlearn.schedule.models import Session, SessionStatus

NOTES = """# How our deploy pipeline really works

Bob walked us through the path from a merge to production.

```mermaid
graph LR
  merge[Merge to main] --> build[Build and test]
  build --> staging[Deploy to staging]
  staging --> canary[Canary 5 %]
  canary --> prod[Production]
```

| Stage | Who can retry | Where it logs |
|---|---|---|
| build | anyone | CI |
| canary | on-call | Grafana |

- The canary compares error rates for ten minutes before it promotes.
- A failed promotion can be retried safely: every step is idempotent.

## Action items

- [ ] @carol write the runbook for a stuck promotion (due {due})
- [ ] @dan add the canary dashboard link to the pipeline page
- [x] @bob share the slides
"""

TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Bob>Today I want to show what happens between a merge and production.

00:00:06.500 --> 00:00:12.000
<v Carol>I always wondered why the canary waits ten minutes.

00:00:12.500 --> 00:00:20.000
<v Bob>The canary compares error rates against the baseline before it promotes.

00:00:20.500 --> 00:00:27.000
<v Dan>We should link the canary dashboard from the pipeline page.

00:00:27.500 --> 00:00:33.000
<v Bob>I'll share the slides after the session.
"""


def demo_capture_load(*, teams: dict[str, Team], people: dict[str, User]) -> None:
    platform = teams["platform"]
    held = list(
        Session.objects.filter(
            team=platform, series__isnull=False, status=SessionStatus.DONE
        ).order_by("starts_at")
    )
    if not held:
        return
    first = held[0]
    due = timezone.localdate() - dt.timedelta(days=2)  # overdue: the digest says so
    services.notes_save(
        session=first,
        author=people["bob"],
        body=NOTES.format(due=due.isoformat()),
        base_version=0,
    )
    for person in recording_services.present_people(first):
        recording_services.consent_set(session=first, person=person, consents=True)
    recording_services.transcript_import(
        session=first, actor=people["bob"], data=TRANSCRIPT.encode(), file_name="zoom.vtt"
    )
    kb_services.kb_page_publish(
        session=first,
        actor=people["bob"],
        title="How our deploy pipeline really works",
        summary="From a merge to production in five stages, and what to do when a "
        "promotion is stuck.",
        takeaways=[
            "The canary compares error rates for ten minutes before it promotes.",
            "Every pipeline step is idempotent: a failed promotion can be retried.",
            "The canary dashboard lives in Grafana, linked from the pipeline page.",
        ],
        tags=["deploy", "ci", "canary"],
        code_areas=["deploy", ".github/workflows"],
    )
