"""Publish a wiki export to the wiki's git repository with the `git` command.

`push_wiki` clones the wiki (or fetches, when `workdir` already holds our clone), puts
the files in with `write_tree`, commits only when something changed and pushes. Which
files go: the wiki is shared with people who may add pages in its web editor, so only
files listed in the export's manifest (`.peerlearn-export.json`, committed with the
pages) are ever removed; pages we did not write stay.

When the push is refused because the wiki moved on meanwhile (someone edited a page), we
fetch and redo the export once on top of the new tip (our files are a pure function of
the pages, so there is nothing to merge), then give up with PushRejected.

git runs isolated from the machine it runs on: no system or user configuration, no hooks,
no terminal prompts, only the protocols allowed. Credentials come in through
`git_config` (e.g. `http.extraHeader`), passed in the environment (GIT_CONFIG_COUNT)
rather than on the command line, where any user of the machine could read them. One
`workdir` must not be used by two pushes at once: the caller serialises them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .write import UnsafePath, WriteReport, check_path, write_tree

DEFAULT_BRANCH = "master"  # what GitHub and GitLab give a new wiki
_ISOLATION = ("-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false",
              "-c", "core.fsmonitor=false", "-c", "credential.helper=")  # fmt: skip
_CREDENTIALS = re.compile(r"(://)[^/@\s]+@")


class WikiPushError(Exception):
    """The wiki could not be updated; the message says why, with git's own words."""


class RemoteUnreachable(WikiPushError):
    pass


class AuthRefused(WikiPushError):
    pass


class PushRejected(WikiPushError):
    pass


@dataclass(frozen=True, slots=True)
class PushResult:
    changed: bool
    commit: str | None  # the commit pushed; None when nothing changed
    branch: str
    report: WriteReport
    summary: str  # "no change" or "pushed <commit> to <branch> (...)"


@dataclass(frozen=True, slots=True)
class _Git:
    workdir: Path
    env: dict[str, str]

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _git(self, args, check=check)


def _git(git: _Git, args: tuple[str, ...], *, check: bool) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        ["git", "-C", str(git.workdir), *_ISOLATION, *args],
        capture_output=True,
        text=True,
        errors="replace",
        env=git.env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check and completed.returncode != 0:
        raise classify(args[0], completed.stderr)
    return completed


def redact(text: str) -> str:
    """Hide `user:token@` in addresses before they reach a message or a log."""
    return _CREDENTIALS.sub(r"\1***@", text)


def classify(verb: str, stderr: str) -> WikiPushError:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith("hint:")]
    detail = redact(" / ".join(lines[-3:]))[:400] or "no message from git"
    low = stderr.lower()
    if "[rejected]" in low or "non-fast-forward" in low or "fetch first" in low:
        return PushRejected(f"git {verb}: the wiki changed meanwhile: {detail}")
    auth = ("authentication failed", "permission denied", "could not read username",
            "could not read password", "access denied", "invalid username or password",
            "returned error: 401", "returned error: 403", "terminal prompts disabled")  # fmt: skip
    if any(marker in low for marker in auth):
        return AuthRefused(f"git {verb}: the wiki refused our credentials: {detail}")
    unreachable = ("could not resolve host", "unable to access", "connection refused",
                   "timed out", "does not appear to be a git repository", "not found",
                   "does not exist",
                   "network is unreachable", "could not read from remote repository",
                   "transport", "not allowed")  # fmt: skip
    if any(marker in low for marker in unreachable):
        return RemoteUnreachable(f"git {verb}: cannot reach the wiki: {detail}")
    return WikiPushError(f"git {verb} failed: {detail}")


def git_env(git_config: Mapping[str, str], protocols: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("SSH_ASKPASS", None)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody will type
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ALLOW_PROTOCOL": protocols,
            "GIT_PROTOCOL_FROM_USER": "0",
            "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
            "LC_ALL": "C",
        }
    )
    env["GIT_CONFIG_COUNT"] = str(len(git_config))
    for number, (key, value) in enumerate(sorted(git_config.items())):
        env[f"GIT_CONFIG_KEY_{number}"] = key
        env[f"GIT_CONFIG_VALUE_{number}"] = value
    return env


