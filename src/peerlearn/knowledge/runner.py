"""One analysis in a process of its own: clone or fetch, read the history, write the map.

Why a process: an analysis may not hold the worker hostage. The worker starts this
module (`python -m peerlearn.knowledge.runner REQUEST`) as the leader of a new process
group and kills the whole group (git, its remote helpers and ssh included) when the
time limit is reached. If the worker itself dies (SIGKILL, out of memory), a watchdog
thread here notices that its parent is gone and kills the group too, so no git keeps
writing into a clone nobody waits for.

This module imports no Django: it runs before (and without) any settings. The worker
side (`run_isolated`) is here as well so the two halves of the protocol stay together.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from peerlearn.engines.knowledge import (
    AnalysisOptions,
    ExclusionRules,
    HistoryState,
    IdentityOptions,
    KnowledgeError,
    analyze_repository,
)
from peerlearn.engines.knowledge.identity import DEFAULT_BOT_PATTERNS, parse_alias_rules
from peerlearn.knowledge.result import dumps_map

WATCH_INTERVAL = 0.2
_GIT_ERROR_LINES = 3


def lines_of(text: str) -> tuple[str, ...]:
    """Non-blank lines; `#` starts a comment line (not inside, regexes may hold one)."""
    stripped = (line.strip() for line in text.splitlines())
    return tuple(line for line in stripped if line and not line.startswith("#"))


def options_from(fields: Mapping[str, Any]) -> AnalysisOptions:
    """A repository's option fields as the engine's AnalysisOptions."""
    bots = lines_of(fields["bot_patterns"]) or DEFAULT_BOT_PATTERNS
    return AnalysisOptions(
        active_months=fields["active_months"],
        prune_truck_factor=fields["prune_truck_factor"],
        identity=IdentityOptions(bot_patterns=bots).with_alias_rules(
            parse_alias_rules(fields["aliases"])
        ),
        exclusions=exclusion_rules(lines_of(fields["extra_exclusions"])),
    )


def exclusion_rules(lines: tuple[str, ...]) -> ExclusionRules:
    """The exclusions field: globs to leave out, and `!glob` for paths to keep whatever
    the rules (vendored by name or by evidence, generated, binary) say."""
    keep = tuple(line[1:].strip() for line in lines if line.startswith("!") and line[1:].strip())
    leave = tuple(line for line in lines if not line.startswith("!"))
    return ExclusionRules(extra_patterns=leave, include_patterns=keep)


@dataclass
class Request:
    """What the worker asks for. Paths are absolute; `clone_from` None: read in place."""

    read: str
    lock: str
    options: dict[str, Any]
    location: str = ""  # the registered location, kept in the clone to recognise it
    clone_from: str | None = None
    protocol: str = "file"
    config: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    previous_state: str | None = None  # a file holding HistoryState.dumps()
    deadline: float = 0.0  # time.time() after which the runner stops itself


class RunnerError(Exception):
    """The source could not be read; the message is for people who can change it."""


# --- inside the runner process ------------------------------------------------------------


def _watch(parent: int, deadline: float) -> None:
    while True:
        if os.getppid() != parent or (deadline and time.time() > deadline):
            os.killpg(os.getpgid(0), signal.SIGKILL)
        time.sleep(WATCH_INTERVAL)


def _git_env(request: Request) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_SSH", "GIT_PROXY_COMMAND"):
        env.pop(name, None)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody will type
            "GIT_ALLOW_PROTOCOL": request.protocol,
            "GIT_PROTOCOL_FROM_USER": "0",
            "LC_ALL": "C",
        }
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env.update(request.env)
    return env


def _git(request: Request, *args: str) -> None:
    settings = [part for value in request.config for part in ("-c", value)]
    completed = subprocess.run(
        ["git", *settings, *args],
        capture_output=True,
        env=_git_env(request),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if completed.returncode != 0:
        text = completed.stderr.decode("utf-8", "replace")
        lines = [line for line in text.strip().splitlines() if line.strip()]
        verb = next(arg for arg in args if not arg.startswith("-") and arg != request.read)
        detail = " ".join(lines[-_GIT_ERROR_LINES:]) if lines else "no message"
        raise RunnerError(f"git {verb} failed: {detail}")


def _clean_after_a_crash(target: Path, repository_key: str) -> None:
    """Left by a run that was killed: half-copied clones, and git's lock files and
    temporary packs in the clone. We hold the repository's lock, so none is in use."""
    for staging in target.parent.glob(f".{repository_key}-*"):
        shutil.rmtree(staging, ignore_errors=True)
    if target.is_dir():
        for pattern in ("*.lock", "refs/**/*.lock", "objects/pack/tmp_*", "objects/incoming-*"):
            for stale in target.glob(pattern):
                if stale.is_dir():
                    shutil.rmtree(stale, ignore_errors=True)
                else:
                    stale.unlink(missing_ok=True)


