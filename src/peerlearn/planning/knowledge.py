"""What the team's knowledge maps say about its people, in the planner's terms.

Person keys are user ids as text (the planner's keys); git identities without an account
in the team keep a `git:` key, so they still count as authors (and for the truck
factor) but are never asked to teach. Per area ("src/billing/"): who authors which share
of its files, and who changes it without authoring any of it (the learners).

The learners come from the history state the newest analysis keeps (every contributor of
every file, before the authorship threshold): the map itself keeps authors only. A map
without a state (an analysis of an older version) gives authors and no learners.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from peerlearn.engines.knowledge.state import HistoryState
from peerlearn.knowledge.models import Analysis, Repository
from peerlearn.knowledge.selectors import repository_runs
from peerlearn.people.models import Membership, Team

AREAS_MAX = 100  # areas a pairing round weighs at most
# A bigger history state is not read for learners (its map still gives the authors).
STATE_READ_MAX = 256 * 1024 * 1024


def in_area(path: str, area: str) -> bool:
    """The rule of engines.planning.spread: the area itself or anything below it."""
    area = area.rstrip("/")
    return bool(area) and (path == area or path.startswith(area + "/"))


@dataclass(frozen=True)
class RepositoryKnowledge:
    name: str
    authors_by_file: dict[str, tuple[str, ...]]
    changers_by_file: dict[str, frozenset[str]]  # team members only; {} without a state
    island_directories: tuple[str, ...]


@dataclass
class TeamKnowledge:
    repositories: list[RepositoryKnowledge] = field(default_factory=list)

    @property
    def has_map(self) -> bool:
        return bool(self.repositories)

    def _files(self, area: str) -> Iterable[tuple[RepositoryKnowledge, str]]:
        for repository in self.repositories:
            for path in repository.authors_by_file:
                if in_area(path, area):
                    yield repository, path

    def author_share(self, area: str) -> dict[str, float]:
        """Team members' share of the area's files they author, largest first."""
        files = list(self._files(area))
        counts: Counter[str] = Counter()
        for repository, path in files:
            counts.update(a for a in repository.authors_by_file[path] if not a.startswith("git:"))
        if not files:
            return {}
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return {key: count / len(files) for key, count in ranked}

    def need(self, area: str) -> dict[str, float]:
        """Members who change the area but author none of it: the share of its files they
        changed (how much they need it)."""
        files = list(self._files(area))
        authors: set[str] = set()
        changed: Counter[str] = Counter()
        for repository, path in files:
            authors.update(repository.authors_by_file[path])
            changed.update(repository.changers_by_file.get(path, ()))
        if not files:
            return {}
        return {
            key: count / len(files) for key, count in sorted(changed.items()) if key not in authors
        }

    def learners(self, area: str) -> tuple[str, ...]:
        need = self.need(area)
        return tuple(sorted(need, key=lambda key: (-need[key], key)))

    def islands(self) -> list[str]:
        return sorted({path for r in self.repositories for path in r.island_directories})


def member_emails(team: Team) -> dict[str, str]:
    """Case-folded e-mail -> user id as text, for the team's active members."""
    rows = Membership.objects.filter(team=team, user__is_active=True).values_list(
        "user_id", "user__email"
    )
    return {email.casefold(): str(pk) for pk, email in rows if email}


def team_knowledge(team: Team, *, with_learners: bool = True) -> TeamKnowledge:
    """Every repository of the team with a finished map (two or three queries each)."""
    emails = member_emails(team)
    knowledge = TeamKnowledge()
    for repository in Repository.objects.filter(team=team).order_by("name"):
        loaded = _repository_knowledge(repository, emails, with_learners=with_learners)
        if loaded is not None:
            knowledge.repositories.append(loaded)
    return knowledge


def _repository_knowledge(
    repository: Repository, emails: Mapping[str, str], *, with_learners: bool
) -> RepositoryKnowledge | None:
    runs = repository_runs(repository, with_map=True)
    stored = runs.map
    if stored is None or runs.good is None:
        return None
    key_of: dict[str, str] = {}
    for key, person in stored.people.items():
        found = next((emails[e] for e in [key, *person["emails"]] if e in emails), None)
        key_of[key] = found or f"git:{key}"
    authors = {
        path: tuple(dict.fromkeys(key_of.get(a, f"git:{a}") for a in people))
        for path, people in stored.authors_by_file.items()
    }
    islands = tuple(i["path"] for i in stored.data["islands"] if i["kind"] == "directory")
    changers: dict[str, frozenset[str]] = {}
    if with_learners:
        changers = _changers(runs.good.pk, authors, emails)
    return RepositoryKnowledge(repository.name, authors, changers, islands)


def _changers(
    analysis_id: int, authors: Mapping[str, object], emails: Mapping[str, str]
) -> dict[str, frozenset[str]]:
    text = Analysis.objects.filter(pk=analysis_id).values_list("state", flat=True).first()
    if not text or len(text) > STATE_READ_MAX:
        return {}
    try:
        state = HistoryState.loads(text)
    except ValueError:
        return {}  # a state this version cannot read: authors only, as for no state
    member_of = [emails.get(email.casefold()) for _, email in state.identities]
    changers: dict[str, frozenset[str]] = {}
    for path, record in state.files.items():
        if path not in authors:
            continue  # excluded from the map (vendored, generated …)
        people = frozenset(
            key for ident in record.contributors if (key := member_of[ident]) is not None
        )
        if people:
            changers[path] = people
    return changers
