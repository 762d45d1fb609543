from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerlearn.engines.gaps.manifests import Dependency
from peerlearn.engines.gaps.new_technologies import NewDependency, new_dependencies
from peerlearn.engines.knowledge.errors import NotAGitRepository, ShallowRepository
from tests.engines.knowledge.gitrepo import BASE, GitRepo

ANN = "Ann Admin <ann@example.com>"
BOB = "Bob Builder <bob@example.com>"
CAT = "Cat Coder <Cat@Example.com>"
SINCE = datetime(2024, 6, 1, tzinfo=UTC)
BEFORE = int(BASE.timestamp())
AFTER = int(SINCE.timestamp())


def by_name(report: tuple[NewDependency, ...]) -> dict[str, NewDependency]:
    return {d.dependency.name: d for d in report}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def test_only_dependencies_added_after_since_and_still_there_are_new(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"requirements.txt": "django\nrequests\n"})
    # moved to pyproject after `since`: not new
    repo.commit(
        ANN, at=AFTER + 10, delete=("requirements.txt",),
        write={"pyproject.toml": '[project]\ndependencies = ["Django", "requests"]\n'},
    )  # fmt: skip
    first = repo.commit(
        BOB, at=AFTER + 20,
        write={"pyproject.toml": '[project]\ndependencies = ["django", "requests", "PyYAML"]\n'},
    )  # fmt: skip
    repo.commit(
        ANN, at=AFTER + 30, write={"web/package.json": '{"dependencies": {"left-pad": "1"}}'}
    )
    repo.commit(ANN, at=AFTER + 40, write={"web/package.json": '{"dependencies": {}}'})
    report = new_dependencies(repo.path, since=SINCE)
    assert [d.dependency for d in report.dependencies] == [Dependency("python", "pyyaml")]
    found = report.dependencies[0]
    assert found.commit == first
    assert found.manifest == "pyproject.toml"
    assert found.introduced_by_name == "Bob Builder"
    assert found.introduced_by_email == "bob@example.com"
    assert found.introduced_at == datetime.fromtimestamp(AFTER + 20, UTC)
    assert report.unreadable == ()


def test_malformed_version_in_the_middle_is_recorded_and_the_rest_goes_on(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"Cargo.toml": '[dependencies]\nserde = "1"\n'})
    bad = repo.commit(BOB, at=AFTER + 1, write={"Cargo.toml": "[dependencies\nserde = 1\n"})
    good = repo.commit(
        CAT, at=AFTER + 2, write={"Cargo.toml": '[dependencies]\nserde = "1"\ntokio = "1"\n'}
    )
    report = new_dependencies(repo.path, since=SINCE)
    # the bad version did not make serde look removed and added again
    assert [(d.dependency.name, d.commit) for d in report.dependencies] == [("tokio", good)]
    assert len(report.unreadable) == 1
    assert report.unreadable[0].path == "Cargo.toml"
    assert report.unreadable[0].commit == bad
    assert "invalid TOML" in report.unreadable[0].message


def test_since_before_the_root_makes_everything_new(repo: GitRepo) -> None:
    root = repo.commit(ANN, at=AFTER + 5, write={"Gemfile": "gem 'rails'\n"})
    report = new_dependencies(repo.path, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert [(d.dependency, d.commit) for d in report.dependencies] == [
        (Dependency("ruby", "rails"), root)
    ]


def test_no_manifests_gives_an_empty_report(repo: GitRepo) -> None:
    repo.commit(ANN, write={"README": "hello\n"})
    report = new_dependencies(repo.path, since=SINCE)
    assert report.dependencies == ()
    assert report.unreadable == ()


def test_renamed_manifest_and_paths_with_spaces_and_unicode(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"old dir/go.mod": "module m\nrequire a.io/x v1\n"})
    repo.commit(ANN, at=AFTER + 1, move={"old dir/go.mod": "nouveau répertoire/go.mod"})
    repo.commit(
        BOB, at=AFTER + 2,
        write={
            "nouveau répertoire/go.mod": "module m\nrequire (\n a.io/x v1\n b.io/y/v2 v2.0.0\n)\n",
            "nouveau répertoire/main file.go": 'package m\nimport (\n\ty "b.io/y/v2/sub"\n)\n',
        },
    )  # fmt: skip
    report = new_dependencies(repo.path, since=SINCE)
    assert len(report.dependencies) == 1
    found = report.dependencies[0]
    assert found.dependency == Dependency("go", "b.io/y/v2")
    assert found.manifest == "nouveau répertoire/go.mod"
    assert found.importers == ("nouveau répertoire/main file.go",)


def test_merged_branch_counts_when_it_reaches_the_main_line(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"package.json": '{"dependencies": {}}'})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(BOB, at=AFTER + 1, write={
        "package.json": '{"dependencies": {"@scope/ui": "1"}}',
        "src/app.ts": "import { Button } from '@scope/ui/button';\n",
    })  # fmt: skip
    repo.git("checkout", "-q", "main")
    merge = repo.merge(ANN, "feature", at=AFTER + 5)
    report = new_dependencies(repo.path, since=SINCE)
    found = by_name(report.dependencies)["@scope/ui"]
    assert found.commit == merge
    assert found.importers == ("src/app.ts",)
    assert found.people == 1  # Bob's branch commit counts, the merge does not


PY_FILES = {
    "app/a.py": "import yaml\nfrom bs4 import BeautifulSoup\n",
    "app/b.py": "from google.cloud.storage import Client\nimport os, dateutil.parser\n",
    "app/d.py": "from google.cloud.storage import Client\nimport os, dateutil.parser\n",
    "app/c.py": "# import yaml is only a comment here? no: a comment\nx = 1\n",
    "app/bin.py": "import yaml\0\n",
}


