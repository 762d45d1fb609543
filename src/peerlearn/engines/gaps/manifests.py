"""Dependency manifests of a repository: which files they are and what they declare.

Manifests come from untrusted repositories, so every reader refuses what it cannot read
with `ManifestUnreadable` naming the file and, where the format tells us, line and column;
XML with a DTD is refused outright (no entity expansion, no external fetches).

Names are normalised so one package has one spelling per ecosystem:
python  PEP 503: lower case, runs of `-_.` become `-` ("Zope.Interface" -> "zope-interface")
npm     as written (npm names are case-sensitive; new ones are lower case anyway)
go      the module path as written (case-sensitive)
rust    lower case with `_` as `-` (crates.io treats them as one name); a renamed
        dependency (`alias = { package = "real" }`) is the real crate
maven   "groupId:artifactId" as written (Maven is case-sensitive)
ruby    lower case
go.mod entries marked `// indirect` are left out: the code does not use them itself.
"""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET  # DTDs are refused before parsing (_maven)
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_MANIFEST_BYTES = 5 * 1024 * 1024
_EXCLUDED_DIRECTORIES = frozenset({"node_modules", "vendor"})
_BY_NAME = {
    "pyproject.toml": "pyproject",
    "package.json": "npm",
    "go.mod": "go",
    "Cargo.toml": "rust",
    "pom.xml": "maven",
    "Gemfile": "ruby",
}


@dataclass(frozen=True, slots=True, order=True)
class Dependency:
    ecosystem: str  # "python", "npm", "go", "rust", "maven", "ruby"
    name: str  # normalised as the module docstring says


