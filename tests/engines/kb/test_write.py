"""write_tree: only changed files written, only our own stale files removed, safe paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from peerlearn.engines.kb import MANIFEST, UnsafePath, write_tree


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def test_first_run_writes_everything_and_lists_it(tmp_path: Path) -> None:
    files = {"index.md": b"top", "team/a.md": b"A"}
    report = write_tree(files, tmp_path / "out")
    assert report.written == ("index.md", "team/a.md")
    assert report.unchanged == ()
    assert report.removed == ()
    assert tree(tmp_path / "out") == files
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["files"] == ["index.md", "team/a.md"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "out" / "team/a.md").stat().st_mode & 0o777 == 0o644 & ~umask


def test_second_run_rewrites_only_what_changed(tmp_path: Path) -> None:
    write_tree({"a.md": b"A", "b.md": b"B", "c.md": b"C"}, tmp_path)
    untouched = (tmp_path / "a.md").stat().st_ino
    report = write_tree({"a.md": b"A", "b.md": b"B2", "c.md": b"X"}, tmp_path)
    assert report.written == ("b.md", "c.md")
    assert report.unchanged == ("a.md",)
    assert (tmp_path / "a.md").stat().st_ino == untouched  # not even replaced
    assert not report.removed
    assert report.changed
    assert not write_tree({"a.md": b"A", "b.md": b"B2", "c.md": b"X"}, tmp_path).changed


def test_files_no_longer_produced_are_removed_but_not_other_peoples(tmp_path: Path) -> None:
    write_tree({"t/a.md": b"A", "u/b.md": b"B", "keep.md": b"K"}, tmp_path)
    (tmp_path / "t" / "notes.txt").write_text("mine")
    (tmp_path / "README").write_text("mine too")
    report = write_tree({"keep.md": b"K"}, tmp_path)
    assert report.removed == ("t/a.md", "u/b.md")
    assert (tmp_path / "t" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "README").exists()
    assert not (tmp_path / "u").exists()  # emptied folder of ours goes too


def test_an_unreadable_manifest_removes_nothing(tmp_path: Path) -> None:
    write_tree({"a.md": b"A"}, tmp_path)
    (tmp_path / MANIFEST).write_text("{not json")
    assert write_tree({}, tmp_path).removed == ()
    assert (tmp_path / "a.md").exists()


def test_a_manifest_listing_paths_outside_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    listing = {"format": "peerlearn-export/1", "files": ["../precious.txt", str(outside)]}
    (out / MANIFEST).write_text(json.dumps(listing))
    assert write_tree({}, out).removed == ()
    assert outside.read_text() == "keep"


@pytest.mark.parametrize(
    "path", ["../x.md", "/etc/x.md", "a/../../x.md", "a//b.md", "./a.md", "a\\b.md", "", MANIFEST,
             ".git/config", "sub/.GIT/hooks/pre-commit"]
)  # fmt: skip
def test_unsafe_paths_are_refused_before_anything_is_written(tmp_path: Path, path: str) -> None:
    with pytest.raises(UnsafePath):
        write_tree({"fine.md": b"x", path: b"evil"}, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_paths_through_symlinks_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(outside, out / "team")
    os.symlink(outside / "file.md", out / "link.md")
    for path in ("team/a.md", "link.md"):
        with pytest.raises(UnsafePath, match="symbolic link"):
            write_tree({path: b"evil"}, out)
    assert list(outside.iterdir()) == []


def test_a_file_where_a_folder_should_be_is_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "team").write_text("a file")
    with pytest.raises(UnsafePath, match="not a folder"):
        write_tree({"a.md": b"A", "team/b.md": b"B"}, tmp_path)
    assert not (tmp_path / "a.md").exists()


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    write_tree({"a/b.md": b"1"}, tmp_path)
    write_tree({"a/b.md": b"2"}, tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [MANIFEST, "a", "b.md"]
