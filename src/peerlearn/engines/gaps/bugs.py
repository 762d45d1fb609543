"""Recurring bugs: bug reports of a tracker grouped into families that keep coming back.

Each report becomes a TF-IDF vector of its title (written twice, it names the symptom)
and the first ``BODY_CHARS`` characters of its body (the rest is mostly logs and stack
traces). Families are the connected components of the graph whose edges are pairs at
least ``threshold`` alike (single link), found with ``similarity.all_pairs`` (probing
each report's ``PROBE_TERMS`` rarest heavy terms) and a union-find. This is
deterministic, needs no cluster count and keeps a family together while its wording
drifts from report to report. Its known weakness is chaining (A~B and B~C put A and C
together): in the benchmark (docs/benchmarks.md, "Bug clustering") families that share
a component and an exception name merge, about 8 % of clustered reports.

``recurrences`` counts episodes: a family's reports sorted by date, a new episode
starting whenever a report comes more than ``EPISODE_GAP`` (30 days) after the one
before. A bug reported five times in one week has one episode; reported in January and
again in April, two. ``recurring`` asks for several reports over several episodes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from peerlearn.engines.gaps.similarity import TfidfSpace, all_pairs
from peerlearn.engines.gaps.text import stem, tokens, words

BODY_CHARS = 500
# Reports of one family more than this far apart are separate episodes: the bug came back.
EPISODE_GAP = dt.timedelta(days=30)
# A family is "recent" when its last report is this close to the newest report overall.
RECENT = dt.timedelta(days=90)
# Reports are compared through their rarest heavy terms only (see all_pairs): a
# recurring bug's reports share an error name, a function, a component's jargon.
PROBE_TERMS = 6
LABEL_TERMS = 3
TERMS = 5

_BUG_LABEL = re.compile(
    r"(?:^|[\s:/=_-])(bug|bugs|defect|regression|crash|crashes)(?:[\s_-]reports?)?$"
)
_NOT_A_BUG = re.compile(r"\bnot[\s_-]+(?:a[\s_-]+)?bug\b")
_BUG_TITLE = re.compile(
    r"\b(crash(?:es|ed|ing)?|errors?|fail(?:s|ed|ing|ure)?|broken|exceptions?|regression)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TrackerIssue:
    key: str  # "#123" (GitHub, GitLab), "PROJ-12" (Jira)
    title: str
    body: str
    labels: tuple[str, ...]
    issue_type: str | None  # "Bug", "Task", … when the tracker has types
    state: str  # "open" or "closed"
    created_at: dt.datetime  # aware, UTC
    closed_at: dt.datetime | None
    url: str | None


@dataclass(frozen=True)
class BugCluster:
    keys: tuple[str, ...]  # oldest report first
    label: str  # the top terms as people wrote them, e.g. "login, timeout, sso"
    terms: tuple[str, ...]  # up to five top terms, as written
    first_seen: dt.datetime
    last_seen: dt.datetime
    recurrences: int  # episodes: runs of reports each within 30 days of the previous
    reopened_or_recent: bool  # reported again after one was closed, or within 90 days
    open_keys: tuple[str, ...]  # the reports still open


def is_bug_report(issue: TrackerIssue) -> bool:
    """A bug by its type or labels ("bug", "type: bug", "kind/bug", "Regression", …);
    only an issue with no labels and no type is judged by its title's words."""
    if issue.issue_type is not None and issue.issue_type.strip().casefold() in {"bug", "defect"}:
        return True
    labels = [label.strip().casefold() for label in issue.labels]
    if any(_NOT_A_BUG.search(label) for label in labels):
        return False
    if any(_BUG_LABEL.search(label) for label in labels):
        return True
    if issue.labels or issue.issue_type is not None:
        return False
    return bool(_BUG_TITLE.search(issue.title))


def cluster_bugs(
    issues: Sequence[TrackerIssue], *, threshold: float = 0.4, min_size: int = 2
) -> list[BugCluster]:
    """Families of at least ``min_size`` bug reports, strongest first: most episodes,
    then most reports, then the latest report, then the first key."""
    seen: set[str] = set()
    for issue in issues:
        if issue.key in seen:
            raise ValueError(f"issue {issue.key} appears twice")
        seen.add(issue.key)
    bugs = sorted(
        (issue for issue in issues if is_bug_report(issue)),
        key=lambda issue: (issue.created_at, issue.key),
    )
    texts = [f"{bug.title}\n{bug.title}\n{bug.body[:BODY_CHARS]}" for bug in bugs]
    token_lists = [tokens(text) for text in texts]
    space = TfidfSpace(token_lists)
    vectors = [space.vector(terms) for terms in token_lists]
    parent = list(range(len(bugs)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j, _ in all_pairs(vectors, threshold, max_probe_terms=PROBE_TERMS):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for position in range(len(bugs)):
        members.setdefault(root(position), []).append(position)
    clusters = [
        _describe(
            [bugs[p] for p in group], [vectors[p] for p in group], [texts[p] for p in group], space
        )
        for group in members.values()
        if len(group) >= max(1, min_size)
    ]
    newest = bugs[-1].created_at if bugs else None
    clusters = [_with_recency(cluster, newest) for cluster in clusters]
    clusters.sort(key=lambda c: (-c.recurrences, -len(c.keys), -c.last_seen.timestamp(), c.keys[0]))
    return clusters


def recurring(cluster: BugCluster, *, min_reports: int = 3, min_windows: int = 2) -> bool:
    """Whether a family is worth a learning gap: enough reports, over separate episodes."""
    return len(cluster.keys) >= min_reports and cluster.recurrences >= min_windows


def _describe(
    bugs: list[TrackerIssue], vectors: list[dict[int, float]], texts: list[str], space: TfidfSpace
) -> BugCluster:
    weight: Counter[int] = Counter()
    for vector in vectors:
        weight.update(vector)
    names = {number: term for term, number in space.term_numbers.items()}
    top = sorted(weight.items(), key=lambda item: (-item[1], names[item[0]]))[:TERMS]
    # Show each stem as the family most often wrote it ("deploy" → "deployments").
    forms: dict[str, Counter[str]] = {}
    wanted = {names[number] for number, _ in top}
    for text in texts:
        for word in words(text):
            stemmed = stem(word)
            if stemmed in wanted:
                forms.setdefault(stemmed, Counter())[word] += 1
    terms = tuple(
        min(forms[names[n]].items(), key=lambda f: (-f[1], f[0]))[0]
        if names[n] in forms
        else names[n]
        for n, _ in top
    )
    episodes = 1
    for earlier, later in pairwise(bugs):
        if later.created_at - earlier.created_at > EPISODE_GAP:
            episodes += 1
    closed = [bug.closed_at for bug in bugs if bug.closed_at is not None]
    first_close = min(closed) if closed else None
    regressed = first_close is not None and any(bug.created_at > first_close for bug in bugs)
    return BugCluster(
        keys=tuple(bug.key for bug in bugs),
        label=", ".join(terms[:LABEL_TERMS]),
        terms=terms,
        first_seen=bugs[0].created_at,
        last_seen=bugs[-1].created_at,
        recurrences=episodes,
        reopened_or_recent=regressed,
        open_keys=tuple(bug.key for bug in bugs if bug.state == "open"),
    )


def _with_recency(cluster: BugCluster, newest: dt.datetime | None) -> BugCluster:
    if cluster.reopened_or_recent or newest is None or newest - cluster.last_seen > RECENT:
        return cluster
    return replace(cluster, reopened_or_recent=True)


__all__ = ["BugCluster", "TrackerIssue", "cluster_bugs", "is_bug_report", "recurring"]
