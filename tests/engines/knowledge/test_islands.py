"""Directories, main authors and knowledge islands with active and inactive people."""

from __future__ import annotations

from datetime import UTC, datetime

from peerlearn.engines.knowledge import AnalysisOptions, analyze_repository

from .conftest import ALICE, BOB, CAROL
from .gitrepo import GitRepo, text

DAY = 86400


def test_islands_count_only_active_authors(repo: GitRepo) -> None:
    start = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
    # Carol wrote core/ long ago and left; Alice and Bob are active.
    repo.commit(CAROL, write={"core/a.py": text(5), "core/b.py": text(5, "b")}, at=start)
    repo.commit(ALICE, write={"core/a.py": text(5) + "x\n"}, at=start + 300 * DAY)
    repo.commit(ALICE, write={"core/a.py": text(5) + "y\n"}, at=start + 301 * DAY)
    repo.commit(
        ALICE, write={"ui/view.py": text(30, "v"), "ui/form.py": "f\n"}, at=start + 400 * DAY
    )
    repo.commit(BOB, write={"api/x.py": "x\n"}, at=start + 410 * DAY)
    now = datetime.fromtimestamp(start + 420 * DAY, UTC)

    knowledge = analyze_repository(repo.path, AnalysisOptions(active_months=6), now=now).map

    assert set(knowledge.active_people) == {"alice@example.com", "bob@example.com"}
    islands = {(i.kind, i.path): i.person for i in knowledge.islands}
    assert islands[("directory", "ui")] == "alice@example.com"
    assert islands[("file", "api/x.py")] == "bob@example.com"
    # core/b.py has only Carol (inactive): orphaned, not an island.
    assert ("file", "core/b.py") not in islands
    kinds = [i.kind for i in knowledge.islands]
    assert kinds == sorted(kinds, key=lambda k: k != "directory")
    directories = {d.path: d for d in knowledge.directories}
    assert directories["core"].files_without_active_author == 1
    assert directories["ui"].main_author == "alice@example.com"
    assert directories[""].files == 5
    sizes = [i.size for i in knowledge.islands if i.kind == "file"]
    assert sizes == sorted(sizes, reverse=True)
