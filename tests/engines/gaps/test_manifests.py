from __future__ import annotations

import pytest

from peerlearn.engines.gaps.manifests import (
    Dependency,
    ManifestUnreadable,
    dependencies_in,
    is_manifest,
)


def names(path: str, text: str) -> set[str]:
    return {d.name for d in dependencies_in(path, text.encode())}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pyproject.toml", True),
        ("services/api/pyproject.toml", True),
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("requirements/test.txt", True),
        ("a/requirements/base.txt", True),
        ("web/package.json", True),
        ("go.mod", True),
        ("crates/x/Cargo.toml", True),
        ("pom.xml", True),
        ("Gemfile", True),
        ("node_modules/left-pad/package.json", False),
        ("web/node_modules/a/package.json", False),
        ("vendor/github.com/x/go.mod", False),
        ("docs/notes.txt", False),
        ("Gemfile.lock", False),
        ("package-lock.json", False),
        ("mypackage.json", False),
    ],
)
def test_is_manifest(path: str, expected: bool) -> None:
    assert is_manifest(path) is expected


def test_pyproject_reads_every_section_and_normalises() -> None:
    text = """
[project]
dependencies = ["Django>=6.1", "ruamel.yaml", "requests[socks] ; python_version>'3'"]
[project.optional-dependencies]
docs = ["Sphinx_RTD_Theme"]
[dependency-groups]
dev = ["pytest", {include-group = "docs"}]
[tool.poetry.dependencies]
python = "^3.12"
Flask = "*"
[tool.poetry.group.lint.dependencies]
ruff = "*"
"""
    assert names("pyproject.toml", text) == {
        "django", "ruamel-yaml", "requests", "sphinx-rtd-theme", "pytest", "flask", "ruff"
    }  # fmt: skip


def test_requirements_skip_comments_options_urls_and_take_egg_names() -> None:
    text = (
        "# a comment\n"
        "-r base.txt\n"
        "--index-url https://example.org/simple\n"
        "-e .\n"
        "-e git+https://github.com/x/y.git#egg=Y_Lib\n"
        "https://example.org/pkg.tar.gz\n"
        "./local/dir\n"
        "Django>=6  # pinned\n"
        "numpy ; python_version >= '3.12'\n"
        "pkg @ https://example.org/pkg.whl\n"
        "long-name \\\n"
        "    >=1.0\n"
    )
    assert names("requirements.txt", text) == {"y-lib", "django", "numpy", "pkg", "long-name"}


def test_requirements_line_that_is_no_requirement_names_its_line() -> None:
    with pytest.raises(ManifestUnreadable, match=r"requirements.txt: line 2: not a requirement"):
        dependencies_in("requirements.txt", b"django\n???\n")


def test_package_json_sections() -> None:
    text = """{"name": "app", "dependencies": {"react": "^19", "@scope/pkg": "1"},
    "devDependencies": {"vitest": "1"}, "peerDependencies": {"react-dom": "*"},
    "optionalDependencies": {"fsevents": "*"}, "scripts": {"test": "vitest"}}"""
    assert names("package.json", text) == {"react", "@scope/pkg", "vitest", "react-dom", "fsevents"}


def test_go_mod_single_and_block_forms_without_indirect() -> None:
    text = """module example.com/app

go 1.22

require github.com/pkg/errors v0.9.1
require (
\tgolang.org/x/sync v0.7.0
\tgithub.com/davecgh/go-spew v1.1.1 // indirect
)
"""
    assert names("go.mod", text) == {"github.com/pkg/errors", "golang.org/x/sync"}


def test_go_mod_unclosed_block() -> None:
    with pytest.raises(ManifestUnreadable, match=r"line 2: 'require \(' is never closed"):
        dependencies_in("go.mod", b"module x\nrequire (\n a v1\n")


def test_cargo_sections_targets_workspace_and_renames() -> None:
    text = """
[dependencies]
serde = "1"
Tokio_Util = "0.7"
json = { package = "serde_json", version = "1" }
[dev-dependencies]
proptest = "1"
[build-dependencies]
cc = "1"
[target.'cfg(unix)'.dependencies]
libc = "0.2"
[workspace.dependencies]
anyhow = "1"
"""
    assert names("Cargo.toml", text) == {
        "serde", "tokio-util", "serde-json", "proptest", "cc", "libc", "anyhow"
    }  # fmt: skip


POM = """<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <dependencyManagement><dependencies><dependency>
    <groupId>managed</groupId><artifactId>only</artifactId>
  </dependency></dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId></dependency>
    <dependency><groupId>org.junit</groupId><artifactId>junit-bom</artifactId></dependency>
  </dependencies>
  <profiles><profile><dependencies><dependency>
    <groupId>org.x</groupId><artifactId>y</artifactId></dependency></dependencies></profile>
  </profiles>
</project>"""


def test_pom_dependencies_with_namespace_not_management() -> None:
    assert names("pom.xml", POM) == {"com.google.guava:guava", "org.junit:junit-bom", "org.x:y"}


def test_pom_without_namespace() -> None:
    text = "<project><dependencies><dependency><groupId>a</groupId>"
    text += "<artifactId>b</artifactId></dependency></dependencies></project>"
    assert dependencies_in("pom.xml", text.encode()) == {Dependency("maven", "a:b")}


def test_gemfile_single_and_double_quotes() -> None:
    text = "source 'https://rubygems.org'\ngem 'rails', '~> 8'\n  gem \"Pg\"\n# gem 'no'\n"
    assert names("Gemfile", text) == {"rails", "pg"}


@pytest.mark.parametrize(
    ("path", "content", "message"),
    [
        ("pyproject.toml", b"[project\n", r"pyproject.toml: invalid TOML: .*line 1"),
        ("Cargo.toml", b"[dependencies]\nserde = \n", r"invalid TOML: .*line 2"),
        ("package.json", b'{"dependencies": {"a": 1,}', r"invalid JSON at line 1, column"),
        ("package.json", b"[1, 2]", r"is not a JSON object"),
        ("package.json", b'{"dependencies": []}', r'"dependencies" is not a table'),
        ("pom.xml", b"<project><dependencies>", r"invalid XML at line 1, column \d+"),
        (
            "pom.xml",
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><project>&a;</project>',
            r"DTD or entities is refused",
        ),
        ("pom.xml", b"<other/>", r"root element is not <project>"),
        (
            "pyproject.toml",
            b'[project]\ndependencies = "x"\n',
            r"project.dependencies is not a list",
        ),
        ("pyproject.toml", b"[project]\ndependencies = [1]\n", r"holds a int"),
        ("requirements.txt", b"\xff\xfe", r"not UTF-8"),
        ("go.mod", b"require a\n", r"line 1: expected 'module version'"),
    ],
)
def test_malformed_manifests_are_refused_with_where(
    path: str, content: bytes, message: str
) -> None:
    with pytest.raises(ManifestUnreadable, match=message) as raised:
        dependencies_in(path, content)
    assert raised.value.path == path


def test_not_a_manifest_is_refused() -> None:
    with pytest.raises(ManifestUnreadable, match="not a manifest"):
        dependencies_in("src/app.py", b"")
