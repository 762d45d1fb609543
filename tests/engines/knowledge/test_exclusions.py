"""Vendored trees, generated and lock files, binaries: left out, counted, configurable."""

from __future__ import annotations

import pytest

from peerlearn.engines.knowledge import AnalysisOptions, ExclusionRules, analyze_repository

from .conftest import ALICE, NOW
from .gitrepo import GitRepo


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("vendor/lib/x.go", "vendored"),
        ("web/node_modules/left-pad/index.js", "vendored"),
        ("src/third_party/zlib.c", "vendored"),
        ("package-lock.json", "generated"),
        ("api/poetry.lock", "generated"),
        ("static/app.min.js", "generated"),
        ("proto/user.pb.go", "generated"),
        ("logo.PNG", "binary"),
        ("src/main.py", None),
        ("vendor.py", None),  # a file named like a vendored directory is fine
        ("docs/minimal.js", None),
    ],
)
def test_default_rules(path: str, reason: str | None) -> None:
    assert ExclusionRules().reason(path) == reason


def test_extra_patterns_and_no_defaults() -> None:
    rules = ExclusionRules(extra_patterns=("docs/*", "*.snap"))
    assert rules.reason("docs/a/b.md") == "configured"
    assert rules.reason("tests/__snapshots__/x.snap") == "configured"
    assert ExclusionRules.none().reason("vendor/x.go") is None
    assert "node_modules" in ExclusionRules().describe()["vendored_dirs"]


def test_excluded_files_are_counted_not_analysed(repo: GitRepo) -> None:
    repo.commit(
        ALICE,
        write={
            "src/app.py": "x\n",
            "vendor/dep/dep.py": "x\n",
            "yarn.lock": "x\n",
            "img/logo.png": "not really a png\n",
        },
    )
    knowledge = analyze_repository(repo.path, now=NOW).map
    assert [f.path for f in knowledge.files] == ["src/app.py"]
    assert knowledge.excluded_files == {"binary": 1, "generated": 1, "vendored": 1}

    everything = AnalysisOptions(exclusions=ExclusionRules.none())
    assert len(analyze_repository(repo.path, everything, now=NOW).map.files) == 4


def test_reasons_for_many_paths_agree_with_one_at_a_time() -> None:
    paths = [
        "vendor/lib/x.go",
        "vendor/lib/y.go",
        "src/main.py",
        "src/logo.PNG",
        ".bashrc",
        "Makefile",
        "a/b/package-lock.json",
        "docs/guide.md",
        "docs/deep/api.md",
        "vendor.py",
    ]
    for rules in (
        ExclusionRules(),
        ExclusionRules.none(),
        ExclusionRules(extra_patterns=("docs/*",), binary_extensions=("bashrc",)),
    ):
        expected = {p: r for p in paths if (r := rules.reason(p)) is not None}
        assert rules.reasons(paths) == expected
