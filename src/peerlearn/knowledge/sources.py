"""Where a repository's history comes from: a local path under the allowed roots, or a
clone URL cloned into the data folder and fetched before each analysis.

`check_location` checks what a person registers; `git_source` checks it again right
before the worker runs git and says exactly what git gets (addresses.py has the rules).
No user string ever reaches a shell: git runs from an argument list with `--` before
every address, and values git could read as options (a leading "-") are refused.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from peerlearn.knowledge import addresses
from peerlearn.knowledge.addresses import allowed_roots, check_local_path
from peerlearn.knowledge.models import Repository, SourceKind

__all__ = ["allowed_roots", "check_local_path"]

# What git may speak for each kind of address; ext::, fd:: and plain http:// never.
PROTOCOL_OF = {"path": "file", "https": "https", "ssh": "ssh"}
# Settings every clone and fetch runs with, on top of the server's own git config.
GIT_SAFETY_CONFIG = (
    "http.followRedirects=false",  # a redirect could lead to an address not checked
    "protocol.allow=never",  # then only the protocol of this address (GIT_ALLOW_PROTOCOL)
    "core.hooksPath=/dev/null",
)


def check_clone_url(text: str) -> str:
    """A URL git may clone: https://, ssh://, git@host:path, or file:// under the roots.
    No DNS here: the host's addresses are checked whenever git is about to connect."""
    if text.startswith("-"):
        raise ValidationError("A clone URL cannot start with “-”.")
    if any(ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise ValidationError("A clone URL cannot contain spaces or control characters.")
    if "::" in text.split("/", 1)[0]:
        # <transport>::<address> runs a git remote helper (ext:: runs any command).
        raise ValidationError("Remote helpers (transport::address) are not allowed.")
    if text.lower().startswith("file:"):
        if not text.lower().startswith("file://"):
            raise ValidationError("A file URL is written file:///path.")
        local = check_local_path(addresses.file_url_path(text))
        addresses.local_repository(local, allowed_roots())
        return text
    addresses.check_remote_syntax(addresses.parse_remote(text))
    return text


def check_location(kind: str, text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError("Give a path or a clone URL.")
    if kind == SourceKind.LOCAL:
        path = check_local_path(text)
        addresses.local_repository(path, allowed_roots())
        return str(path)
    return check_clone_url(text)


def clone_directory(repository: Repository) -> Path:
    return Path(settings.DATA_DIR) / "repositories" / str(repository.pk)


class SourceError(Exception):
    """The source may not or cannot be read; the message says why (for facilitators)."""


@dataclass(frozen=True)
class GitSource:
    """What the analysis reads, checked just now.

    For a local repository `read` is its git directory. For a clone, `address` is what
    git clones or fetches from (a resolved path for file:// URLs, else the URL), with
    the `-c` settings and environment that hold git to the checked addresses."""

    read: Path
    clone_from: str | None = None
    protocol: str = "file"
    config: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def git_source(repository: Repository) -> GitSource:
    """Check the repository's source again (roots may have changed, a symlink may have
    been swapped, DNS may answer differently) and say what git gets. SourceError if not."""
    try:
        return _git_source(repository)
    except ValidationError as error:
        raise SourceError(" ".join(error.messages)) from None
    except addresses.AddressRefused as error:
        raise SourceError(f"Refused to connect: {error}.") from None


def _git_source(repository: Repository) -> GitSource:
    if repository.kind == SourceKind.LOCAL:
        if repository.server_managed:
            path = Path(repository.location)
            return GitSource(read=addresses.local_repository(path, None))
        path = check_local_path(repository.location)
        return GitSource(read=addresses.local_repository(path, allowed_roots()))
    location = check_clone_url(repository.location)
    target = clone_directory(repository)
    if location.lower().startswith("file:"):
        local = check_local_path(addresses.file_url_path(location))
        git_dir = addresses.local_repository(local, allowed_roots())
        return GitSource(read=target, clone_from=str(git_dir), config=GIT_SAFETY_CONFIG)
    remote = addresses.parse_remote(location)
    pinned = addresses.pin_remote(remote)
    env = {}
    if pinned.ssh_options:
        base = os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        env["GIT_SSH_COMMAND"] = addresses.ssh_command(base, pinned.ssh_options)
    return GitSource(
        read=target,
        clone_from=location,
        protocol=PROTOCOL_OF[remote.scheme],
        config=GIT_SAFETY_CONFIG + pinned.config,
        env=env,
    )


def remove_clone(repository_id: int) -> None:
    folder = Path(settings.DATA_DIR) / "repositories"
    shutil.rmtree(folder / str(repository_id), ignore_errors=True)
    (folder / f"{repository_id}.lock").unlink(missing_ok=True)
    for leftover in folder.glob(f".{repository_id}-*"):
        shutil.rmtree(leftover, ignore_errors=True)