class ManifestUnreadable(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _kind(path: str) -> str | None:
    parts = path.split("/")
    if any(part in _EXCLUDED_DIRECTORIES for part in parts[:-1]):
        return None
    base = parts[-1]
    if base in _BY_NAME:
        return _BY_NAME[base]
    if base.endswith(".txt") and (
        base.startswith("requirements") or (len(parts) > 1 and parts[-2] == "requirements")
    ):
        return "requirements"
    return None


def is_manifest(path: str) -> bool:
    """True for the manifest files we read, at any depth, outside node_modules/ and vendor/."""
    return _kind(path) is not None


def dependencies_in(path: str, content: bytes) -> frozenset[Dependency]:
    """The dependencies `content` (the file at `path`) declares; ManifestUnreadable if bad."""
    kind = _kind(path)
    if kind is None:
        raise ManifestUnreadable(path, "not a manifest this engine reads")
    if len(content) > MAX_MANIFEST_BYTES:
        raise ManifestUnreadable(path, f"larger than {MAX_MANIFEST_BYTES} bytes")
    reader = _READERS[kind]
    return frozenset(reader(path, content))


def python_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _text(path: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ManifestUnreadable(path, f"not UTF-8 (byte {error.start})") from None


def _toml(path: str, content: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(_text(path, content))
    except tomllib.TOMLDecodeError as error:
        raise ManifestUnreadable(path, f"invalid TOML: {error}") from None


def _table(path: str, value: object, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ManifestUnreadable(path, f"{where} is not a table")
    return value


_REQUIREMENT_NAME = re.compile(
    r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[|\(|@|;|[<>=!~]|$)"
)
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement_name(path: str, text: str, where: str) -> str:
    found = _REQUIREMENT_NAME.match(text)
    if found is None:
        raise ManifestUnreadable(path, f"{where}: not a requirement: {text[:60]!r}")
    return python_name(found.group(1))


def _python_strings(path: str, value: object, where: str) -> Iterable[Dependency]:
    if value is None:
        return
    if not isinstance(value, list):
        raise ManifestUnreadable(path, f"{where} is not a list")
    for item in value:
        if isinstance(item, dict):  # {include-group = "..."} in [dependency-groups]
            continue
        if not isinstance(item, str):
            raise ManifestUnreadable(path, f"{where} holds a {type(item).__name__}, not a string")
        yield Dependency("python", _requirement_name(path, item, where))


def _poetry_keys(path: str, value: object, where: str) -> Iterable[Dependency]:
    for name in _table(path, value, where):
        if name.lower() != "python":
            yield Dependency("python", python_name(name))


def _pyproject(path: str, content: bytes) -> Iterable[Dependency]:
    data = _toml(path, content)
    project = _table(path, data.get("project"), "[project]")
    yield from _python_strings(path, project.get("dependencies"), "project.dependencies")
    optional = _table(path, project.get("optional-dependencies"), "[project.optional-dependencies]")
    for extra, items in optional.items():
        yield from _python_strings(path, items, f"project.optional-dependencies.{extra}")
    groups = _table(path, data.get("dependency-groups"), "[dependency-groups]")
    for group, items in groups.items():
        yield from _python_strings(path, items, f"dependency-groups.{group}")
    tool = _table(path, data.get("tool"), "[tool]")
    poetry = _table(path, tool.get("poetry"), "[tool.poetry]")
    for section in ("dependencies", "dev-dependencies"):
        yield from _poetry_keys(path, poetry.get(section), f"tool.poetry.{section}")
    for group, table in _table(path, poetry.get("group"), "[tool.poetry.group]").items():
        where = f"tool.poetry.group.{group}"
        yield from _poetry_keys(path, _table(path, table, where).get("dependencies"), where)


def _requirements(path: str, content: bytes) -> Iterable[Dependency]:
    # Continuations first, so a requirement split over lines is one; line numbers are
    # those of the line a requirement starts on.
    logical: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, line in enumerate(_text(path, content).splitlines(), start=1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        logical.append((start, pending + line))
        pending = ""
    if pending:
        logical.append((start, pending))
    for number, line in logical:
        egg = _EGG.search(line)
        line = re.sub(r"(^|\s)#.*$", "", line).strip()  # pip: '#' after blank is a comment
        if not line:
            continue
        if egg is not None:
            yield Dependency("python", python_name(egg.group(1)))
        elif (
            line.startswith(("-", ".", "/"))
            or "://" in line.split("@")[0]
            or re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", line)
        ):
            continue  # options (-r, -c, -e, --index-url), local paths, URLs without #egg=
        else:
            yield Dependency("python", _requirement_name(path, line, f"line {number}"))


def _npm(path: str, content: bytes) -> Iterable[Dependency]:
    try:
        data = json.loads(_text(path, content))
    except json.JSONDecodeError as error:
        raise ManifestUnreadable(
            path, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ManifestUnreadable(path, "is not a JSON object")
    for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        for name in _table(path, data.get(section), f'"{section}"'):
            if name:
                yield Dependency("npm", name)


def _go(path: str, content: bytes) -> Iterable[Dependency]:
    in_block = False
    block_start = 0
    for number, raw in enumerate(_text(path, content).splitlines(), start=1):
        code, _, comment = raw.partition("//")
        words = code.split()
        if not words:
            continue
        if in_block:
            if words == [")"]:
                in_block = False
                continue
            entry = words
        elif words[0] == "require":
            if words[1:] == ["("]:
                in_block, block_start = True, number
                continue
            entry = words[1:]
        else:
            continue
        if len(entry) != 2:
            raise ManifestUnreadable(path, f"line {number}: expected 'module version'")
        if comment.strip() == "indirect":
            continue
        yield Dependency("go", entry[0].strip('"`'))
    if in_block:
        raise ManifestUnreadable(path, f"line {block_start}: 'require (' is never closed")


def crate_name(name: str) -> str:
    return name.lower().replace("_", "-")


def _crates(path: str, value: object, where: str) -> Iterable[Dependency]:
    for key, spec in _table(path, value, where).items():
        real = spec.get("package", key) if isinstance(spec, dict) else key
        if not isinstance(real, str):
            raise ManifestUnreadable(path, f"{where}.{key}.package is not a string")
        yield Dependency("rust", crate_name(real))


_CARGO_SECTIONS = ("dependencies", "dev-dependencies", "build-dependencies")


def _cargo(path: str, content: bytes) -> Iterable[Dependency]:
    data = _toml(path, content)
    for section in _CARGO_SECTIONS:
        yield from _crates(path, data.get(section), f"[{section}]")
    for target, table in _table(path, data.get("target"), "[target]").items():
        for section in _CARGO_SECTIONS:
            where = f"[target.{target}.{section}]"
            yield from _crates(path, _table(path, table, where).get(section), where)
    workspace = _table(path, data.get("workspace"), "[workspace]")
    yield from _crates(path, workspace.get("dependencies"), "[workspace.dependencies]")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _maven(path: str, content: bytes) -> Iterable[Dependency]:
    upper = content[:MAX_MANIFEST_BYTES].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ManifestUnreadable(path, "XML with a DTD or entities is refused")
    try:
        root = ET.fromstring(content)  # noqa: S314 - no DTD, checked above
    except ET.ParseError as error:
        line, column = error.position
        raise ManifestUnreadable(path, f"invalid XML at line {line}, column {column}") from None
    if _local(root.tag) != "project":
        raise ManifestUnreadable(path, "the root element is not <project>")

    def walk(element: ET.Element) -> Iterable[Dependency]:
        for child in element:
            name = _local(child.tag)
            if name == "dependencyManagement":
                continue  # versions for modules that may use them, not a use itself
            if name == "dependencies":
                for dependency in child:
                    if _local(dependency.tag) != "dependency":
                        continue
                    fields = {_local(f.tag): (f.text or "").strip() for f in dependency}
                    group, artifact = fields.get("groupId"), fields.get("artifactId")
                    if group and artifact:
                        yield Dependency("maven", f"{group}:{artifact}")
            else:
                yield from walk(child)

    yield from walk(root)


_GEM = re.compile(r"""^\s*gem[\s(]+(["'])([^"'\s]+)\1""", re.MULTILINE)


def _gemfile(path: str, content: bytes) -> Iterable[Dependency]:
    for found in _GEM.finditer(_text(path, content)):
        yield Dependency("ruby", found.group(2).lower())


_READERS = {
    "pyproject": _pyproject,
    "requirements": _requirements,
    "npm": _npm,
    "go": _go,
    "rust": _cargo,
    "maven": _maven,
    "ruby": _gemfile,
}
