"""Files that carry no knowledge: vendored trees, generated and lock files, binaries.

Each rule has a reason, so a report can say what was left out and why. Matching is done
on the path at the analysed tip; a file moved out of vendor/ into src/ counts from then.
Folder names match whole path components only. `venv` is not among them: it is also a
standard-library module (typeshed's stdlib/venv, CPython's Lib/venv); a virtualenv is
recognised by its `pyvenv.cfg` instead. Evidence from the history (files only bots or
sync commits ever changed) is in evidence.py. `include_patterns` override every rule.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_VENDORED_DIRS: tuple[str, ...] = (
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "node_modules",
    "bower_components",
    "jspm_packages",
    "Pods",
    "Carthage",
    ".yarn",
    "_vendor",
    "vendored",
    "site-packages",
    ".venv",
    "__pycache__",
)
# A directory holding this file is a virtualenv, whatever its name.
VIRTUALENV_MARKER = "pyvenv.cfg"
DEFAULT_GENERATED_PATTERNS: tuple[str, ...] = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "Cargo.lock",
    "Gemfile.lock",
    "composer.lock",
    "go.sum",
    "mix.lock",
    "pubspec.lock",
    "Podfile.lock",
    "packages.lock.json",
    "flake.lock",
    "*.min.js",
    "*.min.css",
    "*.js.map",
    "*.css.map",
    "*.pb.go",
    "*.pb.cc",
    "*.pb.h",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.swift",
    "*.g.dart",
    "*.freezed.dart",
    "*.Designer.cs",
    "*.generated.*",
)
# fmt: off
DEFAULT_BINARY_EXTENSIONS: tuple[str, ...] = (
    # images and design files
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "xcf",
    "svgz", "heic", "avif", "pdf", "eps", "ai",
    # archives and packages
    "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "tar", "jar", "war", "ear", "aar",
    "apk", "ipa", "whl", "egg",
    # compiled code
    "so", "dll", "dylib", "exe", "bin", "o", "a", "lib", "obj", "class", "pyc", "pyo", "wasm",
    "node",
    # fonts and media
    "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "wav", "ogg", "flac", "avi",
    "mov", "mkv", "webm",
    # databases, office documents, data and model weights
    "db", "sqlite", "sqlite3", "mdb", "xls", "xlsx", "doc", "docx", "ppt", "pptx", "odt", "ods",
    "odp", "npy", "npz", "pkl", "pickle", "h5", "onnx", "pt", "pth", "ckpt", "parquet",
)
# fmt: on


@dataclass(frozen=True, slots=True)
class ExclusionRules:
    vendored_dirs: tuple[str, ...] = DEFAULT_VENDORED_DIRS
    generated_patterns: tuple[str, ...] = DEFAULT_GENERATED_PATTERNS
    binary_extensions: tuple[str, ...] = DEFAULT_BINARY_EXTENSIONS
    # Extra glob patterns on the whole path (e.g. "docs/*", "*.snap").
    extra_patterns: tuple[str, ...] = ()
    # Globs of paths kept whatever any rule (by name or by evidence) says.
    include_patterns: tuple[str, ...] = ()
    # Leave out files only bots or sync/vendor commits ever changed, and trees of them.
    evidence: bool = True
    _compiled: tuple[frozenset[str], re.Pattern[str], frozenset[str], re.Pattern[str]] | None = (
        field(default=None, compare=False, repr=False)
    )

    @classmethod
    def none(cls) -> ExclusionRules:
        return cls(vendored_dirs=(), generated_patterns=(), binary_extensions=(), evidence=False)

    def describe(self) -> dict[str, list[str]]:
        """The effective list, for reports."""
        return {
            "vendored_dirs": list(self.vendored_dirs),
            "generated_patterns": list(self.generated_patterns),
            "binary_extensions": list(self.binary_extensions),
            "extra_patterns": list(self.extra_patterns),
            "include_patterns": list(self.include_patterns),
            "evidence": ["on" if self.evidence else "off"],
        }

    def included(self, path: str) -> bool:
        """True when the team asked to keep `path` whatever the rules say."""
        return (
            bool(self.include_patterns) and _included(self.include_patterns).match(path) is not None
        )

    def _matchers(
        self,
    ) -> tuple[frozenset[str], re.Pattern[str], frozenset[str], re.Pattern[str]]:
        if self._compiled is None:
            generated = _any_glob(self.generated_patterns)
            extra = _any_glob(self.extra_patterns)
            compiled = (
                frozenset(self.vendored_dirs),
                generated,
                frozenset(ext.lower().lstrip(".") for ext in self.binary_extensions),
                extra,
            )
            object.__setattr__(self, "_compiled", compiled)
            return compiled
        return self._compiled

    def reason(self, path: str) -> str | None:
        """Why `path` is excluded ("vendored", "generated", "binary", "configured"), or None.
        (A virtualenv needs the other paths to be seen: `reasons` recognises it.)"""
        if self.included(path):
            return None
        vendored, generated, binary, extra = self._matchers()
        directory, _, name = path.rpartition("/")
        if vendored and directory and not vendored.isdisjoint(directory.split("/")):
            return "vendored"
        if generated.match(name):
            return "generated"
        _, dot, extension = name.rpartition(".")
        if dot and extension.lower() in binary:
            return "binary"
        if extra.match(path):
            return "configured"
        return None

    def reasons(self, paths: Iterable[str]) -> dict[str, str]:
        """`reason` for many paths at once (the excluded ones only): the same answers,
        with the directory test done once per directory rather than once per file."""
        vendored, generated, binary, extra = self._matchers()
        match_generated = generated.match
        match_extra = extra.match if self.extra_patterns else None
        vendored_dir: dict[str, bool] = {"": False}
        paths = list(paths)
        if self.vendored_dirs:
            marker = "/" + VIRTUALENV_MARKER
            for path in paths:
                if path.endswith(marker):
                    vendored_dir[path[: -len(marker)]] = True  # its subfolders: below
        venvs = tuple(d + "/" for d, flag in vendored_dir.items() if flag)
        found: dict[str, str] = {}
        for path in paths:
            directory, _, name = path.rpartition("/")
            is_vendored = vendored_dir.get(directory)
            if is_vendored is None:
                is_vendored = vendored_dir[directory] = (
                    bool(vendored) and not vendored.isdisjoint(directory.split("/"))
                ) or (bool(venvs) and (directory + "/").startswith(venvs))
            if is_vendored:
                found[path] = "vendored"
            elif match_generated(name):
                found[path] = "generated"
            elif (dot := name.rfind(".")) >= 0 and name[dot + 1 :].lower() in binary:
                found[path] = "binary"
            elif match_extra is not None and match_extra(path):
                found[path] = "configured"
        if self.include_patterns and found:
            keep = _included(self.include_patterns).match
            found = {path: reason for path, reason in found.items() if keep(path) is None}
        return found


@lru_cache(maxsize=16)
def _included(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return _any_glob(patterns)


def _any_glob(patterns: tuple[str, ...]) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
