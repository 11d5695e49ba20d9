"""Snapshots of real files and directories: rm -rf, in-place overwrites, and
their undo, compared byte for byte with modes, symlinks and timestamps."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from guardsh.outcome.snapshot import PathsTarget, Settings, Store, plan, restore, take
from helpers import sh, tree_picture


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def work(tmp_path):
    """Where the test's files live: beside the data directory, not around it."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def make_tree(root: Path) -> Path:
    """Files with unusual modes and old timestamps, symlinks (one dangling), a hard-link pair, empty dirs."""
    (root / "src/pkg/empty").mkdir(parents=True)
    (root / "src/main.py").write_text("print('main')\n")
    (root / "src/pkg/secret.key").write_bytes(os.urandom(3000))
    (root / "src/pkg/secret.key").chmod(0o600)
    (root / "src/run").write_text("#!/bin/sh\n")
    (root / "src/run").chmod(0o750)
    os.symlink("main.py", root / "src/alias.py")
    os.symlink("../nowhere", root / "src/pkg/dangling")
    os.link(root / "src/main.py", root / "src/pkg/main-again.py")
    (root / "src/pkg").chmod(0o705)
    for n, path in enumerate(sorted(p for p in (root / "src").rglob("*"))):
        os.utime(path, ns=(1_600_000_000_123_456_789 + n, 1_500_000_000_987_654_321 + n), follow_symlinks=False)
    return root / "src"


def picture(root: Path, kept_root: bool = True) -> dict:
    """tree_picture with mtimes, plus each directory's mtime and which names share an inode.
    kept_root=False for a directory that holds the kept paths: restoring changes its mtime."""
    base = tree_picture(root, times=True)
    dirs = {str(p.relative_to(root)): p.lstat().st_mtime_ns for p in root.rglob("*") if p.is_dir() and not p.is_symlink()}
    inodes = {}
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            inodes.setdefault(p.lstat().st_ino, []).append(str(p.relative_to(root)))
    groups = sorted(sorted(v) for v in inodes.values() if len(v) > 1)
    return {"entries": base, "dir_mtimes": dirs, "link_groups": groups,
            "root": (root.lstat().st_mode, root.lstat().st_mtime_ns) if kept_root else None}


def test_rm_rf_directory_is_kept_by_hard_links_and_restored_exactly(work):
    src = make_tree(work)
    before = picture(src)
    planned = plan([PathsTarget((str(src),), "unlink")])
    snap = take(planned, "rm -rf src", str(work))
    part = snap.manifest.parts[0]
    assert part["how"] == {"link": 3, "copy": 0, "reflink": 0}  # main.py, secret.key, run (main-again shares)
    stored_key = Path(snap.path, part["dir"], part["roots"][0]["stored"], "pkg/secret.key")
    assert stored_key.stat().st_ino == (src / "pkg/secret.key").stat().st_ino  # no data copied
    sh(work, "rm -rf src")
    result = restore(snap.id)
    assert picture(src) == before
    # A restore copies: editing the restored file must not change what the snapshot holds.
    assert (src / "pkg/secret.key").stat().st_ino != stored_key.stat().st_ino
    assert result.kept_current is not None


def test_in_place_overwrite_is_kept_by_copy_not_by_link(work):
    target = work / "config.toml"
    target.write_text("port = 80\n")
    target.chmod(0o640)
    os.utime(target, ns=(1, 1_400_000_000_000_000_000))
    before = picture(work, kept_root=False)
    snap = take(plan([PathsTarget((str(target),), "overwrite")]), "echo 'port = 1' > config.toml", str(work))
    part = snap.manifest.parts[0]
    assert part["how"]["link"] == 0 and part["how"]["copy"] + part["how"]["reflink"] == 1
    sh(work, "echo 'port = 1' > config.toml")  # the same inode, truncated and rewritten
    stored = Path(snap.path, part["dir"], part["roots"][0]["stored"])
    assert stored.read_text() == "port = 80\n"
    restore(snap.id)
    assert picture(work, kept_root=False) == before


def test_sed_in_place_then_undo(work):
    f = work / "app.py"
    f.write_text("DEBUG = True\n" * 50)
    before = picture(work, kept_root=False)
    snap = take(plan([PathsTarget((str(f),), "overwrite")]), "sed -i s/True/False/ app.py", str(work))
    sh(work, "sed -i s/True/False/ app.py")
    assert "False" in f.read_text()
    restore(snap.id)
    assert picture(work, kept_root=False) == before


def test_other_filesystem_is_copied(work):
    with tempfile.TemporaryDirectory(dir="/dev/shm") as shm:
        src = make_tree(Path(shm))
        before = picture(src)
        snap = take(plan([PathsTarget((str(src),), "unlink")]), "rm -rf src", shm)
        assert snap.manifest.parts[0]["how"]["link"] == 0
        shutil.rmtree(src)
        restore(snap.id)
        assert picture(src) == before


