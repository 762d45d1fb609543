"""Invariants over random histories: as plain data, and as real repositories."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerlearn.engines.knowledge import AnalysisOptions, HistoryState, analyze_repository, build_map

NOW = datetime(2024, 6, 1, tzinfo=UTC)
PEOPLE = [("Ann", "ann@x"), ("Ben", "ben@x"), ("Cy", "cy@x"), ("ann", "ann@home"), ("D", "d@x")]
PATHS = ["a.py", "b.py", "src/c.py", "src/d.py", "src/deep/e.py", "docs/f.md"]

# One change: (kind, path index, other path index); kinds: add, modify, delete, rename.
change = st.tuples(st.sampled_from("AMDR"), st.integers(0, 5), st.integers(0, 5))
commit = st.tuples(st.integers(0, len(PEOPLE) - 1), st.lists(change, min_size=1, max_size=3))
history = st.lists(commit, min_size=1, max_size=40)


def replay(commits: list[tuple[int, list[tuple[str, int, int]]]]) -> HistoryState:
    state = HistoryState(tip="x")
    for at, (person, changes) in enumerate(commits):
        ident = state.begin_commit(*PEOPLE[person], 1_700_000_000 + at * 3600)
        for kind, first, second in changes:
            path, other = PATHS[first], PATHS[second]
            if kind == "A" and path not in state.files:
                state.add(ident, path, at)
            elif kind == "M" and path in state.files:
                state.modify(ident, path, at)
            elif kind == "D":
                state.delete(path)
            elif kind == "R" and path in state.files and other not in state.files:
                state.rename(ident, path, other, at)
    return state


@settings(max_examples=200, deadline=None)
@given(history, st.sets(st.sampled_from(["ann@x", "ben@x", "cy@x", "d@x"])))
def test_model_invariants(
    commits: list[tuple[int, list[tuple[str, int, int]]]], leaving: set[str]
) -> None:
    state = replay(commits)
    tree = dict.fromkeys(state.files, 1)
    knowledge = build_map(state, tree, AnalysisOptions(), NOW)

    authors_anywhere = {p for entry in knowledge.files for p in entry.authors}
    for entry in knowledge.files:
        assert all(0 < a.normalised <= 1 for a in entry.authorships)
        assert entry.authors, f"{entry.path} has history but no author"
    assert 0 <= knowledge.truck_factor.value <= len(authors_anywhere)

    before = knowledge.what_if([])
    assert before.orphaned_files == ()
    some = knowledge.what_if(leaving)
    more = knowledge.what_if(leaving | {"ben@x"})
    assert set(some.orphaned_files) <= set(more.orphaned_files)
    had_author = {entry.path for entry in knowledge.files if entry.authors}
    assert set(more.orphaned_files) <= had_author


# -- real repositories -------------------------------------------------------------------


@dataclass
class Builder:
    """Writes a fast-import stream for a random history with a side branch and merges."""

    stream: bytearray
    mark: int = 0
    clock: int = 1_700_000_000

    def commit(self, ref: str, person: int, files: dict[str, str], parents: list[int]) -> int:
        self.mark += 1
        self.clock += 3600
        name, email = PEOPLE[person]
        ident = f"{name} <{email}> {self.clock} +0000"
        out = f"commit {ref}\nmark :{self.mark}\nauthor {ident}\ncommitter {ident}\ndata 1\nx\n"
        if parents:
            out += f"from :{parents[0]}\n" + "".join(f"merge :{p}\n" for p in parents[1:])
        out += "deleteall\n"
        for path, content in sorted(files.items()):
            data = content.encode()
            out += f"M 100644 inline {path}\ndata {len(data)}\n"
            self.stream += out.encode() + data + b"\n"
            out = ""
        self.stream += out.encode() + b"\n"
        return self.mark


def content(file_id: int, version: int) -> str:
    return "".join(f"file {file_id} line {i} with some words\n" for i in range(8)) + f"v{version}\n"


step = st.tuples(
    st.sampled_from(["main", "main", "side", "merge"]),
    st.integers(0, len(PEOPLE) - 1),
    st.lists(change, min_size=1, max_size=2),
)


def build_repository(
    path: Path, steps: list[tuple[str, int, list[tuple[str, int, int]]]]
) -> list[str]:
    """Create the repository; return the main-branch commit ids, oldest first."""
    builder = Builder(bytearray())
    trees: dict[str, dict[str, tuple[int, int]]] = {"main": {}, "side": {}}
    tips: dict[str, int] = {"main": 0, "side": 0}
    main_marks: list[int] = []
    next_id = 0
    for branch, person, changes in steps:
        if branch == "merge":
            if not tips["side"] or not tips["main"]:
                continue
            merged = {**trees["side"], **trees["main"]}
            mark = builder.commit(
                "refs/heads/main", person, _render(merged), [tips["main"], tips["side"]]
            )
            trees["main"] = dict(merged)
            trees["side"], tips["side"] = dict(merged), mark
            tips["main"] = mark
            main_marks.append(mark)
            continue
        tree = trees[branch]
        for kind, first, second in changes:
            name, other = PATHS[first], PATHS[second]
            if kind == "A" and name not in tree:
                next_id += 1
                tree[name] = (next_id, 0)
            elif kind == "M" and name in tree:
                tree[name] = (tree[name][0], tree[name][1] + 1)
            elif kind == "D":
                tree.pop(name, None)
            elif kind == "R" and name in tree and other not in tree:
                tree[other] = tree.pop(name)
        parent = tips[branch] or tips["main"]
        mark = builder.commit(
            f"refs/heads/{branch}", person, _render(tree), [parent] if parent else []
        )
        tips[branch] = mark
        if branch == "main":
            main_marks.append(mark)
    if not main_marks:
        return []
    assert path.is_absolute()  # never create a repository relative to the working dir
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    marks_file = path / ".git" / "marks"
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet", f"--export-marks={marks_file}"],
        input=bytes(builder.stream),
        check=True,
    )
    marks = dict(line.split() for line in marks_file.read_text().splitlines())
    return [marks[f":{m}"] for m in main_marks]


def _render(tree: dict[str, tuple[int, int]]) -> dict[str, str]:
    return {path: content(file_id, version) for path, (file_id, version) in tree.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=2, max_size=25), cuts=st.lists(st.floats(0, 1), max_size=3))
def test_incremental_equals_full_on_random_repositories(
    steps: list[tuple[str, int, list[tuple[str, int, int]]]],
    cuts: list[float],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "repo"
        main = build_repository(path, steps)
        if not main:
            return
        state = None
        for cut in sorted(cuts):
            point = main[int(cut * (len(main) - 1))]
            subprocess.run(
                ["git", "-C", str(path), "update-ref", "refs/heads/main", point], check=True
            )
            state = analyze_repository(path, previous=state, now=NOW).state
        subprocess.run(
            ["git", "-C", str(path), "update-ref", "refs/heads/main", main[-1]], check=True
        )
        stepwise = analyze_repository(path, previous=state, now=NOW)
        full = analyze_repository(path, now=NOW)
        assert stepwise.state.to_dict() == full.state.to_dict()
        assert stepwise.map == full.map
        tree = subprocess.run(
            ["git", "-C", str(path), "ls-tree", "-r", "--name-only", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert {f.path for f in full.map.files} <= set(tree)
