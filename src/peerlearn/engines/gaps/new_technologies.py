"""Dependencies a repository took on since a date, who brought them and who uses them.

"New" means declared by some manifest at the tip and by none at the last first-parent
commit before `since`: a package moved between manifests is not new, one added and
removed again is not reported. The manifests' history is read in one `git log` (first
parent, merges diffed against their first parent, so a merged pull request counts on
the day it reached the main line) and every manifest version in one `git cat-file
--batch`. `introduced_at` is the committer date of that first-parent commit (when it
landed); `introduced_by_*` is its author. `people` counts the authors (e-mail,
casefolded) of non-merge commits that changed an importer after the manifest's parent
state, i.e. in `<introducing commit>^..tip`, which includes a merged branch's commits.
Importers are found by reading source files at the tip (best effort; the comment above
`_PATTERNS` says what is recognised); renames of importers are not followed.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..knowledge.errors import GitFailed
from ..knowledge.gitio import check_repository, git_command, git_environment, run_git
from .manifests import Dependency, ManifestUnreadable, dependencies_in, is_manifest

MAX_SOURCE_BYTES = 1024 * 1024
# Pathspecs that let git skip commits touching no manifest; is_manifest() decides last.
MANIFEST_PATHSPECS = tuple(
    f":(glob)**/{pattern}"
    for pattern in (
        "pyproject.toml",
        "requirements*.txt",
        "requirements/*.txt",
        "package.json",
        "go.mod",
        "Cargo.toml",
        "pom.xml",
        "Gemfile",
    )
)


@dataclass(frozen=True, slots=True)
class NewDependency:
    dependency: Dependency
    manifest: str  # the manifest that declared it first
    commit: str
    introduced_at: datetime  # aware, UTC: the committer date of `commit`
    introduced_by_name: str
    introduced_by_email: str
    importers: tuple[str, ...]  # files at the tip that import it, sorted, at most max_importers
    people: int  # distinct authors who changed any importer (listed or not) since it came


@dataclass(frozen=True, slots=True)
class UnreadableManifest:
    path: str
    commit: str
    message: str


@dataclass(frozen=True, slots=True)
class NewTechnologyReport:
    dependencies: tuple[NewDependency, ...]
    unreadable: tuple[UnreadableManifest, ...]


@dataclass(frozen=True, slots=True)
class _Change:
    path: str
    blob: str | None  # None: deleted


@dataclass(frozen=True, slots=True)
class _Commit:
    commit: str
    committed: int
    name: str
    email: str
    changes: tuple[_Change, ...]


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def read_blobs(repo: Path, ids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(id, content or None when missing) for each id, from one `git cat-file --batch`."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return
    with tempfile.TemporaryFile() as request, tempfile.TemporaryFile() as errors:
        request.write("".join(f"{blob}\n" for blob in wanted).encode())
        request.seek(0)
        process = subprocess.Popen(
            git_command(repo, "cat-file", "--batch"),
            stdin=request,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=git_environment(),
        )
        stdout = process.stdout
        assert stdout is not None
        try:
            for blob in wanted:
                header = stdout.readline().split()
                if len(header) == 2 and header[1] == b"missing":
                    yield blob, None
                    continue
                if len(header) != 3:
                    raise GitFailed(f"git cat-file: unexpected output {header!r} in {repo}")
                data = stdout.read(int(header[2]) + 1)[:-1]
                yield blob, data
        finally:
            stdout.close()
            if process.wait() != 0 and process.returncode > 0:
                errors.seek(0)
                detail = errors.read().decode("utf-8", "replace").strip()
                raise GitFailed(f"git cat-file failed in {repo}: {detail}")


def tree_blobs(repo: Path, commit: str) -> dict[str, tuple[str, int]]:
    """Regular files at `commit`: path -> (blob id, size)."""
    out = run_git(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", commit)
    files: dict[str, tuple[str, int]] = {}
    for entry in out.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) == 4 and fields[1] == b"blob" and fields[0] != b"120000":
            files[_decode(path)] = (fields[2].decode(), int(fields[3]))
    return files


def _manifest_history(repo: Path, revisions: list[str]) -> list[_Commit]:
    out = run_git(
        repo,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--format=%x00%x01%H%x00%ct%x00N%aN%x00E%aE",
        *revisions,
        "--",
        *MANIFEST_PATHSPECS,
    )
    commits: list[_Commit] = []
    for record in (b"\0" + out).split(b"\0\0\x01")[1:]:
        tokens = record.split(b"\0")
        if len(tokens) < 4:
            raise GitFailed(f"unreadable git log record near {record[:60]!r}")
        commit, committed, name, email = tokens[:4]
        changes: list[_Change] = []
        rest = tokens[4:]
        for meta, path in zip(rest[::2], rest[1::2], strict=False):
            fields = meta.strip().split()
            decoded = _decode(path)
            if len(fields) < 5 or not is_manifest(decoded):
                continue
            deleted = fields[4].startswith(b"D")
            changes.append(_Change(decoded, None if deleted else fields[3].decode()))
        commits.append(
            _Commit(commit.decode(), int(committed), _decode(name[1:]), _decode(email[1:]),
                    tuple(changes))
        )  # fmt: skip
    return commits


def new_dependencies(
    repo: Path, *, since: datetime, tip: str = "HEAD", max_importers: int = 50
) -> NewTechnologyReport:
    """Dependencies new since `since` (aware) at `tip`, in the order they came."""
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    check_repository(repo)
    tip_id = run_git(repo, "rev-parse", "--verify", f"{tip}^{{commit}}").decode().strip()
    baseline = (
        run_git(
            repo, "rev-list", "-1", "--first-parent", f"--before={int(since.timestamp())}", tip_id
        )
        .decode()
        .strip()
    )
    unreadable: list[UnreadableManifest] = []
    state: dict[str, frozenset[Dependency]] = {}  # manifest path -> what it declares now

    def parse(path: str, blob: str, commit: str, contents: dict[str, bytes | None]) -> None:
        content = contents.get(blob)
        if content is None:
            unreadable.append(UnreadableManifest(path, commit, f"object {blob} is missing"))
            return
        try:
            state[path] = dependencies_in(path, content)
        except ManifestUnreadable as error:
            # Keep the previous version's dependencies: one bad version must not look
            # like everything in that file was removed and added again.
            unreadable.append(UnreadableManifest(path, commit, error.message))

    start: dict[str, str] = {}
    if baseline:
        start = {p: b for p, (b, _) in tree_blobs(repo, baseline).items() if is_manifest(p)}
    history = _manifest_history(repo, [tip_id, f"^{baseline}"] if baseline else [tip_id])
    needed = list(start.values()) + [c.blob for h in history for c in h.changes if c.blob]
    contents = dict(read_blobs(repo, needed))
    for path, blob in start.items():
        parse(path, blob, baseline, contents)
    old = frozenset().union(*state.values())
    first_seen: dict[Dependency, tuple[_Commit, str]] = {}
    for entry in history:
        for change in entry.changes:
            if change.blob is None:
                state.pop(change.path, None)
            else:
                parse(change.path, change.blob, entry.commit, contents)
        for change in entry.changes:  # only a changed manifest can declare something anew
            for dependency in state.get(change.path, frozenset()) - old:
                first_seen.setdefault(dependency, (entry, change.path))
    at_tip = frozenset().union(*state.values())
    new = sorted((d for d in at_tip - old), key=lambda d: (first_seen[d][0].committed, d))
    importers = find_importers(repo, tip_id, new)
    found = []
    for dependency in new:
        entry, manifest = first_seen[dependency]
        paths = importers.get(dependency, [])
        found.append((dependency, entry, manifest, paths))
    people = _people(repo, tip_id, [(entry.commit, paths) for _, entry, _, paths in found])
    report = tuple(
        NewDependency(
            dependency=dependency,
            manifest=manifest,
            commit=entry.commit,
            introduced_at=datetime.fromtimestamp(entry.committed, UTC),
            introduced_by_name=entry.name,
            introduced_by_email=entry.email,
            importers=tuple(paths[:max_importers]),
            people=len(people.get((entry.commit, tuple(paths)), ())),
        )
        for dependency, entry, manifest, paths in found
    )
    return NewTechnologyReport(report, tuple(unreadable))


def _people(
    repo: Path, tip: str, wanted: list[tuple[str, list[str]]]
) -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """Authors per (introducing commit, importers). One `git log --name-only` over the
    oldest range read for every dependency (per-dependency logs with hundreds of
    pathspecs measured several times slower), and one cheap `rev-list` per introducing
    commit to know which of those commits came after it."""
    result: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    ranges: dict[str, list[str]] = {}
    for commit, _ in wanted:
        if commit not in ranges:
            parents = run_git(repo, "rev-list", "--parents", "-1", commit).split()[1:2]
            ranges[commit] = [tip, f"^{parents[0].decode()}"] if parents else [tip]
    if not any(paths for _, paths in wanted):
        return {(commit, tuple(paths)): set() for commit, paths in wanted}
    after = {
        commit: frozenset(run_git(repo, "rev-list", "--no-merges", *revisions).decode().split())
        for commit, revisions in ranges.items()
    }
    # The ranges nest along the first-parent line: the longest holds all the others.
    oldest = ranges[max(after, key=lambda commit: len(after[commit]))]
    out = run_git(
        repo, "log", "--no-merges", "-z", "--name-only", "--no-renames",
        "--format=%x00%x01%H%x00E%aE", *oldest, "--",
    )  # fmt: skip
    touched: dict[str, tuple[str, frozenset[str]]] = {}  # commit -> (e-mail, paths)
    for record in (b"\0" + out).split(b"\0\0\x01")[1:]:
        raw_id, _, rest = record.partition(b"\0")
        email, _, changed = rest.partition(b"\0")
        files = frozenset(_decode(p) for p in changed.removeprefix(b"\n").split(b"\0") if p)
        touched[raw_id.decode()] = (_decode(email[1:]).casefold(), files)
    for commit, paths in wanted:
        key = (commit, tuple(paths))
        if key in result:
            continue
        importers = set(paths)
        result[key] = {
            email
            for id_, (email, changed) in touched.items()
            if id_ in after[commit] and not importers.isdisjoint(changed)
        }
    return result


# Distribution names whose import name the default rule (`-` -> `_` or `.`) misses.
PYTHON_IMPORT_NAMES = {
    "pyyaml": "yaml",
    "beautifulsoup4": "bs4",
    "scikit-learn": "sklearn",
    "scikit-image": "skimage",
    "pillow": "PIL",
    "python-dateutil": "dateutil",
    "python-dotenv": "dotenv",
    "opencv-python": "cv2",
    "protobuf": "google.protobuf",
    "pyjwt": "jwt",
    "attrs": "attr",
    "psycopg2-binary": "psycopg2",
    "djangorestframework": "rest_framework",
    "pyserial": "serial",
    "pycryptodome": "Crypto",
    "pyopenssl": "OpenSSL",
    "mysqlclient": "MySQLdb",
    "gitpython": "git",
    "pygithub": "github",
    "google-api-python-client": "googleapiclient",
    "google-re2": "re2",
    "django-ninja": "ninja",
    "markdown-it-py": "markdown_it",
}
_EXTENSIONS = {
    "python": (".py", ".pyi"),
    "npm": (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte"),
    "go": (".go",),
    "rust": (".rs",),
    "maven": (".java", ".kt", ".scala", ".groovy"),
    "ruby": (".rb", ".rake"),
}
# What each language's pattern finds: python `import a.b, c` and `from a.b import`;
# JS/TS `import ... from 'x'`, `import 'x'`, `export ... from 'x'`, `require('x')`,
# `import('x')`; go `import "x"` and import blocks (aliases allowed); rust `use x::`,
# `use ::x`, `extern crate x`; JVM `import [static] a.b.C`; ruby `require 'x'`.
_PATTERNS = {
    "python": re.compile(
        rb"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))",
        re.MULTILINE,
    ),
    "npm": re.compile(rb"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'\s]+)["']"""),
    "go": re.compile(rb'^\s*(?:import\s+)?(?:[\w.]+\s+)?"([^"\s]+)"', re.MULTILINE),
    "rust": re.compile(rb"\b(?:use\s+(?:::)?|extern\s+crate\s+)([A-Za-z_][A-Za-z0-9_]*)"),
    "maven": re.compile(rb"^\s*import\s+(?:static\s+)?([\w.]+)", re.MULTILINE),
    "ruby": re.compile(rb"""^\s*require\s*\(?\s*["']([^"'\s]+)["']""", re.MULTILINE),
}


