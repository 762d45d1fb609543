"""Rendered Markdown kept between exports, so an export after a few edits renders a few.

Rendering (markdown-it-py, then nh3) is most of the HTML site's cost: ~1.5 ms a page.
`RenderCache` wraps the caller's renderer and keeps its results in an SQLite file (the
standard library's), keyed by the SHA-256 of the source and a `version` the caller
changes whenever the renderer's output may change (a new allowlist, a new markdown-it).
`close()` forgets entries this export did not use, so the file holds one site's worth.

`prefetch(sources, workers=n)` renders the sources not cached yet in n processes first
(a full export of 10,000 pages spends ~16 s rendering on one core). The processes are
started with "spawn", never forked from the caller (a web or task worker with threads
and open connections), so the renderer must be a module-level function.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

_CHUNK = 64


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

    def _key(self, markdown: str) -> str:
        return hashlib.sha256(f"{self._version}\0{markdown}".encode("utf-8", "replace")).hexdigest()

    def prefetch(self, sources: Iterable[str], *, workers: int) -> int:
        """Render the sources not cached yet, in `workers` processes; how many it rendered."""
        missing: dict[str, str] = {}
        for markdown in sources:
            key = self._key(markdown)
            if key in self._new or key in missing:
                continue
            row = self._db.execute("SELECT 1 FROM rendered WHERE key = ?", (key,)).fetchone()
            if row is None:
                missing[key] = markdown
        if workers <= 1 or len(missing) < 2 * _CHUNK:
            return 0  # not worth starting processes: __call__ renders them as they come
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            rendered = pool.map(self._render, missing.values(), chunksize=_CHUNK)
            for key, html in zip(missing, rendered, strict=True):
                self._new[key] = str(html)
        self.misses += len(missing)
        return len(missing)

    def __call__(self, markdown: str) -> str:
        key = self._key(markdown)
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
