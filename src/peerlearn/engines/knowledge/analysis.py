"""Putting it together: options in, a KnowledgeMap (plain frozen dataclasses) out.

`build_map` is pure (no git, no clock): the same HistoryState, tree and options always
give the same map. `analyze_repository` reads git and then calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

from .evidence import BOT_ONLY, SYNCED, VENDORED_TREE, LeftOut, in_tree, left_out, vendored_trees
from .exclusions import ExclusionRules
from .gcpause import gc_paused
from .history import ProgressCallback, read_history
from .identity import Bot, IdentityOptions, People, Person, resolve_people
from .islands import DirectorySummary, Island, knowledge_islands, summarise_directories
from .loss import KnowledgeLoss, knowledge_loss
from .model import FileAuthorship, Scores, merge_entries, score_entries
from .state import HistoryState
from .truck_factor import REFERENCE_PRUNING, TruckFactor, WhatIf, truck_factor, what_if


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    since: datetime | None = None  # only commits from then on count
    as_of: datetime | None = None  # the map as it was then (commits up to it)
    active_months: int = 6
    identity: IdentityOptions = field(default_factory=IdentityOptions)
    exclusions: ExclusionRules = field(default_factory=ExclusionRules)
    prune_truck_factor: bool = False  # the reference tool's 10 % pruning
    # Rank islands under test-fixture and data directories with the rest (islands.py).
    rank_fixtures: bool = False
    # Above 1, a full history is read by two git processes from both ends (both cores).
    jobs: int = 2


@dataclass(frozen=True, slots=True)
class KnowledgeMap:
    tip: str | None
    reference_time: datetime  # "now" for activity: as_of, or the time of analysis
    active_since: datetime
    people: tuple[Person, ...]  # humans with at least one counted commit
    active_people: tuple[str, ...]
    files: tuple[FileAuthorship, ...]  # analysed files at the tip, by path
    directories: tuple[DirectorySummary, ...]
    islands: tuple[Island, ...]
    truck_factor: TruckFactor
    excluded_files: dict[str, int]  # reason -> count of files left out at the tip
    exclusion_rules: dict[str, list[str]]
    bots: tuple[str, ...]
    commits_analysed: int
    bot_details: tuple[Bot, ...] = ()  # each bot left out, its commits and the rule matched
    left_out: tuple[LeftOut, ...] = ()  # vendored trees and files left out by evidence
    # Files and directories none of whose authors is active (loss.py).
    knowledge_loss: KnowledgeLoss = field(default_factory=lambda: KnowledgeLoss(0, 0))

    def person(self, key: str) -> Person | None:
        return next((p for p in self.people if p.key == key), None)

    def authors_by_file(self) -> dict[str, tuple[str, ...]]:
        return {entry.path: entry.authors for entry in self.files}

    def files_of(self, key: str) -> tuple[str, ...]:
        """The files a person authors (their "areas")."""
        return tuple(entry.path for entry in self.files if key in entry.authors)

    def what_if(self, removed: Iterable[str]) -> WhatIf:
        return what_if(self.authors_by_file(), removed)


@dataclass(frozen=True, slots=True)
class AnalysisRun:
    map: KnowledgeMap
    state: HistoryState  # keep it (HistoryState.dumps) to make the next run incremental
    incremental: bool
    commits_read: int


def analyze_repository(
    repo: Path,
    options: AnalysisOptions | None = None,
    *,
    previous: HistoryState | None = None,
    progress: ProgressCallback | None = None,
    now: datetime | None = None,
) -> AnalysisRun:
    options = options or AnalysisOptions()
    prepared: list[_Prepared] = []
    # One pause for the whole run: pausing only around each step left the collector to
    # walk everything made so far between them (~35 ms at 100k commits, measured).
    with gc_paused():
        snapshot = read_history(
            repo,
            previous=None if options.as_of is not None else previous,
            since=options.since,
            as_of=options.as_of,
            jobs=options.jobs,
            progress=progress,
            # Scored while git lists the tree: on an incremental update most of the wait.
            while_listing=lambda state: prepared.append(_prepare(state, options)),
        )
        reference = options.as_of or now or datetime.now(UTC)
        if reference.tzinfo is None:
            raise ValueError("reference_time must be timezone-aware")
        knowledge = _assemble(prepared[0], snapshot.state, snapshot.tree, options, reference)
    return AnalysisRun(knowledge, snapshot.state, snapshot.incremental, snapshot.commits_read)


def build_map(
    state: HistoryState,
    tree: dict[str, int],
    options: AnalysisOptions,
    reference_time: datetime,
) -> KnowledgeMap:
    if reference_time.tzinfo is None:
        raise ValueError("reference_time must be timezone-aware")
    with gc_paused():
        return _assemble(_prepare(state, options), state, tree, options, reference_time)


@dataclass(slots=True)
class _Prepared:
    """What the map needs from the state alone, before the tree is known: who is who,
    which files are excluded, and the scores of every other file with counted history."""

    people: People
    excluded: dict[str, str]  # path -> reason
    scores: dict[str, Scores]
    # path -> BOT_ONLY or SYNCED: files only bots (or sync commits) ever changed
    evidence: dict[str, str]


def _prepare(state: HistoryState, options: AnalysisOptions) -> _Prepared:
    resolved = resolve_people(
        state.identities,
        state.commits_by_identity,
        state.first_commit_at,
        state.last_commit_at,
        options.identity,
    )
    keys = [person.key for person in resolved.people]
    person_of = resolved.by_identity
    key_of = ["" if person is None else keys[person] for person in person_of]
    identities_of: dict[int, int] = {}
    for person in person_of:
        if person is not None:
            identities_of[person] = identities_of.get(person, 0) + 1
    # Identities whose counters need folding (aliases) or dropping (bots); a file touched
    # by none of them maps identity counters to people one to one.
    special = frozenset(
        index
        for index, person in enumerate(person_of)
        if person is None or identities_of[person] > 1
    )
    rules = options.exclusions
    excluded = rules.reasons(state.files)
    scores: dict[str, Scores] = {}
    evidence: dict[str, str] = {}
    for path, record in state.files.items():
        if path in excluded:
            continue
        raw = record.contributors
        if not raw:
            continue
        synced = record.synced
        if (
            synced is not None
            and rules.evidence
            and all(ident in synced or person_of[ident] is None for ident in raw)
            and not rules.included(path)
        ):
            evidence[path] = SYNCED
        elif special.isdisjoint(raw):
            scores[path] = score_entries(raw, key_of)
        elif merged := merge_entries(raw, person_of):
            scores[path] = score_entries(merged, keys)
        else:
            evidence[path] = BOT_ONLY  # no person ever changed it
    return _Prepared(resolved, excluded, scores, evidence)


def _assemble(
    prepared: _Prepared,
    state: HistoryState,
    tree: dict[str, int],
    options: AnalysisOptions,
    reference_time: datetime,
) -> KnowledgeMap:
    resolved = prepared.people
    active_since = reference_time - relativedelta(months=options.active_months)
    active = {
        p.key
        for p in resolved.people
        if active_since.timestamp() <= p.last_commit_at <= reference_time.timestamp()
    }
    reasons = prepared.excluded
    scores = prepared.scores
    evidence = prepared.evidence
    excluded: dict[str, int] = {}
    files: list[FileAuthorship] = []
    records = state.files
    trees: list[tuple[str, int, int]] = []
    outside: dict[str, int] = {}
    if evidence:
        shown = [path for path in tree if path in records and path not in reasons]
        if options.exclusions.evidence:
            trees = vendored_trees(shown, evidence)
        if options.exclusions.include_patterns:
            trees = [t for t in trees if not options.exclusions.included(t[0] + "/")]
    for path in sorted(tree):
        record = records.get(path)
        if record is None:
            continue  # no counted history (e.g. older than --since)
        reason = reasons.get(path)
        if reason is None and evidence:
            if trees and in_tree(path, trees) and not options.exclusions.included(path):
                reason = VENDORED_TREE
            elif path in evidence:
                reason = evidence[path]
                outside[reason] = outside.get(reason, 0) + 1
        if reason is not None:
            excluded[reason] = excluded.get(reason, 0) + 1
            continue
        score = scores.get(path)
        if score is not None:
            changes, authorships, authors, main = score
            files.append(
                FileAuthorship(
                    path, tree[path], changes, record.last_change_at, authorships, authors, main
                )
            )

    changes_by_person: dict[str, int] = {}
    for entry in files:
        for authorship in entry.authorships:
            key = authorship.person
            changes_by_person[key] = changes_by_person.get(key, 0) + authorship.deliveries
    factor = truck_factor(
        {entry.path: entry.authors for entry in files},
        changes_by_person,
        prune_below=REFERENCE_PRUNING if options.prune_truck_factor else None,
    )
    directories = summarise_directories(files, active)
    islands = knowledge_islands(
        files,
        directories,
        active,
        int(reference_time.timestamp()),
        rank_fixtures=options.rank_fixtures,
    )
    return KnowledgeMap(
        tip=state.tip,
        reference_time=reference_time,
        active_since=active_since,
        people=tuple(resolved.people),
        active_people=tuple(sorted(active)),
        files=tuple(files),
        directories=tuple(directories),
        islands=tuple(islands),
        truck_factor=factor,
        excluded_files=dict(sorted(excluded.items())),
        exclusion_rules=options.exclusions.describe(),
        bots=tuple(resolved.bots),
        commits_analysed=state.commits_read,
        bot_details=tuple(resolved.bot_details),
        left_out=left_out(trees, outside),
        knowledge_loss=knowledge_loss(files, directories, active),
    )
