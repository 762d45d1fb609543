"""What git may read: a local repository under the allowed roots, or a remote on a
public address. Each check is made on exactly what git will be handed, never on the
user's text alone.

- A local path (and a `file://` URL, percent-decoded here as git would decode it) is
  resolved (symlinks, `..`), must lie inside PEERLEARN_REPOSITORY_ROOTS, and git gets
  the resolved path, not the text. Its git directory, object store, alternates and
  the symlinks inside the object store must resolve inside the roots as well: a `.git`
  file or an alternate pointing elsewhere would make git read another repository.
- A remote (`https://`, `ssh://`, `user@host:path`) must name a host, not an address
  syntax git or the resolver would read in surprising ways. At clone and fetch time the
  host is resolved and every address must be global (not loopback, private, link-local,
  shared, reserved …) unless PEERLEARN_CLONE_ALLOW_PRIVATE is set; git is then pinned to
  the addresses that were checked (curl's resolve list, ssh's Hostname), so a second DNS
  answer cannot point it elsewhere, and it follows no redirects.

Everything is checked again before every clone and fetch: roots change, symlinks get
swapped, DNS answers change.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?$")
_SCP_LIKE = re.compile(r"^(?:(?P<user>[A-Za-z0-9._-]+)@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>.*)$")
_USER = re.compile(r"^[A-Za-z0-9._-]+$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_MAX_ALTERNATES = 5  # git's own limit on nested alternates


# --- local repositories -----------------------------------------------------------------


def allowed_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.KNOWLEDGE_REPOSITORY_ROOTS]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _outside_message(text: str, roots: list[Path]) -> str:
    listed = ", ".join(str(root) for root in roots)
    return f"{text} is outside the folders this server may read repositories from ({listed})."


def check_local_path(text: str) -> Path:
    """The resolved path, if it lies inside an allowed root (after following symlinks)."""
    roots = allowed_roots()
    if not roots:
        raise ValidationError(
            "Local paths are turned off on this server: an administrator must list the "
            "folders repositories may be read from in PEERLEARN_REPOSITORY_ROOTS."
        )
    if "\x00" in text:
        raise ValidationError("A path cannot contain a NUL byte.")
    candidate = Path(text)
    if not candidate.is_absolute():
        raise ValidationError(f"{text!r} is not an absolute path (it must start with /).")
    resolved = candidate.resolve()
    if not _inside(resolved, roots):
        raise ValidationError(_outside_message(text, roots))
    return resolved


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _gitfile_target(dot_git: Path) -> Path:
    """The directory a `.git` file ("gitdir: …") points to, resolved."""
    try:
        first = dot_git.read_text(encoding="utf-8", errors="surrogateescape").splitlines()[0]
    except (OSError, IndexError):
        raise ValidationError(f"{dot_git} is not a readable .git file.") from None
    if not first.startswith("gitdir: "):
        raise ValidationError(f"{dot_git} is not a .git file git understands.")
    target = Path(first.removeprefix("gitdir: ").strip())
    return (dot_git.parent / target).resolve() if not target.is_absolute() else target.resolve()


def local_repository(path: Path, roots: list[Path] | None) -> Path:
    """The git directory git would open for `path` (already resolved), with everything
    it reads from there held to `roots` (None: server-managed, not held).

    Refuses what git would find only by walking up to a parent directory: that parent
    may lie outside the roots."""
    dot_git = path / ".git"
    if dot_git.is_dir():
        git_dir = dot_git.resolve()
    elif dot_git.is_file():
        git_dir = _gitfile_target(dot_git)
    elif _is_git_dir(path):
        git_dir = path
    else:
        raise ValidationError(f"{path} is not a git repository (no .git in it, and not bare).")
    if roots is not None:
        _check_store(git_dir, roots)
    return git_dir


def _check_store(git_dir: Path, roots: list[Path]) -> None:
    if not _inside(git_dir, roots):
        raise ValidationError(f"Its git directory {git_dir} is outside the allowed folders.")
    commondir = git_dir / "commondir"
    if commondir.is_file():  # a linked worktree: objects live in the main repository
        shared = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
        if not _inside(shared, roots):
            raise ValidationError(
                f"Its shared git directory {shared} is outside the allowed folders."
            )
        git_dir = shared
    pending = [(git_dir / "objects", 0)]
    while pending:
        objects, depth = pending.pop()
        real = objects.resolve()
        if not _inside(real, roots):
            raise ValidationError(f"Its object store {real} is outside the allowed folders.")
        _check_symlinks(real, roots)
        alternates = real / "info" / "alternates"
        if not alternates.is_file():
            continue
        if depth >= _MAX_ALTERNATES:
            raise ValidationError("Its alternates are nested too deeply.")
        for line in alternates.read_text(encoding="utf-8", errors="replace").splitlines():
            entry = line.strip()
            if entry and not entry.startswith("#"):
                pending.append(((real / entry), depth + 1))


def _check_symlinks(objects: Path, roots: list[Path]) -> None:
    """A symlinked pack or loose object is a file read from wherever it points."""
    for directory, subdirectories, files in os.walk(objects):
        for name in (*subdirectories, *files):
            entry = Path(directory) / name
            if entry.is_symlink() and not _inside(entry.resolve(), roots):
                raise ValidationError(
                    f"{entry} is a symlink to {entry.resolve()}, outside the allowed folders."
                )


def file_url_path(text: str) -> str:
    """The path git reads for a file:// URL: percent-decoded, as git decodes it.

    Only an empty host or `localhost` names this server; git would read
    `file://anyhost/path` from this server's disk all the same, so other hosts are
    refused rather than silently treated as local."""
    parts = urlsplit(text)
    if parts.query or parts.fragment:
        raise ValidationError("A file:// URL cannot have a query (?…) or a fragment (#…).")
    if parts.netloc.lower() not in ("", "localhost"):
        raise ValidationError("A file:// URL must name a path on this server (file:///path).")
    path = unquote(parts.path, errors="strict")
    if "\x00" in path or any(ord(ch) < 32 for ch in path):
        raise ValidationError("A file:// URL cannot encode control characters.")
    return path


# --- remotes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Remote:
    scheme: str  # "https" or "ssh"
    host: str  # as written (lower case); an IPv6 literal without brackets
    port: int


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton reads 127.1, 0x7f.1 and 2130706433 as addresses; so do curl and ssh.
        found = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError):
        return None
    return ipaddress.ip_address(found[0][4][0])


def _check_host(host: str) -> None:
    if host.startswith("-"):
        raise ValidationError("The host of a clone URL cannot start with “-”.")
    if _literal_address(host) is not None:
        return
    if not _HOST.match(host):
        raise ValidationError(
            f"{host!r} is not a host name this server can use (letters, digits, '-' and '.')."
        )


def parse_remote(text: str) -> Remote:
    """The host and port of an https://, ssh:// or user@host:path address, or refuse."""
    scp = _SCP_LIKE.match(text)
    if scp and "://" not in text:
        if not scp.group("path") or scp.group("path").startswith("-"):
            raise ValidationError("The path after “host:” is missing or starts with “-”.")
        host = scp.group("host").lower()
        _check_host(host)
        return Remote("ssh", host, 22)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise ValidationError(f"Not a usable URL: {error}.") from None
    if parts.scheme not in ("https", "ssh"):
        raise ValidationError(
            "Use an https://, ssh://, git@host:path or file:// address "
            f"(not {parts.scheme + '://' if parts.scheme else text!r})."
        )
    if parts.password:
        raise ValidationError(
            "Do not put a password or token in the URL: it would be stored and shown. "
            "Give the server a deploy key or a git credential helper instead."
        )
    if not parts.hostname:
        raise ValidationError("The clone URL has no valid host name.")
    if parts.username is not None and (
        parts.username.startswith("-") or not _USER.match(unquote(parts.username))
    ):
        raise ValidationError("The user name in a clone URL cannot start with “-”.")
    if "%" in (parts.hostname or ""):
        raise ValidationError("The host of a clone URL cannot be percent-encoded.")
    host = parts.hostname.lower()
    _check_host(host)
    return Remote(parts.scheme, host, port or (443 if parts.scheme == "https" else 22))