def push_wiki(
    files: Mapping[str, bytes],
    remote_url: str,
    *,
    branch: str | None = None,
    author_name: str,
    author_email: str,
    message: str,
    workdir: str | os.PathLike[str],
    git_config: Mapping[str, str] | None = None,
    protocols: str = "https:ssh:file",
) -> PushResult:
    for path in files:
        check_path(path)  # refuse a bad export before any network
    env = git_env(git_config or {}, protocols)
    env.update(
        GIT_AUTHOR_NAME=author_name, GIT_AUTHOR_EMAIL=author_email,
        GIT_COMMITTER_NAME=author_name, GIT_COMMITTER_EMAIL=author_email,
    )  # fmt: skip
    git = _Git(Path(workdir), env)
    _clone_or_fetch(git, remote_url)
    chosen = branch or _remote_default_branch(git)
    report = _export(git, chosen, files)
    if not _staged_changes(git):
        return PushResult(False, None, chosen, report, "no change")
    git("commit", "--quiet", "--no-verify", "-m", message)
    try:
        git("push", "--quiet", "origin", f"HEAD:refs/heads/{chosen}")
    except PushRejected:
        git("fetch", "--quiet", "--prune", "origin")
        report = _export(git, chosen, files)
        if not _staged_changes(git):  # someone else already published the same pages
            return PushResult(False, None, chosen, report, "no change")
        git("commit", "--quiet", "--no-verify", "-m", message)
        git("push", "--quiet", "origin", f"HEAD:refs/heads/{chosen}")
    commit = git("rev-parse", "HEAD").stdout.strip()
    counts = f"{len(report.written)} written, {len(report.removed)} removed"
    return PushResult(True, commit, chosen, report, f"pushed {commit[:12]} to {chosen} ({counts})")


def _clone_or_fetch(git: _Git, remote_url: str) -> None:
    workdir = git.workdir
    if (workdir / ".git").is_dir():
        # Lock files left by a git that was killed (a worker restarted mid-push) would
        # stop every later push; nobody else uses this clone (see above), so they are stale.
        for pattern in ("*.lock", "refs/**/*.lock"):
            for stale in (workdir / ".git").glob(pattern):
                stale.unlink(missing_ok=True)
        # The address is set each time: it may have changed, credentials with it.
        git("remote", "set-url", "origin", remote_url)
        git("fetch", "--quiet", "--prune", "origin")
        return
    if workdir.exists() and any(workdir.iterdir()):
        raise WikiPushError(f"{workdir}: exists and is not a clone made by push_wiki")
    workdir.mkdir(parents=True, exist_ok=True)
    parent = _Git(workdir.parent, git.env)
    try:
        parent("clone", "--quiet", "--no-tags", "--", remote_url, str(workdir))
    except WikiPushError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _remote_default_branch(git: _Git) -> str:
    out = git("ls-remote", "--symref", "origin", "HEAD").stdout
    for line in out.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/") : -len("\tHEAD")]
    return DEFAULT_BRANCH  # an empty wiki: nothing to follow yet


def _export(git: _Git, branch: str, files: Mapping[str, bytes]) -> WriteReport:
    """Start from the remote's tip (or nothing), as if our clone had no past, then write."""
    remote = f"refs/remotes/origin/{branch}"
    if git("rev-parse", "--verify", "--quiet", remote, check=False).returncode == 0:
        git("checkout", "--quiet", "--force", "-B", branch, remote)
    else:
        git("update-ref", "-d", f"refs/heads/{branch}")
        git("symbolic-ref", "HEAD", f"refs/heads/{branch}")
        git("read-tree", "--empty")
    git("clean", "--quiet", "-ffdx")
    try:
        report = write_tree(files, git.workdir)
    except UnsafePath as error:  # e.g. someone committed a symbolic link where a page goes
        raise WikiPushError(f"the wiki's files cannot be replaced safely: {error}") from error
    git("add", "--all")
    return report


def _staged_changes(git: _Git) -> bool:
    return git("diff", "--cached", "--quiet", check=False).returncode != 0
