"""The planning engines' inputs, read from the team: people, topics, slots, accepted
entries and pairing candidates (engines.planning.model, .pairing).

- people: the team's active members, in their own time zone; `newcomer` when they joined
  the team within `NEWCOMER_DAYS`; what they led and co-led over the last year from the
  sessions' roles (a facilitator or a format's leading role; co-facilitator). There is
  no out-of-office data in peerlearn yet, so nobody is away.
- topics: the team's open gaps, by the backlog's priority and votes, the first code area
  as the area; teachers are those who offered to teach it, then for knowledge islands
  the area's authors in the team's maps (largest share first), with the learners.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from peerlearn.engines.planning import Candidate, Person, PlanItem, Slot, Topic, TopicKind
from peerlearn.gaps.models import Gap, GapSource, GapStatus, GapVote, TeachingOffer
from peerlearn.gaps.selectors import gap_priority, total_votes
from peerlearn.people.models import Membership, Team
from peerlearn.planning.knowledge import AREAS_MAX, TeamKnowledge
from peerlearn.planning.models import Plan, PlanEntry, PlanStatus
from peerlearn.schedule.models import SessionRole, SessionStatus

NEWCOMER_DAYS = 90
HISTORY_DAYS = 365
# Who leads a session, whatever its format: its facilitator, or the format's leading role.
LEAD_ROLES = (SessionRole.FACILITATOR, "presenter", "expert", "guide")
CO_ROLES = (SessionRole.CO_FACILITATOR,)

KIND_BY_SOURCE = {
    GapSource.CODEBASE: TopicKind.ISLAND,
    GapSource.NEW_TECHNOLOGY: TopicKind.NEW_TECH,
    GapSource.RECURRING_BUGS: TopicKind.BUG_CLUSTER,
    GapSource.RETROSPECTIVE: TopicKind.PRACTICE,
    GapSource.ONBOARDING: TopicKind.PRACTICE,
    GapSource.POST_MORTEM: TopicKind.PRACTICE,
}


def key_of(user_id: int | None) -> str:
    return str(user_id) if user_id is not None else ""


def history(
    team: Team, *, now: dt.datetime, skip_sessions: Iterable[int] = ()
) -> tuple[dict[str, list[dt.date]], dict[str, list[dt.date]]]:
    """Days each member led and co-led a session of the team over the last year (and
    the sessions already scheduled), cancelled sessions and `skip_sessions` left out."""
    rows = (
        SessionRole.objects.filter(
            session__team=team,
            session__starts_at__gte=now - dt.timedelta(days=HISTORY_DAYS),
            role__in=(*LEAD_ROLES, *CO_ROLES),
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .exclude(session_id__in=list(skip_sessions))
        .values_list("person_id", "role", "session_id", "session__starts_at", "session__time_zone")
    )
    led: dict[str, dict[int, dt.date]] = defaultdict(dict)
    co: dict[str, dict[int, dt.date]] = defaultdict(dict)
    for person_id, role, session_id, starts_at, zone in rows:
        day = starts_at.astimezone(zone_of(zone)).date()
        (co if role in CO_ROLES else led)[key_of(person_id)][session_id] = day
    # One day per session: a facilitator who is also its presenter led it once.
    return (
        {k: sorted(v.values()) for k, v in led.items()},
        {k: sorted(v.values()) for k, v in co.items()},
    )


def zone_of(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC


def team_people(
    team: Team, *, now: dt.datetime | None = None, skip_sessions: Iterable[int] = ()
) -> list[Person]:
    moment = now or timezone.now()
    led, co_led = history(team, now=moment, skip_sessions=skip_sessions)
    joined_after = timezone.localdate(moment) - dt.timedelta(days=NEWCOMER_DAYS)
    members = (
        Membership.objects.filter(team=team, user__is_active=True)
        .select_related("user")
        .order_by("user__display_name", "user__username", "user_id")
    )
    return [
        Person(
            key=key_of(m.user_id),
            name=m.user.name,
            time_zone=m.user.time_zone,
            led=tuple(led.get(key_of(m.user_id), ())),
            co_led=tuple(co_led.get(key_of(m.user_id), ())),
            newcomer=m.joined_on > joined_after,
        )
        for m in members
    ]


def open_gaps(team: Team) -> list[Gap]:
    return list(
        Gap.objects.filter(team=team, status=GapStatus.OPEN, merged_into__isnull=True)
        .defer("description")
        .order_by("pk")
    )


def team_topics(team: Team, knowledge: TeamKnowledge, *, members: Iterable[str]) -> list[Topic]:
    """The open gaps as topics (key `gap:<id>`); teachers and learners are team members."""
    gaps = open_gaps(team)
    in_team = set(members)
    offers: dict[int, list[str]] = defaultdict(list)
    for gap_id, person_id in (
        TeachingOffer.objects.filter(gap__in=gaps).order_by("created_at", "pk")
    ).values_list("gap_id", "person_id"):
        if key_of(person_id) in in_team:
            offers[gap_id].append(key_of(person_id))
    now = timezone.now()
    topics = []
    for gap in gaps:
        kind = KIND_BY_SOURCE.get(GapSource(gap.source), TopicKind.OTHER)
        area = str(gap.code_areas[0]) if gap.code_areas else ""
        teachers = list(offers.get(gap.pk, ()))
        share: dict[str, float] = {}
        learners: tuple[str, ...] = ()
        if kind is TopicKind.ISLAND and area:
            share = {k: v for k, v in knowledge.author_share(area).items() if k in in_team}
            teachers += [k for k in share if k not in teachers]
            learners = tuple(k for k in knowledge.learners(area) if k in in_team)
        topics.append(
            Topic(
                key=f"gap:{gap.pk}",
                title=gap.title,
                kind=kind,
                area=area,
                priority=gap_priority(gap, now=now).score,
                votes=total_votes(gap),
                teachers=tuple(teachers),
                author_share=share,
                learners=learners,
            )
        )
    return topics


def weekly_slots(
    *, start: dt.date, weekday: int, at: dt.time, time_zone: str, count: int, minutes: int
) -> list[Slot]:
    """`count` weekly slots from the first `weekday` on or after `start`, at the wall-clock
    time `at` in `time_zone` (so across a DST change it stays at the same local time)."""
    zone = zone_of(time_zone)
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    slots = []
    for week in range(count):
        starts_at = dt.datetime.combine(first + dt.timedelta(weeks=week), at, tzinfo=zone)
        slots.append(Slot(slot_key(starts_at), starts_at, minutes))
    return slots


def slot_key(starts_at: dt.datetime) -> str:
    return starts_at.astimezone(dt.UTC).isoformat()


def accepted_plan(team: Team) -> Plan | None:
    return Plan.objects.filter(team=team, status=PlanStatus.ACCEPTED).first()


def kept_entries(team: Team, *, now: dt.datetime) -> list[PlanEntry]:
    """The accepted plan's entries whose sessions are still to come: a re-plan keeps them."""
    plan = accepted_plan(team)
    if plan is None:
        return []
    return list(
        PlanEntry.objects.filter(plan=plan, session__starts_at__gte=now)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )


