"""The demo's repository: a small but realistic history, written with `git fast-import`
(one git process, ~0.1 s) into the data folder, then registered and analysed for the
Platform team so `peerlearn demo` shows a knowledge map at once.

What it shows: alice alone knows the deploy service (an island), the API is shared by bob
and carol, priya left a year ago so legacy billing is orphaned, erin is new and writes the
docs, a vendored library and a lock file are excluded, dependabot is left out as a bot,
and two files were renamed (their authorship follows them).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from peerlearn.knowledge.models import Repository, SourceKind
from peerlearn.knowledge.services import analysis_run, repository_create
from peerlearn.people.models import Team

DEMO_REPOSITORY_NAME = "northwind-platform"
DOMAIN = "northwind.example"
GIT_NAMES = {
    "alice": "Alice Moreau",
    "bob": "Bob Okafor",
    "carol": "Carol Nguyen",
    "dan": "Dan Kowalski",
    "erin": "Erin Walsh",
    "frank": "Frank Müller",
    "priya": "Priya Shah",  # left the company; no account in the demo organisation
}
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")

# (days before today, author, change, message). A change is "M path" (add or edit),
# "R old new" (rename) or "D path". Ordered by day.
HISTORY: tuple[tuple[int, str, str, str], ...] = (
    (720, "alice", "M README.md", "Start the platform repository"),
    (719, "alice", "M services/deploy/rollout.py", "Rolling deploys"),
    (715, "priya", "M legacy/billing/invoice.py", "Invoice generation"),
    (712, "priya", "M legacy/billing/tax.py", "Tax rules per country"),
    (700, "bob", "M services/api/handlers.py", "First API handlers"),
    (698, "bob", "M vendor/retry/retry.py", "Vendor the retry helper"),
    (690, "bob", "M package-lock.json", "Lock front-end tooling"),
    (660, "priya", "M legacy/billing/export.py", "CSV export for finance"),
    (650, "alice", "M services/deploy/canary.py", "Canary stage"),
    (640, "dan", "M pipeline/build.py", "Build pipeline"),
    (600, "frank", "M scripts/release.sh", "Release script"),
    (560, "priya", "M legacy/billing/invoice.py", "Credit notes"),
    (540, "carol", "M services/api/auth.py", "Token authentication"),
    (500, "priya", "M legacy/billing/tax.py", "Reverse charge"),
    (470, "alice", "M services/deploy/health.py", "Health checks gate the rollout"),
    (420, "dan", "M pipeline/cache.py", "Build cache"),
    (400, "priya", "M legacy/billing/export.py", "Export in batches"),
    (380, "bob", "R services/api/handlers.py services/api/routes.py", "handlers -> routes"),
    (300, "dan", "R scripts/release.sh pipeline/release.sh", "Release script into the pipeline"),
    (250, "alice", "M services/deploy/config.py", "Deploy settings in one place"),
    (90, "erin", "M docs/runbook.md", "Runbook for on-call"),
    (60, "erin", "M docs/onboarding.md", "Onboarding guide"),
)
# Everyday work on top, spread over the last two years: (author, path, how many edits).
ROUTINE: tuple[tuple[str, str, int], ...] = (
    ("alice", "services/deploy/rollout.py", 9),
    ("alice", "services/deploy/canary.py", 5),
    ("alice", "services/deploy/health.py", 4),
    ("alice", "services/deploy/config.py", 3),
    ("bob", "services/api/routes.py", 8),
    ("carol", "services/api/routes.py", 7),
    ("carol", "services/api/auth.py", 6),
    ("bob", "services/api/auth.py", 3),
    ("dan", "pipeline/build.py", 6),
    ("bob", "pipeline/build.py", 3),
    ("dan", "pipeline/cache.py", 4),
    ("dan", "pipeline/release.sh", 2),
    ("alice", "docs/runbook.md", 2),
    ("erin", "docs/runbook.md", 3),
    ("frank", "pipeline/build.py", 2),
)


@dataclass
class _Stream:
    """Builds the input of `git fast-import`: one commit after another on main (without
    a `from` line, each commit's parent is the branch's previous commit)."""

    chunks: list[bytes] = field(default_factory=list)
    contents: dict[str, list[str]] = field(default_factory=dict)
    commits: int = 0

    def commit(self, name: str, email: str, when: int, message: str, changes: list[str]) -> None:
        self.commits += 1
        ident = f"{name} <{email}> {when} +0000".encode()
        text = message.encode()
        self.chunks += [
            b"commit refs/heads/main\n",
            b"author " + ident + b"\ncommitter " + ident + b"\n",
            b"data %d\n" % len(text) + text + b"\n",
        ]
        for change in changes:
            self.chunks.append(self._apply(change, message))
        self.chunks.append(b"\n")

    def _apply(self, change: str, message: str) -> bytes:
        kind, *paths = change.split(" ")
        if kind == "R":
            old, new = paths
            self.contents[new] = self.contents.pop(old)
            return f"R {old} {new}\n".encode()
        if kind == "D":
            del self.contents[paths[0]]
            return f"D {paths[0]}\n".encode()
        path = paths[0]
        lines = self.contents.setdefault(path, [f"{path} line {i}" for i in range(24)])
        lines.append(f"{message} ({len(lines)})")  # a small edit: renames stay similar
        body = ("\n".join(lines) + "\n").encode()
        return f"M 100644 inline {path}\n".encode() + b"data %d\n" % len(body) + body + b"\n"


def _history(today: dt.date) -> bytes:
    rng = random.Random(2024)
    end = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    events: list[tuple[float, str, str, str]] = [
        (days, author, change, message) for days, author, change, message in HISTORY
    ]
    for author, path, edits in ROUTINE:
        created = next(days for days, _, change, _ in HISTORY if change.split(" ")[-1] == path)
        for _ in range(edits):
            days = rng.uniform(3, created - 1)
            events.append((days, author, f"M {path}", f"Improve {path.rpartition('/')[2]}"))
    for days in (330, 200, 45):
        events.append((days, "dependabot", "M requirements.txt", "Bump dependencies"))
    stream = _Stream()
    for days, author, change, message in sorted(events, key=lambda e: -e[0]):
        when = int((end - dt.timedelta(days=days)).timestamp())
        if author == "dependabot":
            name, email = BOT
        else:
            name, email = GIT_NAMES[author], f"{author}@{DOMAIN}"
        stream.commit(name, email, when, message, [change])
    return b"".join(stream.chunks) + b"done\n"


def write_demo_repository(target: Path, today: dt.date) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The server's own git settings (a global hooksPath, signing) must not shape the demo.
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(target)],
        check=True,
        env=env,
    )
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet", "--done"],
        input=_history(today),
        check=True,
        env=env,
    )
    return target


def git_available() -> bool:
    return shutil.which("git") is not None


def demo_repository_load(*, team: Team, today: dt.date) -> Repository | None:
    """Create the demo repository and analyse it now (the map is there on first visit).
    Returns None without git: the rest of the demo works without it."""
    if not git_available():
        return None
    path = write_demo_repository(
        Path(settings.DATA_DIR) / "demo-repositories" / f"{DEMO_REPOSITORY_NAME}.git", today
    )
    repository = repository_create(
        team=team,
        created_by=None,
        name=DEMO_REPOSITORY_NAME,
        kind=SourceKind.LOCAL,
        location=str(path),
        server_managed=True,
    )
    # Run it here rather than wait for the worker; the queued task then finds it done.
    queued = repository.analyses.get()
    analysis_run(analysis_id=queued.pk)
    return repository
