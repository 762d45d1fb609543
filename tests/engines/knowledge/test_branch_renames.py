"""Changes made on a branch to a file's old name, merged after the rename, land on the file.

The property test builds branchy histories with real `git` (checkout, mv, merge) that
merge without conflicts, keeps its own account of which change belongs to which file,
and checks at every tip of main that the state's live files are `git ls-tree -r` and that
each file holds exactly the changes made to it under any of its names, by anyone.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerlearn.engines.knowledge import HistoryState, analyze_repository

from .conftest import ALICE, BOB, CAROL, NOW
from .gitrepo import GitRepo

LINES = 20
MAIN_LINE, SIDE_LINE = 2, 17  # far apart, so edits on both branches merge cleanly


def body(file_id: int, edits: dict[int, str] | None = None) -> str:
    lines = [f"file {file_id} line {i} with enough words to be recognised\n" for i in range(LINES)]
    for number, line in (edits or {}).items():
        lines[number] = line
    return "".join(lines)


def edit(repo: GitRepo, path: str, line: int, tag: str) -> None:
    lines = (repo.path / path).read_text().splitlines(keepends=True)
    lines[line] = f"{tag}\n"
    repo.write(path, "".join(lines))


def test_branch_edit_to_an_old_name_is_followed_through_the_rename(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"src/old.py": body(1)})
    repo.git("checkout", "-q", "-b", "feature")
    edit(repo, "src/old.py", SIDE_LINE, "bob one")
    repo.commit(BOB)
    edit(repo, "src/old.py", SIDE_LINE + 1, "bob two")
    repo.commit(BOB)
    repo.git("checkout", "-q", "main")
    repo.commit(ALICE, move={"src/old.py": "src/mid.py"})
    repo.commit(ALICE, move={"src/mid.py": "lib/new.py"})  # a chain of renames
    repo.merge(CAROL, "feature")

    run = analyze_repository(repo.path, now=NOW)
    assert set(run.state.files) == {"lib/new.py"}  # no record left on the old name
    entry = run.map.files[0]
    assert entry.path == "lib/new.py"
    deliveries = {a.person: a.deliveries for a in entry.authorships}
    assert deliveries == {"alice@example.com": 2, "bob@example.com": 2}
    assert entry.changes == 4


def test_a_new_file_at_an_old_name_is_not_taken_for_the_renamed_one(repo: GitRepo) -> None:
    repo.commit(ALICE, write={"a.py": body(1)})
    repo.commit(ALICE, move={"a.py": "b.py"})
    repo.commit(BOB, write={"a.py": body(2)})
    edit(repo, "a.py", 3, "bob again")
    repo.commit(BOB)
    run = analyze_repository(repo.path, now=NOW)
    by_path = {f.path: f for f in run.map.files}
    assert by_path["a.py"].authors == ("bob@example.com",)
    assert by_path["b.py"].changes == 1  # only Alice's rename


# -- the property ----------------------------------------------------------------------

PEOPLE = [ALICE, BOB, CAROL]
OPERATIONS = ("modify", "modify", "rename", "rename", "add", "delete", "merge", "sync")


@dataclass
class Model:
    """What the test knows: per branch, the changes its history holds and who made them."""

    repo: GitRepo
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # branch -> the ids of the changes (deliveries) in its history: (change, file id)
    changes: dict[str, set[tuple[int, int]]] = field(default_factory=lambda: {"main": set()})
    creators: dict[int, str] = field(default_factory=dict)
    # What each branch did to each file since the other last saw it (conflict avoidance).
    touched: dict[str, dict[int, set[str]]] = field(
        default_factory=lambda: {"main": {}, "side": {}}
    )
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    branch: str = "main"

    def files(self) -> dict[int, str]:
        """File id -> path on the checked-out branch, read from the working tree."""
        found = {}
        for path in self.repo.path.rglob("*.py"):
            if ".git" not in path.parts:
                file_id = int(path.read_text().split()[1])
                found[file_id] = path.relative_to(self.repo.path).as_posix()
        return found

    def checkout(self, branch: str) -> None:
        if self.branch != branch:
            self.repo.git("checkout", "-q", branch)
            self.branch = branch

    def allowed(self, file_id: int, action: str) -> bool:
        """False for what git could not merge without a person: a change against a
        delete, or a rename against a rename."""
        other = "side" if self.branch == "main" else "main"
        theirs = self.touched[other].get(file_id, set())
        if "delete" in theirs:
            return False
        if action == "delete":
            return not theirs
        return action != "rename" or "rename" not in theirs

    def note(self, file_id: int, action: str) -> None:
        self.touched[self.branch].setdefault(file_id, set()).add(action)
        if action in ("modify", "rename"):
            self.changes[self.branch].add((next(self.counter), file_id))

    def step(self, branch: str, operation: str, person: int, pick: int) -> bool:
        """Do one operation on `branch` (made from main when missing) if it applies; True
        when main got a new tip."""
        author = PEOPLE[person]
        repo = self.repo
        if operation in ("merge", "sync"):
            if "side" not in self.changes:
                return False
            into, source = ("main", "side") if operation == "merge" else ("side", "main")
            self.checkout(into)
            repo.merge(author, source)
            self.changes[into] |= self.changes[source]
            self.touched[source] = {}  # the receiving branch has seen all of it now
            if operation == "merge":
                del self.changes["side"]
                repo.git("branch", "-q", "-D", "side")
                self.touched = {"main": {}, "side": {}}
            return into == "main"
        if branch == "side" and "side" not in self.changes:
            self.checkout("main")
            repo.git("checkout", "-q", "-b", "side")
            self.branch = "side"
            self.changes["side"] = set(self.changes["main"])
            self.touched = {"main": {}, "side": {}}
        self.checkout(branch)
        files = self.files()
        if operation == "add" or not files:
            file_id = next(self.ids)
            self.creators[file_id] = author
            directory = ("", "src/", "src/deep/")[pick % 3]
            repo.commit(author, write={f"{directory}f{file_id}.py": body(file_id)})
            return self.branch == "main"
        file_id = sorted(files)[pick % len(files)]
        if not self.allowed(file_id, operation):
            return False
        path = files[file_id]
        if operation == "modify":
            line = MAIN_LINE if self.branch == "main" else SIDE_LINE
            edit(repo, path, line, f"{self.branch} edit {next(self.names)}")
            repo.commit(author)
        elif operation == "rename":
            directory = ("", "src/", "lib/")[pick % 3]
            repo.commit(author, move={path: f"{directory}r{next(self.names)}.py"})
        else:
            repo.commit(author, delete=(path,))
        self.note(file_id, operation)
        return self.branch == "main"

    def expected(self) -> dict[str, tuple[int, str]]:
        """Path at main's tip -> (changes to that file under any name, its creator)."""
        per_file = Counter(file_id for _, file_id in self.changes["main"])
        return {
            path: (per_file[file_id], self.creators[file_id])
            for file_id, path in self.files().items()
        }


