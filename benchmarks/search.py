#!/usr/bin/env python3
"""Full-text search over 100,000 knowledge-base pages: p95 of the search selector.

    .venv/bin/python benchmarks/search.py [--database sqlite|postgres] [--pages 100000]
                                          [--runs 5] [--write]

A throw-away database (a PostgreSQL server of scripts/pgserver.py for `postgres`): 10
organisations of 50 teams, the pages spread evenly over the teams (with the
default 100,000: 200 a team). The pages' text is generated
deterministically: titles of 4-8 words and bodies of 120-400 words drawn from a
vocabulary of 20,000 words with Zipf's law frequencies (as in real text: a few words
are on every page, most on few), with technical terms mixed in. The index rows are
written with bulk_create (the SQLite triggers and PostgreSQL's generated column index
them as the services' writes would), one session per team.

Measured: `search.selectors.search` (ranking, access scope, fetching the entries,
snippets) for a member of one team and for an admin of an organisation of 50 teams,
over 22 queries (common, medium and rare words, two-word queries, a phrase, an
excluded word), each run `--runs` times, interleaved with the baseline (fetching 20
entries by primary key). Prints p50/p95; `--write` replaces this database's part of
the "## Search" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## Search"
TARGET_MS = 30.0
ORGANISATIONS, TEAMS_PER_ORG = 10, 50
VOCABULARY = 20_000
_TECH_TEXT = (
    "kubernetes postgres sqlite django celery redis kafka terraform grafana "
    "prometheus deploy rollback canary pipeline migration index cache latency "
    "throughput retry timeout webhook oauth token schema replica failover backup "
    "restore incident postmortem runbook alert dashboard profiling flamegraph "
    "benchmark regression"
)
TECH = _TECH_TEXT.split()
_SYLLABLES_TEXT = (
    "ka lo mi ne ru sa ti vo be da fe gi ho ju ly mo na pe qui ra se to ul vi wa xe yo ze"
)
_SYLLABLES = _SYLLABLES_TEXT.split()


def vocabulary(rng: random.Random) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    for position, term in enumerate(TECH):  # technical terms among the fairly common words
        words[200 + position * 37] = term
    return words


class TextMaker:
    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        weights = [1 / (rank + 1) for rank in range(VOCABULARY)]  # Zipf, s = 1
        self.cumulative = list(_accumulate(weights))

    def words_of(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def title(self) -> str:
        return " ".join(self.words_of(self.rng.randint(4, 8))).capitalize()

    def body(self) -> str:
        sentences = []
        left = self.rng.randint(120, 400)
        while left > 0:
            length = min(left, self.rng.randint(6, 18))
            sentences.append(" ".join(self.words_of(length)).capitalize() + ".")
            left -= length
        return " ".join(sentences)


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def queries(words: list[str]) -> list[str]:
    common, medium, rare = words[20:120:25], words[400:4000:900], words[8000:19000:2700]
    return [
        *common,  # on a large share of all pages
        *medium,
        *rare,
        f"{words[30]} {words[700]}",
        f"{words[250]} {words[3000]}",
        f"{words[60]} {words[90]}",
        f"{TECH[0]} {TECH[5]}",
        TECH[12],
        TECH[20],
        f'"{words[20]} {words[21]}"',
        f"{words[40]} -{words[41]}",
        f"{words[1200]} the of",
    ]


@contextmanager
def database(kind: str) -> Iterator[None]:
    if kind == "postgres":
        from pgserver import postgres_server

        with postgres_server() as url:
            os.environ["DATABASE_URL"] = url
            yield
    else:
        os.environ.pop("DATABASE_URL", None)
        yield


def build(pages: int) -> tuple[object, object, int]:
    """The organisations, teams, one member and one admin; returns them and the query
    vocabulary's size."""
    import datetime as dt

    from django.utils import timezone

    from peerlearn.people.models import Organisation, Team
    from peerlearn.people.roles import Role
    from peerlearn.people.services import membership_set, person_create
    from peerlearn.schedule.models import Session
    from peerlearn.search.documents import scope_tokens
    from peerlearn.search.models import SearchEntry

    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Org {n}", slug=f"org-{n}") for n in range(ORGANISATIONS)]
    )
    teams = Team.objects.bulk_create(
        [
            Team(organisation=org, name=f"Team {o}-{n}", slug=f"team-{o}-{n}")
            for o, org in enumerate(organisations)
            for n in range(TEAMS_PER_ORG)
        ]
    )
    start = timezone.now()
    sessions = Session.objects.bulk_create(
        [
            Session(
                team=team,
                title="Session",
                format="lunch_and_learn",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                duration_minutes=60,
            )
            for team in teams
        ]
    )
    maker = TextMaker()
    batch: list[SearchEntry] = []
    for number in range(pages):
        team, session = teams[number % len(teams)], sessions[number % len(teams)]
        batch.append(
            SearchEntry(
                team=team,
                session=session,
                kind="page",
                object_id=number + 1,
                title=maker.title(),
                body=maker.body(),
                url=f"/kb/{number + 1}/",
                scope=scope_tokens(
                    team_id=team.pk,
                    organisation_id=team.organisation_id,
                    kind="page",
                    open_to_org=number % 10 == 0,
                ),
            )
        )
        if len(batch) == 2000:
            SearchEntry.objects.bulk_create(batch)
            batch = []
    SearchEntry.objects.bulk_create(batch)
    member = person_create(
        organisation=organisations[0], username="member", email="member@example.com"
    )
    membership_set(team=teams[0], person=member, role=Role.MEMBER, joined_on=dt.date(2025, 1, 6))
    admin = person_create(
        organisation=organisations[0], username="admin", email="admin@example.com",
        is_org_admin=True,
    )  # fmt: skip
    return member, admin, len(maker.words)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(kind: str, pages: int, runs: int) -> dict[str, object]:
    data = tempfile.mkdtemp(prefix="peerlearn-bench-search-")
    os.environ["PEERLEARN_DATA_DIR"] = data
    os.environ["PEERLEARN_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerlearn.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    member, admin, _ = build(pages)
    built = time.perf_counter() - began
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchentry")
    from peerlearn.search.models import SearchEntry
    from peerlearn.search.selectors import search

    words = TextMaker().words
    asked = queries(words)
    some_ids = list(SearchEntry.objects.order_by("?").values_list("pk", flat=True)[:20])

    def baseline() -> None:
        list(SearchEntry.objects.filter(pk__in=some_ids))

    times: dict[str, list[float]] = {"member": [], "admin": [], "baseline": []}
    counts: dict[str, list[int]] = {"member": [], "admin": []}
    for text in asked:  # warm-up: first reads of the index pages
        search(query=text, user=member)
        search(query=text, user=admin)
    for _ in range(runs):
        for text in asked:
            for name, user in (("member", member), ("admin", admin)):
                began = time.perf_counter()
                results = search(query=text, user=user)
                times[name].append((time.perf_counter() - began) * 1000)
                counts[name].append(len(results.hits))
            began = time.perf_counter()
            baseline()
            times["baseline"].append((time.perf_counter() - began) * 1000)
    return {
        "kind": kind,
        "pages": pages,
        "queries": len(asked),
        "runs": runs,
        "built_s": built,
        "times": times,
        "counts": counts,
    }


def report(result: dict[str, object], command: str) -> str:
    times: dict[str, list[float]] = result["times"]  # type: ignore[assignment]
    counts: dict[str, list[int]] = result["counts"]  # type: ignore[assignment]
    base = statistics.median(times["baseline"])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    name = "SQLite" if result["kind"] == "sqlite" else "PostgreSQL"
    lines = [
        f"### {name}",
        "",
        f"Command: `{command}`",
        f"Run: {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Linux "
        f"{platform.release()}, Python {platform.python_version()}; load average {load} "
        "(1, 5, 15 min) at the end.",
        "",
        f"Workload: {result['pages']:,} pages in {ORGANISATIONS * TEAMS_PER_ORG} teams of "
        f"{ORGANISATIONS} organisations; {result['queries']} queries x {result['runs']} runs "
        "for each viewer.",
        "",
        "| viewer | results a query (median) | p50 ms | p95 ms | p95 / baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    verdicts = []
    for key, label in (("member", "member of one team"), ("admin", "admin of 50 teams")):
        p50, p95 = percentile(times[key], 0.5), percentile(times[key], 0.95)
        verdicts.append(p95 <= TARGET_MS)
        lines.append(
            f"| {label} | {statistics.median(counts[key]):.0f} | {p50:.1f} | {p95:.1f} | "
            f"{p95 / base:.0f} |"
        )
    lines.append(f"| baseline: 20 entries by primary key | | {base:.2f} | | 1 |")
    lines += [
        "",
        f"Target p95 ≤ {TARGET_MS:.0f} ms: {'meets' if all(verdicts) else 'misses'}. "
        f"Building the index: {result['built_s']:.0f} s.",
        "",
    ]
    return "\n".join(lines)


INTRO = (
    "`benchmarks/search.py`: `search.selectors.search` (the search page's and the API's "
    "selector: ranking, the viewer's scope, fetching the entries, snippets) over 100,000 "
    "generated pages (Zipf-distributed words), for a member of one team and for the "
    "admin of an organisation of 50 teams. The scope and the kinds are tokens inside the "
    "full-text index (`search.documents`), so the index finds only the viewer's rows; "
    "then only the returned page of 20 is fetched and given snippets."
)


def write(section: str, kind: str) -> None:
    text = REPORT.read_text(encoding="utf-8")
    name = "### SQLite" if kind == "sqlite" else "### PostgreSQL"
    if HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{INTRO}\n\n"
    start = text.index(HEADING)
    following = re.search(r"^## ", text[start + len(HEADING) :], re.MULTILINE)
    end = start + len(HEADING) + following.start() if following else len(text)
    part = text[start:end]
    if name in part:
        sub_start = part.index(name)
        sub_next = re.search(r"^### ", part[sub_start + 4 :], re.MULTILINE)
        sub_end = sub_start + 4 + sub_next.start() if sub_next else len(part)
        part = part[:sub_start] + section + "\n" + part[sub_end:].lstrip("\n")
    else:
        part = part.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text[:start] + part.rstrip("\n") + "\n" + text[end:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with database(args.database):
        result = run("postgres" if args.database == "postgres" else "sqlite", args.pages, args.runs)
    command = f".venv/bin/python benchmarks/search.py --database {args.database}"
    if args.pages != 100_000:
        command += f" --pages {args.pages}"
    command += " --write"
    section = report(result, command)
    print(section)
    if args.write:
        write(section, args.database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