def fixed_item(entry: PlanEntry) -> PlanItem:
    """A kept entry as the planner's fixed item: where and who as its session says now."""
    session = entry.session
    assert session is not None
    roles = dict(
        SessionRole.objects.filter(session=session, role__in=SessionRole.LEADING_ROLES).values_list(
            "role", "person_id"
        )
    )
    lead = roles.get(SessionRole.FACILITATOR, entry.facilitator_id)
    co = roles.get(SessionRole.CO_FACILITATOR, entry.co_facilitator_id)
    slot = Slot(slot_key(session.starts_at), session.starts_at, session.duration_minutes)
    return PlanItem(
        slot=slot,
        topic=entry_topic(entry),
        format=session.format,
        facilitator=key_of(lead),
        co_facilitator=key_of(co) or None,
        audience=tuple(str(k) for k in entry.audience),
        reason=entry.reason,
        fixed=True,
    )


def entry_topic(entry: PlanEntry) -> Topic:
    key = f"gap:{entry.gap_id}" if entry.gap_id else f"entry:{entry.pk}"
    known = {kind.value for kind in TopicKind}
    kind = TopicKind(entry.kind) if entry.kind in known else TopicKind.OTHER
    return Topic(key=key, title=entry.topic, kind=kind, area=entry.area)


def entry_item(entry: PlanEntry) -> PlanItem:
    """Any entry as a plan item (for the knowledge-spread estimate)."""
    slot = Slot(slot_key(entry.starts_at), entry.starts_at, entry.minutes)
    return PlanItem(
        slot=slot,
        topic=entry_topic(entry),
        format=entry.format,
        facilitator=key_of(entry.facilitator_id),
        co_facilitator=key_of(entry.co_facilitator_id) or None,
        audience=tuple(str(k) for k in entry.audience),
        reason=entry.reason,
        fixed=entry.fixed,
    )


def pairing_areas(team: Team, knowledge: TeamKnowledge) -> list[str]:
    """What pairs work on: the open gaps' code areas, then the maps' directory islands."""
    areas: dict[str, None] = {}
    for gap in open_gaps(team):
        for area in gap.code_areas:
            areas.setdefault(str(area), None)
    for area in knowledge.islands():
        areas.setdefault(area, None)
    return list(areas)[:AREAS_MAX]


def pairing_candidates(
    team: Team, knowledge: TeamKnowledge, *, capacity: int, waited: dict[str, int]
) -> list[Candidate]:
    """Every member with what they know and need per area; interests are the areas of
    open gaps they voted for."""
    areas = pairing_areas(team, knowledge)
    shares = {area: knowledge.author_share(area) for area in areas}
    needs = {area: knowledge.need(area) for area in areas}
    interests: dict[str, set[str]] = defaultdict(set)
    votes = GapVote.objects.filter(Q(gap__team=team) & Q(gap__status=GapStatus.OPEN)).values_list(
        "voter_id", "gap__code_areas"
    )
    for voter_id, gap_areas in votes:
        interests[key_of(voter_id)].update(str(a) for a in gap_areas or () if str(a) in shares)
    members = Membership.objects.filter(team=team, user__is_active=True).values_list(
        "user_id", flat=True
    )
    return [
        Candidate(
            key=key,
            team=str(team.pk),
            expertise={a: s[key] for a, s in shares.items() if key in s},
            needs={a: n[key] for a, n in needs.items() if key in n},
            interests=frozenset(interests.get(key, ())),
            capacity=capacity,
            waited=waited.get(key, 0),
        )
        for key in sorted(key_of(pk) for pk in members)
    ]


def names(people: Sequence[Person]) -> dict[str, str]:
    return {p.key: p.name for p in people}
