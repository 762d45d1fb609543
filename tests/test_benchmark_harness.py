"""The web page benchmark's own judgement: which runs it throws away."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
_NAME = "peerlearn_benchmarks_web_pages"


def _web_pages() -> ModuleType:
    if _NAME in sys.modules:
        return sys.modules[_NAME]
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(_NAME, BENCHMARKS / "web_pages.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module  # dataclasses look their module up while defined
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_a_run_where_one_worker_did_all_the_work_is_unbalanced() -> None:
    web_pages = _web_pages()
    before = {101: 10.0, 102: 20.0}
    assert not web_pages.workers_balanced(before, {101: 14.9, 102: 20.1})
    assert web_pages.workers_balanced(before, {101: 12.0, 102: 22.5})
    assert web_pages.worker_cpu_used(before, {101: 12.0, 102: 22.5}) == [2.0, 2.5]


def test_a_worker_started_mid_run_counts_from_zero() -> None:
    web_pages = _web_pages()
    assert web_pages.worker_cpu_used({101: 1.0}, {101: 2.0, 103: 0.5}) == [1.0, 0.5]
    assert web_pages.workers_balanced({}, {})
