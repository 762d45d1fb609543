#!/usr/bin/env python3
"""Knowledge map pages on a repository of ~5,000 files: analysis, stored size, render time.

    .venv/bin/python benchmarks/knowledge_pages.py [--files 5000] [--commits 8000] [--runs 20]

A throw-away database (the test settings) and data folder; a repository written with
`git fast-import` (60 people, files in ~250 directories, renames); registered and analysed
through the services, then one new commit analysed incrementally. Each page is then
requested through Django's test client (no web server): the first request parses the
stored map, the others reuse it (the per-process cache). Prints sizes, query counts
and median times; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerlearn.config.test_settings")


def fast_import_stream(files: int, commits: int, seed: int = 5) -> bytes:
    rng = random.Random(seed)
    people = [(f"Dev {i}", f"dev{i}@example.com") for i in range(60)]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(60)]  # a few people do most work
    paths = [f"pkg{rng.randrange(12)}/mod{rng.randrange(20)}/file{n}.py" for n in range(files)]
    start = int(time.time()) - 700 * 86400
    out: list[bytes] = []
    alive: list[str] = []
    pending = list(paths)
    for number in range(commits):
        name, email = rng.choices(people, weights)[0]
        when = start + number * (700 * 86400 // commits)
        ident = f"{name} <{email}> {when} +0000".encode()
        out += [
            b"commit refs/heads/main\n",
            b"author " + ident + b"\n",
            b"committer " + ident + b"\n",
        ]
        out.append(b"data 6\nchange\n")
        touched = [pending.pop() for _ in range(min(len(pending), 3))] if pending else []
        if not touched:
            touched = rng.sample(alive, k=min(3, len(alive)))
        for path in touched:
            body = f"{path}\n{number}\n".encode() * 8
            out.append(
                f"M 100644 inline {path}\n".encode() + b"data %d\n" % len(body) + body + b"\n"
            )
            if path not in alive:
                alive.append(path)
        out.append(b"\n")
    return b"".join(out) + b"done\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="peerlearn-bench-knowledge-"))
    os.environ["PEERLEARN_DATA_DIR"] = str(data)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.runner import DiscoverRunner
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from tests.conftest import _person  # the test cast's person helper

    from peerlearn.knowledge.services import analysis_request, repository_create
    from peerlearn.people.roles import Role
    from peerlearn.people.services import membership_set, organisation_create, team_create

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    databases = runner.setup_databases()
    try:
        repo = data / "bench.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
        began = time.perf_counter()
        subprocess.run(
            ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
            input=fast_import_stream(args.files, args.commits),
            check=True,
        )
        written = time.perf_counter() - began
        print(f"repository: {args.files} files, {args.commits} commits, written in {written:.1f} s")

        org = organisation_create(name="Bench")
        team = team_create(organisation=org, name="Platform")
        viewer = _person(org, "viewer")
        membership_set(team=team, person=viewer, role=Role.MEMBER)
        for i in range(0, 60, 2):  # half the people have accounts
            _person(org, f"dev{i}")

        began = time.perf_counter()
        repository = repository_create(
            team=team, created_by=None, name="bench", kind="local",
            location=str(repo), server_managed=True,
        )  # fmt: skip
        # The test settings run tasks at once (ImmediateBackend): the analysis is done.
        full = repository.analyses.first()
        assert full is not None
        assert full.status == "done", full.error
        print(f"full analysis: {time.perf_counter() - began:.2f} s, {full.files_analysed} files, "
              f"truck factor {full.truck_factor}")  # fmt: skip
        print(
            f"stored result: {len(full.result) / 1e6:.2f} MB, state: {len(full.state) / 1e6:.2f} MB"
        )

        subprocess.run(
            ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
            input=b"commit refs/heads/main\ncommitter Dev 1 <dev1@example.com> "
            + str(int(time.time())).encode()
            + b" +0000\ndata 4\nmore\nfrom refs/heads/main^0\n"
            + b"M 100644 inline pkg0/new.py\ndata 2\nx\n\ndone\n",
            check=True,
        )
        began = time.perf_counter()
        again = analysis_request(repository=repository, requested_by=None)
        again.refresh_from_db()
        assert again.incremental
        assert again.commits_read == 1
        print(f"incremental analysis after 1 commit: {time.perf_counter() - began:.2f} s")

        client = Client()
        client.force_login(viewer)
        pages = {
            "repository page": (reverse("knowledge:repository", args=[repository.pk]), {}),
            "what-if (HTMX, 3 people)": (
                reverse("knowledge:repository", args=[repository.pk]),
                {"leave": ["dev0@example.com", "dev1@example.com", "dev2@example.com"]},
            ),
            "person panel": (
                reverse("knowledge:person", args=[repository.pk]),
                {"key": "dev0@example.com"},
            ),
            "directory listing": (
                reverse("knowledge:files", args=[repository.pk]),
                {"dir": "pkg0/mod0"},
            ),
            "team list": (reverse("knowledge:team_repositories", args=[team.pk]), {}),
        }
        print(f"{'page':28} {'queries':>7} {'first ms':>9} {'median ms':>10} {'KB':>6}")
        for name, (url, params) in pages.items():
            headers = {"HX-Request": "true"} if "HTMX" in name else {}
            times = []
            for _ in range(args.runs + 1):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url, params, headers=headers)
                    times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            median = statistics.median(times[1:])
            size = len(response.content) / 1024
            print(f"{name:28} {len(queries):>7} {times[0]:>9.1f} {median:>10.1f} {size:>6.0f}")
    finally:
        runner.teardown_databases(databases)
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
