"""The order in which commits are replayed, chosen so that incremental runs equal full ones.

Walking HEAD's first-parent line from the oldest commit, each step brings in the commits
reachable from it and not yet seen (for a merge: the merged branch). Those are emitted
parents-first by a depth-first walk. Because each step only depends on "what is already
seen" (= the ancestors of the previous first-parent commit), replaying `old..tip` later
yields exactly the tail of the full order whenever `old` is on tip's first-parent line.

Commit ids stay as bytes: decoding 100k of them would cost more than the walk itself.
"""

from __future__ import annotations


def replay_order(parents: dict[bytes, list[bytes]], tip: bytes) -> list[bytes]:
    """Every commit of `parents` (commit -> its parents, for the commits in the range)
    reachable from tip, parents first, in segment order."""
    line: list[bytes] = []
    cursor: bytes | None = tip
    while cursor is not None:
        found = parents.get(cursor)
        if found is None:
            break
        line.append(cursor)
        cursor = found[0] if found else None
    line.reverse()

    seen: set[bytes] = set()
    ordered: list[bytes] = []
    for step in line:
        if len(parents[step]) <= 1:
            # Its only parent is the previous step (already emitted) or outside the range.
            seen.add(step)
            ordered.append(step)
        else:
            _emit_ancestors_first(step, parents, seen, ordered)
    return ordered


def _emit_ancestors_first(
    start: bytes, parents: dict[bytes, list[bytes]], seen: set[bytes], ordered: list[bytes]
) -> None:
    # Iterative post-order DFS: histories are far deeper than Python's recursion limit.
    seen.add(start)
    stack: list[tuple[bytes, int]] = [(start, 0)]
    while stack:
        commit, next_parent = stack[-1]
        own = parents[commit]
        while next_parent < len(own):
            parent = own[next_parent]
            next_parent += 1
            if parent in parents and parent not in seen:
                seen.add(parent)
                stack[-1] = (commit, next_parent)
                stack.append((parent, 0))
                break
        else:
            stack.pop()
            ordered.append(commit)