def check_tip(model: Model, state: HistoryState) -> None:
    tree = set(model.repo.git("ls-tree", "-r", "--name-only", "HEAD").split())
    assert set(state.files) == tree
    identities = state.identities
    for path, (changes, creator) in model.expected().items():
        record = state.files[path]
        assert sum(dl for _, dl in record.contributors.values()) == changes, path
        first = min(record.contributors.items(), key=lambda item: item[1][0])[0]
        assert "{} <{}>".format(*identities[first]) == creator, path


step = st.tuples(
    st.sampled_from(["main", "side"]),
    st.sampled_from(OPERATIONS),
    st.integers(0, 2),
    st.integers(0, 50),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=5, max_size=30))
def test_live_files_are_the_tree_and_every_change_lands_on_one(
    steps: list[tuple[str, str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        repo = GitRepo(Path(scratch) / "repo")
        # A file added to a directory the other branch emptied by renames is a conflict.
        repo.git("config", "merge.directoryRenames", "false")
        model = Model(repo)
        for person in range(3):
            model.step("main", "add", person, person)
        state = analyze_repository(repo.path, now=NOW).state
        for branch, operation, person, pick in steps:
            if model.step(branch, operation, person, pick):
                model.checkout("main")
                state = analyze_repository(repo.path, previous=state, now=NOW).state
                check_tip(model, state)
        if "side" in model.changes:
            model.step("main", "merge", 0, 0)
        model.checkout("main")
        stepwise = analyze_repository(repo.path, previous=state, now=NOW)
        full = analyze_repository(repo.path, now=NOW)
        check_tip(model, full.state)
        assert stepwise.state.to_dict() == full.state.to_dict()
        assert stepwise.map == full.map