def _modules(ecosystem: str, content: bytes) -> set[str]:
    found: set[str] = set()
    for match in _PATTERNS[ecosystem].finditer(content):
        for group in match.groups():
            if group:
                found.update(_decode(part).strip() for part in group.split(b","))
    return found


def _python_candidates(name: str) -> tuple[str, ...]:
    known = PYTHON_IMPORT_NAMES.get(name)
    return (known,) if known else (name.replace("-", "_"), name.replace("-", "."))


def _prefixes(module: str, separator: str) -> Iterator[str]:
    parts = module.split(separator)
    for length in range(1, len(parts) + 1):
        yield separator.join(parts[:length])


def _lookup_keys(ecosystem: str, module: str) -> Iterator[str]:
    """Keys one imported module is looked up by: a set lookup per key, not a scan of
    every dependency per module (that scan was most of the time on a real repository)."""
    match ecosystem:
        case "python":
            yield from _prefixes(module.casefold(), ".")
        case "npm" | "go":
            yield from _prefixes(module, "/")
        case "maven":
            yield from _prefixes(module, ".")
        case "ruby":
            yield module
            yield module.split("/")[0]
        case _:
            yield module


def _keys_of(dependency: Dependency) -> tuple[str, ...]:
    """What `_lookup_keys` yields for a module that uses `dependency`."""
    name = dependency.name
    match dependency.ecosystem:
        case "python":
            return tuple(c.casefold() for c in _python_candidates(name))
        case "rust":
            return (name.replace("-", "_"),)
        case "maven":
            return (name.partition(":")[0],)  # the groupId as a package prefix, best effort
        case "ruby":
            return (name, name.replace("-", "/"))
    return (name,)