def test_importers_per_ecosystem_and_people(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"README": "x\n"})
    manifests = {
        "requirements.txt": "PyYAML\nbeautifulsoup4\ngoogle-cloud-storage\npython-dateutil\n",
        "package.json": '{"dependencies": {"lodash": "4"}}',
        "Cargo.toml": '[dependencies]\nserde-json = "1"\n',
        "pom.xml": "<project><dependencies><dependency><groupId>com.acme</groupId>"
        "<artifactId>core</artifactId></dependency></dependencies></project>",
        "Gemfile": "gem 'net-http'\n",
    }
    repo.commit(ANN, at=AFTER + 1, write=manifests)
    repo.commit(BOB, at=AFTER + 2, write={
        **PY_FILES,
        "web/x.js": "const _ = require('lodash/fp');\n",
        "web/y.mjs": "import './local.js'\n",
        "src/lib.rs": "use serde_json::Value;\n",
        "src/Main.java": "import com.acme.core.Thing;\n",
        "lib/t.rb": "require 'net/http'\n",
        "node_modules/lodash/index.js": "require('lodash')\n",
    })  # fmt: skip
    repo.commit(CAT, at=AFTER + 3, write={"app/a.py": "import yaml\n"})
    repo.commit("Cat Again <cat@example.com>", at=AFTER + 4, write={"app/b.py": "import yaml\n"})
    found = by_name(new_dependencies(repo.path, since=SINCE).dependencies)
    assert found["pyyaml"].importers == ("app/a.py", "app/b.py")
    assert found["pyyaml"].people == 2  # Bob and Cat (two spellings of one e-mail)
    assert found["beautifulsoup4"].importers == ()  # removed from a.py at the tip
    assert found["google-cloud-storage"].importers == ("app/d.py",)
    assert found["python-dateutil"].importers == ("app/d.py",)
    assert found["python-dateutil"].people == 1
    assert found["lodash"].importers == ("web/x.js",)
    assert found["serde-json"].importers == ("src/lib.rs",)
    assert found["com.acme:core"].importers == ("src/Main.java",)
    assert found["net-http"].importers == ("lib/t.rb",)


def test_max_importers_cuts_the_list(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"README": "x\n"})
    files = {f"m{i}.py": "import numpy\n" for i in range(5)}
    repo.commit(ANN, at=AFTER + 1, write={"requirements.txt": "numpy\n", **files})
    found = new_dependencies(repo.path, since=SINCE, max_importers=2).dependencies[0]
    assert found.importers == ("m0.py", "m1.py")
    assert found.people == 1


def test_tip_other_than_head(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"requirements.txt": "a\n"})
    tip = repo.commit(ANN, at=AFTER + 1, write={"requirements.txt": "a\nb\n"})
    repo.commit(ANN, at=AFTER + 2, write={"requirements.txt": "a\nb\nc\n"})
    names = [
        d.dependency.name for d in new_dependencies(repo.path, since=SINCE, tip=tip).dependencies
    ]
    assert names == ["b"]


def test_not_a_repository_and_shallow(tmp_path: Path, repo: GitRepo) -> None:
    with pytest.raises(NotAGitRepository):
        new_dependencies(tmp_path / "missing", since=SINCE)
    repo.commit(ANN, write={"a": "1"})
    repo.commit(ANN, write={"a": "2"})
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    with pytest.raises(ShallowRepository):
        new_dependencies(clone, since=SINCE)


def test_naive_since_is_refused(repo: GitRepo) -> None:
    repo.commit(ANN, write={"a": "1"})
    with pytest.raises(ValueError, match="timezone-aware"):
        new_dependencies(repo.path, since=datetime(2024, 1, 1))


def test_known_import_names(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"README": "x\n"})
    repo.commit(ANN, at=AFTER + 1, write={
        "requirements.txt": "django-ninja\nPillow\nscikit_learn\n",
        "api.py": "from ninja import Router\nfrom PIL import Image\nimport sklearn.svm\n",
    })  # fmt: skip
    found = by_name(new_dependencies(repo.path, since=SINCE).dependencies)
    assert {name: d.importers for name, d in found.items()} == {
        "django-ninja": ("api.py",), "pillow": ("api.py",), "scikit-learn": ("api.py",)
    }  # fmt: skip


def test_people_count_only_changes_after_the_introduction(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"app.py": "import numpy\n"})
    repo.commit(BOB, at=AFTER + 1, write={"requirements.txt": "numpy\n"})
    repo.commit(CAT, at=AFTER + 2, write={"app.py": "import numpy\nx = 1\n"})
    found = new_dependencies(repo.path, since=SINCE).dependencies[0]
    assert found.importers == ("app.py",)
    assert found.people == 1  # Cat; Ann's edit came before, Bob's commit left app.py alone


def test_deleted_manifests_vendored_ones_and_hostile_xml(repo: GitRepo) -> None:
    repo.commit(ANN, at=BEFORE, write={"README": "x\n"})
    repo.commit(ANN, at=AFTER + 1, write={
        "tools/Gemfile": "gem 'rake'\n",
        "node_modules/x/package.json": '{"dependencies": {"evil": "1"}}',
    })  # fmt: skip
    hostile = repo.commit(ANN, at=AFTER + 2, write={
        "pom.xml": '<!DOCTYPE p [<!ENTITY a "a">]><project>&a;</project>',
    })  # fmt: skip
    repo.commit(ANN, at=AFTER + 3, delete=("tools/Gemfile",))
    report = new_dependencies(repo.path, since=SINCE)
    assert report.dependencies == ()
    assert [(u.path, u.commit) for u in report.unreadable] == [("pom.xml", hostile)]
    assert "DTD" in report.unreadable[0].message