def _location_of(target: Path) -> str | None:
    config = target / "config"
    if not config.is_file():
        return None
    completed = subprocess.run(
        ["git", "config", "--file", str(config), "--get", "peerlearn.location"],
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() if completed.returncode == 0 else None


def fetch_or_clone(request: Request) -> None:
    assert request.clone_from is not None
    target = Path(request.read)
    _clean_after_a_crash(target, target.name)
    if target.is_dir() and _location_of(target) == request.location:
        # The address is given each time (not the clone's "origin"): it was checked now.
        _git(
            request, "-C", str(target), "fetch", "--quiet", "--prune", "--no-tags", "--",
            request.clone_from, "+refs/heads/*:refs/heads/*",
        )  # fmt: skip
        return
    # Left over from a deleted repository with the same id, or a clone that broke.
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        # Full history (never --depth): authorship needs every commit. Bare: no checkout.
        # --no-local: a local source is read through git's transport, which does not
        # follow symlinks inside its object store as a local copy would.
        _git(
            request, "clone", "--quiet", "--bare", "--no-tags", "--no-local", "--",
            request.clone_from, str(staging),
        )  # fmt: skip
        subprocess.run(
            ["git", "config", "--file", str(staging / "config"), "peerlearn.location",
             request.location],
            check=True,
        )  # fmt: skip
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run(request: Request, output: Path) -> None:
    """Do the analysis and write summary.json, result.json and state.json to `output`."""
    previous = None
    if request.previous_state:
        try:
            previous = HistoryState.loads(Path(request.previous_state).read_text("utf-8"))
        except (ValueError, KeyError, TypeError, OSError):
            print("previous state unreadable; reading the whole history", file=sys.stderr)
    Path(request.lock).parent.mkdir(parents=True, exist_ok=True)
    with open(request.lock, "w") as lock:
        # One analysis per repository at a time on this machine: two fetches into one
        # bare clone would fight over its ref locks.
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if request.clone_from is not None:
                fetch_or_clone(request)
            analysis = analyze_repository(
                Path(request.read), options_from(request.options), previous=previous
            )
        except (RunnerError, KnowledgeError) as error:
            _write(output / "summary.json", json.dumps({"ok": False, "error": str(error)}))
            return
    knowledge = analysis.map
    _write(output / "result.json", dumps_map(knowledge))
    _write(output / "state.json", analysis.state.dumps())
    summary = {
        "ok": True,
        "incremental": analysis.incremental,
        "commits_read": analysis.commits_read,
        "commits_analysed": knowledge.commits_analysed,
        "tip": knowledge.tip or "",
        "truck_factor": knowledge.truck_factor.value,
        "files_analysed": len(knowledge.files),
    }
    _write(output / "summary.json", json.dumps(summary))


def _write(path: Path, text: str) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8", errors="surrogateescape")
    partial.rename(path)  # the worker never reads a half-written file


def main(argv: list[str]) -> int:
    request_path, parent = Path(argv[1]), int(argv[2])
    request = Request(**json.loads(request_path.read_text("utf-8")))
    threading.Thread(target=_watch, args=(parent, request.deadline), daemon=True).start()
    run(request, request_path.parent)
    return 0


# --- in the worker ----------------------------------------------------------------------


class AnalysisTimeout(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    summary: dict[str, Any]
    result: str = ""
    state: str = ""


def work_prefix(name: str) -> str:
    """Temporary folders of run `name` start with this (removed by whoever recovers a
    run whose worker was killed before it could remove them)."""
    return f".run-{name}-"


def run_isolated(request: Request, *, name: str, work: Path, timeout: float) -> Outcome:
    """Run `request` in a runner process; kill its whole process group after `timeout`
    seconds (AnalysisTimeout) or if anything interrupts the wait."""
    work.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=work_prefix(name), dir=work))
    try:
        request.deadline = time.time() + timeout + 5  # the runner's own backstop
        if request.previous_state is not None:
            state_file = folder / "previous.json"
            state_file.write_text(request.previous_state, encoding="utf-8")
            request.previous_state = str(state_file)
        (folder / "request.json").write_text(json.dumps(asdict(request)), encoding="utf-8")
        log = folder / "runner.log"
        with open(log, "wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "peerlearn.knowledge.runner",
                 str(folder / "request.json"), str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                env=_runner_env(),
                start_new_session=True,  # its own process group, killed as one
            )  # fmt: skip
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise AnalysisTimeout from None
            finally:
                _kill_group(process)
        summary_file = folder / "summary.json"
        if not summary_file.exists():
            tail = log.read_text("utf-8", "replace").strip().splitlines()[-5:]
            raise RuntimeError(
                f"the analysis process ended with status {process.returncode}: "
                + (" ".join(tail) or "no output")
            )
        summary = json.loads(summary_file.read_text("utf-8"))
        if not summary["ok"]:
            return Outcome(summary)
        return Outcome(
            summary,
            result=(folder / "result.json").read_text("utf-8", "surrogateescape"),
            state=(folder / "state.json").read_text("utf-8", "surrogateescape"),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # git and its helpers as well
    process.wait()


def _runner_env() -> dict[str, str]:
    env = dict(os.environ)
    # The runner imports peerlearn from wherever this process did.
    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    return env


if __name__ == "__main__":
    sys.exit(main(sys.argv))
