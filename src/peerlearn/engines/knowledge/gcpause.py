"""Pausing Python's cyclic garbage collector while many objects are made at once.

Loading a saved state and building a map create a few hundred thousand small objects
(lists, dicts, dataclasses) that all stay alive and form no reference cycles. Each
collection triggered meanwhile walks every tracked object made so far: on a
100k-commit history that was about a third of an incremental update (docs/benchmarks.md,
"Knowledge map"). Nothing made here needs the collector (reference counting frees it),
so it is paused for the duration and resumed afterwards, and left alone when the caller
already disabled it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
