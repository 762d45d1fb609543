"""What git may read: the roots check on exactly what git opens, and no clone URL that
reaches this server's own network. Real repositories; nothing is mocked."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerlearn.knowledge import services, sources
from peerlearn.knowledge.models import AnalysisStatus, Repository
from tests.conftest import Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo

from .conftest import ALICE, Register, latest, reanalyse

Capture = Callable[..., Any]
SECRET_FILE = "top-secret-plans.txt"


@pytest.fixture
def secret(tmp_path: Path) -> GitRepo:
    """A repository outside the allowed roots that must never be read."""
    repo = GitRepo(tmp_path / "secret")
    repo.commit(ALICE, write={SECRET_FILE: "the plans\n"})
    return repo


def refused(location: str, kind: str = "clone") -> str:
    with pytest.raises(ValidationError) as error:
        sources.check_location(kind, location)
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    "template",
    [
        "file://{roots}/%2e%2e/secret",
        "file://{roots}/%2E%2E/secret/.git",
        "file://{roots}/app/..%2f..%2fsecret",
        "file://localhost{roots}/%2e%2e/secret",
        "file://{roots}%2f..%2fsecret",
    ],
)
def test_percent_encoded_file_url_cannot_leave_the_roots(
    roots: Path, secret: GitRepo, source: GitRepo, template: str
) -> None:
    assert "outside the folders" in refused(template.format(roots=roots))


def test_percent_encoded_file_url_registration_reads_nothing_outside(
    cast: Cast, roots: Path, secret: GitRepo, register: Register
) -> None:
    with pytest.raises(ValidationError):
        register(f"file://{roots}/%2e%2e/secret")
    assert not Repository.objects.exists()


@pytest.mark.parametrize(
    ("location", "kind", "problem"),
    [
        ("file://otherhost/srv/x", "clone", "path on this server"),
        ("file://~/secret", "clone", "path on this server"),
        ("file:relative/path", "clone", "file:///path"),
        ("~/secret", "local", "not an absolute path"),
        ("~", "clone", "Use an https://"),
        ("/abs/path/as/url", "clone", "Use an https://"),
        ("./repo:with-colon", "clone", "Use an https://"),
        ("ext::sh -c id", "clone", "spaces"),
        ("ext::sh", "clone", "Remote helpers"),
        ("fd::3", "clone", "Remote helpers"),
        ("--upload-pack=id", "clone", "cannot start with"),
        ("-oProxyCommand=id@host:repo", "clone", "cannot start with"),
        ("host:-oProxyCommand=id", "clone", "starts with “-”"),
        ("ssh://-oProxyCommand=id/x", "clone", "cannot start with"),
        ("https://exa%6dple.com/x.git", "clone", "percent-encoded"),
    ],
)
def test_other_ways_to_a_local_path_or_an_option_are_refused(
    roots: Path, location: str, kind: str, problem: str
) -> None:
    assert problem in refused(location, kind)


def test_gitfile_pointing_outside_the_roots_is_refused(roots: Path, secret: GitRepo) -> None:
    trick = roots / "trick"
    trick.mkdir()
    (trick / ".git").write_text(f"gitdir: {secret.path / '.git'}\n")
    assert "outside the allowed folders" in refused(str(trick), "local")
    assert "outside the allowed folders" in refused(trick.as_uri())


def test_plain_folder_inside_a_repository_outside_the_roots_is_refused(
    tmp_path: Path, settings: Any
) -> None:
    """git would walk up from a folder that is no repository and find the outer one."""
    outer = GitRepo(tmp_path / "outer")
    outer.commit(ALICE, write={SECRET_FILE: "x\n"})
    allowed = outer.path / "allowed"
    (allowed / "plain").mkdir(parents=True)
    settings.KNOWLEDGE_REPOSITORY_ROOTS = [str(allowed)]
    assert "not a git repository" in refused(str(allowed / "plain"), "local")


def test_alternates_outside_the_roots_are_refused(
    roots: Path, secret: GitRepo, source: GitRepo
) -> None:
    borrowed = roots / "borrowed.git"
    shutil.copytree(source.path / ".git", borrowed)
    (borrowed / "objects" / "info").mkdir(exist_ok=True)
    (borrowed / "objects" / "info" / "alternates").write_text(
        f"{secret.path / '.git' / 'objects'}\n"
    )
    assert "outside the allowed folders" in refused(str(borrowed), "local")


def test_symlinked_object_store_is_refused(roots: Path, secret: GitRepo) -> None:
    fake = roots / "fake.git"
    fake.mkdir()
    (fake / "HEAD").write_text("ref: refs/heads/main\n")
    (fake / "refs").mkdir()
    (fake / "objects").symlink_to(secret.path / ".git" / "objects")
    assert "outside the allowed folders" in refused(str(fake), "local")


def test_symlink_swapped_after_registration_is_refused_at_fetch(
    cast: Cast,
    source: GitRepo,
    secret: GitRepo,
    roots: Path,
    register: Register,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    for kind, location in (("local", str(source.path)), ("clone", source.path.as_uri())):
        repository = register(location, kind=kind, name=kind)
        assert latest(repository).status == AnalysisStatus.DONE, latest(repository).error
    moved = roots / "moved-away"
    source.path.rename(moved)
    source.path.symlink_to(secret.path)
    for repository in Repository.objects.all():
        failed = reanalyse(repository, django_capture_on_commit_callbacks)
        assert failed.status == AnalysisStatus.FAILED
        assert "outside the folders" in failed.error
        good = repository.analyses.filter(status=AnalysisStatus.DONE).get()
        assert SECRET_FILE not in good.result
        assert "src/core.py" in good.result  # the last good map stays


# --- the network --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x.git",
        "https://127.1/x.git",
        "https://2130706433/x.git",
        "https://0x7f.0.0.1/x.git",
        "https://localhost/x.git",
        "https://LOCALHOST./x.git",
        "https://[::1]/x.git",
        "https://[::ffff:127.0.0.1]/x.git",
        "https://0.0.0.0/x.git",
        "https://10.1.2.3/x.git",
        "https://172.16.0.1:8443/x.git",
        "https://192.168.1.1/x.git",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/x.git",
        "https://[fe80::1]/x.git",
        "https://[fd00::1]/x.git",
        "ssh://git@10.0.0.1/x.git",
        "git@192.168.0.10:org/x.git",
        "localhost:org/x.git",
    ],
)
def test_clone_urls_to_non_public_addresses_are_refused(roots: Path, url: str) -> None:
    assert "public" in refused(url)


def test_private_addresses_are_allowed_when_the_operator_says_so(
    roots: Path, settings: Any
) -> None:
    settings.KNOWLEDGE_CLONE_ALLOW_PRIVATE = True
    assert sources.check_clone_url("https://10.1.2.3/x.git") == "https://10.1.2.3/x.git"


def _name_of_this_machine() -> str:
    name = socket.gethostname()
    try:
        found = socket.getaddrinfo(name, 443, type=socket.SOCK_STREAM)
    except socket.gaierror:
        pytest.skip("this machine's name does not resolve")
    if any(ipaddress.ip_address(entry[4][0]).is_global for entry in found):
        pytest.skip("this machine's name resolves to a public address")
    return name


def test_host_name_resolving_to_a_private_address_is_refused_before_git_runs(
    cast: Cast, roots: Path, register: Register
) -> None:
    """The name passes registration (no DNS there); the worker resolves it, checks every
    address, and git is never started."""
    name = _name_of_this_machine()
    repository = register(f"https://{name}/org/x.git")
    analysis = latest(repository)
    assert analysis.status == AnalysisStatus.FAILED
    assert analysis.error.startswith(f"Refused to connect: {name.lower()} resolves to")
    assert "not a public address" in analysis.error
    assert not sources.clone_directory(repository).exists()


def test_checked_addresses_are_pinned_and_redirects_and_other_protocols_are_off(
    cast: Cast, roots: Path, settings: Any
) -> None:
    settings.KNOWLEDGE_CLONE_ALLOW_PRIVATE = True
    repository = Repository(
        team=cast.platform, name="x", kind="clone", location="https://127.0.0.1:9/x.git", pk=1
    )
    source = sources.git_source(repository)
    assert source.protocol == "https"
    assert "http.curloptResolve=127.0.0.1:9:127.0.0.1" in source.config
    assert "http.followRedirects=false" in source.config
    ssh = sources.git_source(
        Repository(team=cast.platform, name="y", kind="clone", location="git@127.0.0.1:x", pk=2)
    )
    assert ssh.protocol == "ssh"
    assert "Hostname=127.0.0.1" in ssh.env["GIT_SSH_COMMAND"]
    assert "HostKeyAlias=127.0.0.1" in ssh.env["GIT_SSH_COMMAND"]


def test_git_details_are_shown_only_to_those_who_can_change_the_repository(
    cast: Cast, roots: Path, register: Register, settings: Any
) -> None:
    settings.KNOWLEDGE_CLONE_ALLOW_PRIVATE = True
    with socket.socket() as probe:  # a port that is certainly closed: bound, not listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        repository = register(f"https://127.0.0.1:{port}/x.git")
    failed = latest(repository)
    assert failed.status == AnalysisStatus.FAILED
    assert "git clone failed" in failed.error
    detail = "git clone failed"
    page = reverse("knowledge:repository", args=[repository.pk])
    listing = reverse("knowledge:team_repositories", args=[cast.platform.pk])
    for viewer in (cast.bob,):  # a plain member
        for address in (page, listing):
            body = client_for(viewer).get(address).content.decode()
            assert detail not in body
            assert str(port) not in body.replace(repository.location, "")
            assert "could not be analysed" in body
    for viewer in (cast.fiona, cast.alice, cast.olga):  # facilitator, lead, org admin
        body = client_for(viewer).get(page).content.decode()
        assert detail in body


def test_service_refuses_a_private_clone_url_on_its_field(cast: Cast, roots: Path) -> None:
    with pytest.raises(ValidationError) as error:
        services.repository_create(
            team=cast.platform,
            created_by=cast.fiona,
            name="x",
            kind="clone",
            location="https://169.254.169.254/x.git",
        )
    assert "public" in error.value.message_dict["location"][0]