def find_importers(
    repo: Path, tip: str, dependencies: Iterable[Dependency]
) -> dict[Dependency, list[str]]:
    """Source files at `tip` using each dependency (text files up to 1 MB), sorted."""
    by_ecosystem: dict[str, list[Dependency]] = {}
    for dependency in dependencies:
        by_ecosystem.setdefault(dependency.ecosystem, []).append(dependency)
    if not by_ecosystem:
        return {}
    wanted: dict[str, list[str]] = {}  # blob -> ecosystems to look for, via its path
    paths: dict[str, list[str]] = {}
    for path, (blob, size) in tree_blobs(repo, tip).items():
        vendored = "/node_modules/" in f"/{path}" or "/vendor/" in f"/{path}"
        if size > MAX_SOURCE_BYTES or vendored:
            continue
        ecosystems = [e for e in by_ecosystem if path.endswith(_EXTENSIONS[e])]
        if ecosystems:
            wanted.setdefault(blob, [])
            wanted[blob] += [e for e in ecosystems if e not in wanted[blob]]
            paths.setdefault(blob, []).append(path)
    index: dict[tuple[str, str], list[Dependency]] = {}
    for ecosystem, listed in by_ecosystem.items():
        for dependency in listed:
            for key in _keys_of(dependency):
                index.setdefault((ecosystem, key), []).append(dependency)
    result: dict[Dependency, list[str]] = {}
    for blob, content in read_blobs(repo, wanted):
        if content is None or b"\0" in content[:8000]:
            continue
        users: set[Dependency] = set()
        for ecosystem in wanted[blob]:
            for module in _modules(ecosystem, content):
                for key in _lookup_keys(ecosystem, module):
                    users.update(index.get((ecosystem, key), ()))
        for dependency in users:
            result.setdefault(dependency, []).extend(paths[blob])
    return {dependency: sorted(found) for dependency, found in result.items()}
