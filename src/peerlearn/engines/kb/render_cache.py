"""Rendered Markdown kept between exports, so an export after a few edits renders a few.

Rendering (markdown-it-py, then nh3) is most of the HTML site's cost: ~1.5 ms a page.
`RenderCache` wraps the caller's renderer and keeps its results in an SQLite file (the
standard library's), keyed by the SHA-256 of the source and a `version` the caller
changes whenever the renderer's output may change (a new allowlist, a new markdown-it).
`close()` forgets entries this export did not use, so the file holds one site's worth.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import TracebackType


class RenderCache:
    def __init__(self, render: Callable[[str], str], path: str | Path, *, version: str) -> None:
        self._render = render
        self._version = version
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS rendered (key TEXT PRIMARY KEY, html TEXT NOT NULL)"
        )
        self._used: set[str] = set()
        self._new: dict[str, str] = {}
        self.hits = 0
        self.misses = 0

    def __call__(self, markdown: str) -> str:
        key = hashlib.sha256(f"{self._version}\0{markdown}".encode("utf-8", "replace")).hexdigest()
        self._used.add(key)
        if key in self._new:
            self.hits += 1
            return self._new[key]
        row = self._db.execute("SELECT html FROM rendered WHERE key = ?", (key,)).fetchone()
        if row is not None:
            self.hits += 1
            return str(row[0])
        self.misses += 1
        html = str(self._render(markdown))
        self._new[key] = html
        return html

    def close(self) -> None:
        """Store what was rendered and drop what was not used; one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO rendered (key, html) VALUES (?, ?)", self._new.items()
            )
            self._db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
            self._db.executemany("INSERT INTO used VALUES (?)", ((k,) for k in self._used))
            self._db.execute("DELETE FROM rendered WHERE key NOT IN (SELECT key FROM used)")
        self._db.close()

    def __enter__(self) -> RenderCache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._db.close()  # a failed export stores nothing