def address_problem(address: str) -> str | None:
    """Why git may not connect to `address`, or None for a global unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.is_global and not ip.is_multicast:
        return None
    return f"{ip} is not a public address (loopback, private, link-local or reserved)"


def check_remote_syntax(remote: Remote) -> None:
    """At registration, without DNS: refuse what is visibly not public."""
    if private_allowed():
        return
    literal = _literal_address(remote.host)
    problem = address_problem(str(literal)) if literal is not None else None
    if remote.host.rstrip(".") == "localhost" or remote.host.endswith(".localhost"):
        problem = "localhost is this server"
    if problem:
        raise ValidationError(f"Clone URLs must reach a public host: {problem}.")


def private_allowed() -> bool:
    return bool(getattr(settings, "KNOWLEDGE_CLONE_ALLOW_PRIVATE", False))


class AddressRefused(Exception):
    """The remote resolved to an address git may not reach (or not at all)."""


@dataclass(frozen=True)
class Pinned:
    addresses: tuple[str, ...]
    config: tuple[str, ...] = field(default=())  # extra `-c` values for git
    ssh_options: tuple[str, ...] = field(default=())


def pin_remote(remote: Remote) -> Pinned:
    """Resolve the host now, check every address, and the git settings that hold git to
    exactly these addresses."""
    try:
        found = socket.getaddrinfo(remote.host, remote.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(
            f"the host name {remote.host} could not be resolved ({error})"
        ) from None
    addresses = tuple(dict.fromkeys(str(entry[4][0]) for entry in found))
    if not addresses:
        raise AddressRefused(f"the host name {remote.host} has no address")
    if not private_allowed():
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise AddressRefused(f"{remote.host} resolves to {problem}")
    if remote.scheme == "https":
        listed = ",".join(f"[{a}]" if ":" in a else a for a in addresses)
        return Pinned(
            addresses, config=(f"http.curloptResolve={remote.host}:{remote.port}:{listed}",)
        )
    # ssh takes one address: the first, as it would have picked. HostKeyAlias keeps the
    # host key checked against the name, as without the pin.
    options = ("-o", f"Hostname={addresses[0]}", "-o", f"HostKeyAlias={remote.host}")
    return Pinned(addresses, ssh_options=options)


def ssh_command(base: str, options: tuple[str, ...]) -> str:
    """GIT_SSH_COMMAND (run by a shell) with our options appended, each quoted."""
    return " ".join([base, *(shlex.quote(option) for option in options)])