def test_overwriting_a_file_that_did_not_exist_is_undone_by_removing_it(work):
    snap = take(plan([PathsTarget((str(work / "out.txt"),), "overwrite")]), "echo x > out.txt", str(work))
    (work / "out.txt").write_text("x\n")
    restore(snap.id)
    assert not (work / "out.txt").exists()


def test_undo_of_the_undo(work):
    src = make_tree(work)
    snap = take(plan([PathsTarget((str(src),), "unlink")]), "rm -rf src", str(work))
    shutil.rmtree(src)
    (work / "src").mkdir()
    (work / "src/rewritten.py").write_text("new work\n")
    after = picture(src)
    first = restore(snap.id)
    restore(first.kept_current.id)
    assert picture(src) == after


def test_undo_of_the_undo_removes_a_restored_path_that_was_gone(work):
    src = make_tree(work)
    snap = take(plan([PathsTarget((str(src),), "unlink")]), "rm -rf src", str(work))
    shutil.rmtree(src)
    first = restore(snap.id)
    assert src.exists()
    restore(first.kept_current.id)
    assert not src.exists()


def test_nested_and_duplicate_paths_are_kept_once(work):
    src = make_tree(work)
    planned = plan([PathsTarget((str(src), str(src / "pkg"), str(src) + "/", str(work / "missing")), "unlink")])
    snap = take(planned, "rm -rf src src/pkg missing", str(work))
    assert [r["path"] for r in snap.manifest.parts[0]["roots"]] == [str(src)]


def test_build_output_is_not_kept(work):
    src = make_tree(work)
    (src / "node_modules/lib").mkdir(parents=True)
    (src / "node_modules/lib/index.js").write_text("x" * 10_000)
    target = PathsTarget((str(src),), "unlink", regenerable=lambda p: os.path.basename(p) == "node_modules")
    planned = plan([target])
    assert planned.files == 9  # src, main.py, run, alias.py, pkg, its 4 entries; not node_modules
    snap = take(planned, "rm -rf src", str(work))
    shutil.rmtree(src)
    restore(snap.id)
    assert not (src / "node_modules").exists() and (src / "pkg/secret.key").exists()


@pytest.mark.parametrize("settings, word", [(Settings(max_files=5), "max_files"),
                                            (Settings(max_bytes=1000), "max_bytes"),
                                            (Settings(total_bytes=1000), "max_bytes")])
def test_over_a_limit_is_unkeepable_and_nothing_is_written(work, data_home, settings, word):
    src = make_tree(work)
    verdict = plan([PathsTarget((str(src),), "unlink")], settings)
    assert not verdict
    assert word in verdict.reason
    assert not data_home.exists() or Store().ids() == []


def test_a_fifo_is_unkeepable(work):
    src = make_tree(work)
    os.mkfifo(src / "pipe")
    verdict = plan([PathsTarget((str(src),), "unlink")])
    assert not verdict and "FIFO" in verdict.reason


def test_single_symlink_is_kept_not_its_target(work):
    (work / "real").write_text("data\n")
    os.symlink("real", work / "ln")
    snap = take(plan([PathsTarget((str(work / "ln"),), "unlink")]), "rm ln", str(work))
    assert snap.manifest.bytes == 0
    os.unlink(work / "ln")
    restore(snap.id)
    assert os.readlink(work / "ln") == "real"


def test_a_file_with_a_name_outside_the_tree_is_copied_not_linked(work):
    src = make_tree(work)
    os.link(src / "run", work / "run-elsewhere")  # survives rm -rf src, and can be edited in place
    snap = take(plan([PathsTarget((str(src),), "unlink")]), "rm -rf src", str(work))
    assert snap.manifest.parts[0]["how"] == {"link": 2, "copy": 1, "reflink": 0}
    shutil.rmtree(src)
    (work / "run-elsewhere").write_text("edited through the other name\n")
    restore(snap.id)
    assert (src / "run").read_text() == "#!/bin/sh\n"


def test_trailing_slash_on_a_symlink_keeps_the_directory_it_points_to(work):
    src = make_tree(work)
    os.symlink("src", work / "ln")
    before = picture(src)
    snap = take(plan([PathsTarget((str(work / "ln") + "/",), "unlink")]), "rm -rf ln/", str(work))
    assert snap.manifest.parts[0]["roots"][0]["path"] == str(src)
    sh(work, "rm -rf ln/ || true")  # GNU rm empties the directory through the link
    restore(snap.id)
    assert picture(src) == before
