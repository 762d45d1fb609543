"""Readers for the files people upload: all or nothing.

Each parser returns every item or raises ``ImportProblems`` listing every problem it
found (up to ``MAX_PROBLEMS``), each naming its line and, for tables, its column.
"""

from peerlearn.engines.gaps.imports.problems import MAX_PROBLEMS, ImportProblems, Problem

__all__ = ["MAX_PROBLEMS", "ImportProblems", "Problem"]
