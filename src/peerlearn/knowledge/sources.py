"""Where a repository's history comes from: a local path under the allowed roots, or a
clone URL cloned into the data folder and fetched before each analysis.

No user string ever reaches a shell: git runs from an argument list, user values come
after `--`, and values that git could read as options (a leading "-") are refused.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from peerlearn.knowledge.models import Repository, SourceKind

# ext:: and friends would run commands; plain http sends credentials in clear.
ALLOWED_PROTOCOLS = "https:ssh:file"
CLONE_TIMEOUT_SECONDS = 3600
_SCP_LIKE = re.compile(r"^(?P<user>[A-Za-z0-9._-]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/:].*)$")


def allowed_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.KNOWLEDGE_REPOSITORY_ROOTS]


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_local_path(text: str) -> Path:
    """The resolved path, if it lies inside an allowed root (after following symlinks)."""
    roots = allowed_roots()
    if not roots:
        raise ValidationError(
            "Local paths are turned off on this server: an administrator must list the "
            "folders repositories may be read from in PEERLEARN_REPOSITORY_ROOTS."
        )
    candidate = Path(text)
    if not candidate.is_absolute():
        raise ValidationError(f"{text!r} is not an absolute path (it must start with /).")
    resolved = candidate.resolve()
    if not any(_inside(resolved, root) for root in roots):
        listed = ", ".join(str(root) for root in roots)
        raise ValidationError(
            f"{text} is outside the folders this server may read repositories from ({listed})."
        )
    return resolved


def check_clone_url(text: str) -> str:
    """A URL git may clone: https://, ssh://, git@host:path, or file:// under the roots."""
    if text.startswith("-"):
        raise ValidationError("A clone URL cannot start with “-”.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValidationError("A clone URL cannot contain spaces or control characters.")
    if "::" in text.split("/", 1)[0]:
        # <transport>::<address> runs a git remote helper (ext:: runs any command).
        raise ValidationError("Remote helpers (transport::address) are not allowed.")
    scp = _SCP_LIKE.match(text)
    if scp and "://" not in text:
        if scp.group("host").startswith("-"):
            raise ValidationError("The host of a clone URL cannot start with “-”.")
        return text
    parts = urlsplit(text)
    if parts.scheme not in ("https", "ssh", "file"):
        raise ValidationError(
            "Use an https://, ssh://, git@host:path or file:// address "
            f"(not {parts.scheme + '://' if parts.scheme else text!r})."
        )
    if parts.password:
        raise ValidationError(
            "Do not put a password or token in the URL: it would be stored and shown. "
            "Give the server a deploy key or a git credential helper instead."
        )
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValidationError("A file:// URL must name a path on this server.")
        check_local_path(parts.path)  # reading the server's disk: the same allow-list
        return text
    if not parts.hostname or parts.hostname.startswith("-"):
        raise ValidationError("The clone URL has no valid host name.")
    if parts.username and parts.username.startswith("-"):
        raise ValidationError("The user name in a clone URL cannot start with “-”.")
    return text


def check_location(kind: str, text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError("Give a path or a clone URL.")
    if kind == SourceKind.LOCAL:
        return str(check_local_path(text))
    return check_clone_url(text)


def clone_directory(repository: Repository) -> Path:
    return Path(settings.DATA_DIR) / "repositories" / str(repository.pk)


class SourceError(Exception):
    """Cloning or fetching failed; the message is git's own last line."""


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody will type
            "GIT_ALLOW_PROTOCOL": ALLOWED_PROTOCOLS,
            "LC_ALL": "C",
        }
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    for name in ("GIT_DIR", "GIT_WORK_TREE"):
        env.pop(name, None)
    return env


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            errors="replace",
            env=_git_env(),
            timeout=CLONE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {args[0]} took longer than {CLONE_TIMEOUT_SECONDS} s") from None
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.strip().splitlines() if line.strip()]
        raise SourceError(f"git {args[0]} failed: {lines[-1] if lines else 'no message'}")
    return completed.stdout


def _origin_of(directory: Path) -> str | None:
    try:
        return _git("-C", str(directory), "config", "--get", "remote.origin.url").strip()
    except SourceError:
        return None


def prepare(repository: Repository) -> Path:
    """The directory the engine reads: the local path (checked again: roots may have
    changed), or the bare clone, cloned on first use and fetched afterwards."""
    if repository.kind == SourceKind.LOCAL and repository.server_managed:
        return Path(repository.location)
    if repository.kind == SourceKind.LOCAL:
        try:
            return check_local_path(repository.location)
        except ValidationError as error:
            raise SourceError(" ".join(error.messages)) from None
    try:
        check_clone_url(repository.location)
    except ValidationError as error:
        raise SourceError(" ".join(error.messages)) from None
    target = clone_directory(repository)
    if target.exists() and _origin_of(target) == repository.location:
        # A bare clone has no fetch refspec: name it, and prune branches deleted upstream.
        _git(
            "-C", str(target), "fetch", "--quiet", "--prune", "--no-tags", "origin",
            "+refs/heads/*:refs/heads/*",
        )  # fmt: skip
        return target
    # Left over from a deleted repository with the same id, or a clone that broke.
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{repository.pk}-", dir=target.parent))
    try:
        # Full history (never --depth): authorship needs every commit. Bare: no checkout.
        _git("clone", "--quiet", "--bare", "--no-tags", "--", repository.location, str(staging))
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def remove_clone(repository_id: int) -> None:
    folder = Path(settings.DATA_DIR) / "repositories"
    shutil.rmtree(folder / str(repository_id), ignore_errors=True)
    (folder / f"{repository_id}.lock").unlink(missing_ok=True)
