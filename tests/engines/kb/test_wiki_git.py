"""push_wiki against a real bare repository made here, read back with a fresh clone."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from peerlearn.engines.kb import MANIFEST, wiki_git, wiki_tree
from peerlearn.engines.kb.wiki_git import (
    AuthRefused,
    PushRejected,
    RemoteUnreachable,
    WikiPushError,
    classify,
    push_wiki,
    redact,
)

from .pages import markdown_links, sample

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=cwd, env=ENV, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "wiki.git"
    git("init", "--quiet", "--bare", "--initial-branch=master", str(bare))
    return bare


def push(remote: Path, workdir: Path, files: dict[str, bytes], **kw: Any) -> wiki_git.PushResult:
    return push_wiki(
        files, str(remote), author_name="Peerlearn", author_email="kb@example.com",
        message=kw.pop("message", "Update knowledge base"), workdir=workdir, **kw,
    )  # fmt: skip


def clone(remote: Path, target: Path) -> Path:
    git("clone", "--quiet", str(remote), str(target))
    return target


def commits(remote: Path) -> int:
    return int(git("--git-dir", str(remote), "rev-list", "--count", "master").strip())


def test_first_push_publishes_every_page_with_working_links(tmp_path: Path, remote: Path) -> None:
    files = wiki_tree(sample())
    result = push(remote, tmp_path / "work", files)
    assert result.changed
    assert result.branch == "master"
    assert result.commit
    assert result.summary.startswith(f"pushed {result.commit[:12]} to master")
    copy = clone(remote, tmp_path / "copy")
    for path, data in files.items():
        assert (copy / path).read_bytes() == data
    names = {p.stem for p in copy.glob("*.md")}
    for path in files:
        for link in markdown_links((copy / path).read_text()):
            assert link in names
    assert (copy / MANIFEST).exists()
    log = git("log", "--format=%an <%ae> %s", cwd=copy).strip()
    assert log == "Peerlearn <kb@example.com> Update knowledge base"


def test_pushing_the_same_pages_again_makes_no_commit(tmp_path: Path, remote: Path) -> None:
    files = wiki_tree(sample())
    push(remote, tmp_path / "work", files)
    again = push(remote, tmp_path / "work", files)
    assert not again.changed
    assert again.commit is None
    assert again.summary == "no change"
    fresh = push(remote, tmp_path / "other-work", files)  # a new clone sees no change either
    assert not fresh.changed
    assert commits(remote) == 1


def test_a_changed_page_makes_one_commit_and_a_removed_page_goes(
    tmp_path: Path, remote: Path
) -> None:
    pages = sample()
    push(remote, tmp_path / "work", wiki_tree(pages))
    changed = [*pages[:2], replace(pages[2], summary="New.")]
    result = push(remote, tmp_path / "work", wiki_tree(changed))
    assert result.report.written == ("Pairing-on-the-DB.md",)
    assert commits(remote) == 2
    result = push(remote, tmp_path / "work", wiki_tree(pages[:2]))
    assert "Pairing-on-the-DB.md" in result.report.removed
    copy = clone(remote, tmp_path / "copy")
    assert not (copy / "Pairing-on-the-DB.md").exists()
    assert (copy / "Intro-to-Git.md").exists()
    assert commits(remote) == 3


def test_pages_people_added_in_the_wiki_are_kept(tmp_path: Path, remote: Path) -> None:
    push(remote, tmp_path / "work", wiki_tree(sample()))
    person = clone(remote, tmp_path / "person")
    (person / "Hand-written.md").write_text("by a person\n")
    git("add", "Hand-written.md", cwd=person)
    git("commit", "-q", "-m", "a page by hand", cwd=person)
    git("push", "-q", "origin", "master", cwd=person)
    result = push(remote, tmp_path / "work", wiki_tree(sample()[:1]))
    assert result.changed
    copy = clone(remote, tmp_path / "copy")
    assert (copy / "Hand-written.md").read_text() == "by a person\n"
    assert not (copy / "Kubernetes-basics.md").exists()


def test_a_push_raced_by_an_edit_is_redone_on_top_once(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    push(remote, tmp_path / "work", wiki_tree(sample()))
    person = clone(remote, tmp_path / "person")
    real = wiki_git._git
    raced: list[bool] = []

    def edit_before_our_first_push(g: Any, args: tuple[str, ...], *, check: bool) -> Any:
        if args[0] == "push" and not raced:
            raced.append(True)
            (person / "Edited.md").write_text("meanwhile\n")
            git("add", "Edited.md", cwd=person)
            git("commit", "-q", "-m", "edit meanwhile", cwd=person)
            git("push", "-q", "origin", "master", cwd=person)
        return real(g, args, check=check)

    monkeypatch.setattr(wiki_git, "_git", edit_before_our_first_push)
    result = push(remote, tmp_path / "work", wiki_tree(sample()[:2]))
    assert raced
    assert result.changed
    copy = clone(remote, tmp_path / "copy")
    assert (copy / "Edited.md").exists()
    assert not (copy / "Pairing-on-the-DB.md").exists()
    assert git("log", "--format=%P", "-1", cwd=copy).count(" ") == 0  # no merge commit
    assert commits(remote) == 3


def test_a_push_raced_twice_is_reported(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    push(remote, tmp_path / "work", wiki_tree(sample()))
    person = clone(remote, tmp_path / "person")
    real = wiki_git._git
    count = iter(range(100))

    def edit_before_every_push(g: Any, args: tuple[str, ...], *, check: bool) -> Any:
        if args[0] == "push":
            (person / "Edited.md").write_text(f"edit {next(count)}\n")
            git("add", "Edited.md", cwd=person)
            git("commit", "-q", "-m", "edit", cwd=person)
            git("push", "-q", "origin", "master", cwd=person)
        return real(g, args, check=check)

    monkeypatch.setattr(wiki_git, "_git", edit_before_every_push)
    with pytest.raises(PushRejected, match="the wiki changed meanwhile"):
        push(remote, tmp_path / "work", wiki_tree(sample()[:2]))


def test_an_unreachable_remote_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RemoteUnreachable, match="cannot reach the wiki"):
        push(tmp_path / "missing.git", tmp_path / "work", {"Home.md": b"x"})
    assert not (tmp_path / "work").exists()


def test_a_protocol_not_allowed_is_refused(tmp_path: Path, remote: Path) -> None:
    with pytest.raises(RemoteUnreachable):
        push(remote, tmp_path / "work", {"Home.md": b"x"}, protocols="https")


def test_a_branch_can_be_chosen(tmp_path: Path, remote: Path) -> None:
    result = push(remote, tmp_path / "work", {"Home.md": b"x\n"}, branch="main")
    assert result.branch == "main"
    assert git("--git-dir", str(remote), "show", "main:Home.md") == "x\n"


def test_the_machines_git_hooks_and_config_are_not_used(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\ntouch " + str(tmp_path / "ran") + "\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\thooksPath = {hooks}\n[commit]\n\tgpgSign = true\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    assert push(remote, tmp_path / "work", {"Home.md": b"x"}).changed
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize(
    ("stderr", "kind"),
    [
        ("fatal: Authentication failed for 'https://github.com/o/r.wiki.git/'", AuthRefused),
        ("remote: Permission to o/r.wiki.git denied to bot.\nfatal: unable to access "
         "'https://github.com/o/r.wiki.git/': The requested URL returned error: 403", AuthRefused),
        ("fatal: could not read Username for 'https://github.com': terminal prompts disabled",
         AuthRefused),
        ("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote "
         "repository.", AuthRefused),
        ("fatal: unable to access 'https://nowhere.example/': Could not resolve host: "
         "nowhere.example", RemoteUnreachable),
        (" ! [rejected]        HEAD -> master (fetch first)\nerror: failed to push some refs",
         PushRejected),
    ],
)  # fmt: skip
def test_git_errors_are_sorted_by_cause(stderr: str, kind: type[Exception]) -> None:
    error = classify("push", stderr)
    assert type(error) is kind
    assert "git push" in str(error)


def test_credentials_in_addresses_never_reach_a_message() -> None:
    error = classify("clone", "fatal: unable to access 'https://bot:s3cret@host/r.git/': 403")
    assert "s3cret" not in str(error)
    assert redact("https://x-access-token:abc@github.com/o/r") == "https://***@github.com/o/r"


def test_a_symbolic_link_committed_to_the_wiki_is_not_written_through(
    tmp_path: Path, remote: Path
) -> None:
    push(remote, tmp_path / "work", {"Home.md": b"x"})
    person = clone(remote, tmp_path / "person")
    (tmp_path / "target.md").write_text("outside")
    (person / "Home.md").unlink()
    (person / "Home.md").symlink_to(tmp_path / "target.md")
    git("add", "Home.md", cwd=person)
    git("commit", "-q", "-m", "link", cwd=person)
    git("push", "-q", "origin", "master", cwd=person)
    with pytest.raises(WikiPushError, match="cannot be replaced safely"):
        push(remote, tmp_path / "work", {"Home.md": b"evil"})
    assert (tmp_path / "target.md").read_text() == "outside"


def test_a_lock_left_by_a_killed_git_does_not_block_the_next_push(
    tmp_path: Path, remote: Path
) -> None:
    push(remote, tmp_path / "work", {"Home.md": b"x"})
    (tmp_path / "work" / ".git" / "index.lock").write_text("")
    assert push(remote, tmp_path / "work", {"Home.md": b"y"}).changed
