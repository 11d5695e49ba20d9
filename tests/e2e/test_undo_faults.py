"""A snapshot that cannot be completed leaves nothing behind: no snapshot
directory, no staging directory, no refs/guardsh/undo refs; and it says why."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from guardsh.outcome.snapshot import GitTarget, PathsTarget, Settings, SnapshotError, Store, plan, take
from guardsh.outcome.snapshot import files as files_mod
from guardsh.outcome.snapshot.git import REFS_ROOT
from helpers import make_messy_repo, sh


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "work" / "src"
    root.mkdir(parents=True)
    for n in range(20):
        (root / f"f{n:02}.txt").write_text(f"file {n}\n" * 100)
    return root


def assert_nothing_left(repo: Path | None = None):
    undo = Path(Store().root)
    leftovers = sorted(os.listdir(undo)) if undo.exists() else []
    assert leftovers == [], f"half-written snapshot left behind: {leftovers}"
    if repo is not None:
        assert sh(repo, f"git for-each-ref {REFS_ROOT}/") == ""


def test_a_file_changing_during_the_copy_fails_the_snapshot(tree, monkeypatch):
    real_copy = files_mod.copy_file

    def copy_while_someone_appends(src, dst, st):
        how = real_copy(src, dst, st)
        if src.endswith("f05.txt"):
            with open(src, "a") as f:  # a writer, between our copy and our second look
                f.write("late write\n")
        return how

    monkeypatch.setattr(files_mod, "copy_file", copy_while_someone_appends)
    with pytest.raises(SnapshotError, match="f05.txt changed while it was being kept"):
        take(plan([PathsTarget((str(tree),), "overwrite")]), "rm -rf src", str(tree.parent))
    assert_nothing_left()


def test_a_file_appearing_in_the_tree_during_the_snapshot_fails_it(tree, monkeypatch):
    real_link = files_mod._try_link

    def link_while_someone_creates(src, dst):
        if src.endswith("f10.txt"):
            (tree / "zz-new.txt").write_text("arrived late\n")
        return real_link(src, dst)

    monkeypatch.setattr(files_mod, "_try_link", link_while_someone_creates)
    with pytest.raises(SnapshotError, match="changed while it was being kept"):
        take(plan([PathsTarget((str(tree),), "unlink")]), "rm -rf src", str(tree.parent))
    assert_nothing_left()


def test_permission_denied_half_way_fails_and_cleans_up(tree, monkeypatch):
    real_copy = files_mod.copy_file

    def copy_denied_on_the_eighth(src, dst, st):
        if src.endswith("f07.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", src)
        return real_copy(src, dst, st)

    monkeypatch.setattr(files_mod, "copy_file", copy_denied_on_the_eighth)
    with pytest.raises(SnapshotError, match="permission denied"):
        take(plan([PathsTarget((str(tree),), "overwrite")]), "truncate", str(tree.parent))
    assert_nothing_left()


def test_store_that_cannot_be_written_fails_cleanly(tree, data_home):
    undo = Path(Store().root)
    undo.mkdir(parents=True)
    # Immutable: even root cannot create the staging directory in it.
    if subprocess.run(["chattr", "+i", str(undo)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        with pytest.raises(SnapshotError, match="permission denied|Operation not permitted"):
            take(plan([PathsTarget((str(tree),), "unlink")]), "rm -rf src", str(tree.parent))
    finally:
        subprocess.run(["chattr", "-i", str(undo)], check=True)
    assert_nothing_left()


@pytest.fixture
def tiny_disk(tmp_path, monkeypatch):
    """The data directory on a 256 KB tmpfs: another filesystem (so files are copied) that fills up."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    monkeypatch.setenv("XDG_DATA_HOME", str(mount))
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_disk_full_fails_and_cleans_up(tree, tiny_disk):
    (tree / "big.bin").write_bytes(os.urandom(600_000))
    with pytest.raises(SnapshotError, match="disk full"):
        take(plan([PathsTarget((str(tree),), "unlink")]), "rm -rf src", str(tree.parent))
    assert_nothing_left()
    assert (tree / "big.bin").stat().st_size == 600_000  # the source is untouched


def test_failure_after_the_git_part_removes_its_refs(tree, tmp_path, monkeypatch):
    repo = make_messy_repo(tmp_path / "repo")

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files_mod, "copy_file", fail)
    planned = plan([GitTarget(str(repo), untracked="untracked"), PathsTarget((str(tree),), "overwrite")])
    with pytest.raises(SnapshotError, match="disk full"):
        take(planned, "git reset --hard && rm -rf src", str(repo))
    assert_nothing_left(repo)


def test_timeout_fails_and_cleans_up(tree, tmp_path):
    repo = make_messy_repo(tmp_path / "repo")
    planned = plan([GitTarget(str(repo)), PathsTarget((str(tree),), "unlink")])
    with pytest.raises(SnapshotError, match="timed out"):
        take(planned, "x", str(repo), Settings(timeout_seconds=0))
    assert_nothing_left(repo)


def test_growing_past_the_limit_between_plan_and_take_fails(tree):
    settings = Settings(max_files=25)
    planned = plan([PathsTarget((str(tree),), "unlink")], settings)
    assert planned
    for n in range(10):
        (tree / f"late{n}.txt").write_text("late\n")
    with pytest.raises(SnapshotError, match="max_files"):
        take(planned, "rm -rf src", str(tree.parent), settings)
    assert_nothing_left()


def test_a_file_changing_while_git_keeps_untracked_files_fails(tmp_path, monkeypatch):
    repo = make_messy_repo(tmp_path / "repo")
    from guardsh.outcome.snapshot import git as git_mod

    real_git = git_mod.git

    def git_then_write(cwd, *args, **kwargs):
        out = real_git(cwd, *args, **kwargs)
        if args[:1] == ("update-index",):
            (repo / "notes.md").write_text("edited by someone else meanwhile\n")
        return out

    monkeypatch.setattr(git_mod, "git", git_then_write)
    with pytest.raises(SnapshotError, match="notes.md changed while it was being kept"):
        take(plan([GitTarget(str(repo), untracked="untracked")]), "git clean -fd", str(repo))
    monkeypatch.setattr(git_mod, "git", real_git)
    assert_nothing_left(repo)


def test_interrupted_snapshot_cleans_up_and_lets_the_interrupt_through(tree, tmp_path, monkeypatch):
    repo = make_messy_repo(tmp_path / "repo")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(files_mod, "_try_link", interrupted)
    planned = plan([GitTarget(str(repo)), PathsTarget((str(tree),), "unlink")])
    with pytest.raises(KeyboardInterrupt):
        take(planned, "x", str(repo))
    assert_nothing_left(repo)
