"""The store (atomic snapshots, listing, prune by age and size, settings) and
the `guardsh undo` entry function, run in-process and as a process without a terminal."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guardsh.outcome.snapshot import GitTarget, PathsTarget, Settings, Store, list_snapshots, plan, prune, take
from guardsh.outcome.snapshot.cli import main
from guardsh.outcome.snapshot.store import Manifest, prune_choice
from helpers import make_messy_repo, sh


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def work(tmp_path):
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def keep_file(work: Path, name: str, size: int = 100, command: str | None = None):
    path = work / name
    path.write_bytes(b"x" * size)
    return take(plan([PathsTarget((str(path),), "unlink")]), command or f"rm {name}", str(work))


def run_cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_store_lives_under_xdg_data_home_and_is_private(work, data_home):
    snap = keep_file(work, "a.txt")
    assert Path(snap.path).parent == data_home / "guardsh/undo"
    assert (data_home / "guardsh/undo").stat().st_mode & 0o777 == 0o700
    manifest = json.loads((Path(snap.path) / "manifest.json").read_text())
    assert {"id", "time", "cwd", "command", "kinds", "kept", "bytes", "files"} <= set(manifest)
    assert manifest["command"] == "rm a.txt" and manifest["kinds"] == ["files"] and manifest["bytes"] == 100


def test_list_json_newest_first(work):
    first = keep_file(work, "a.txt")
    second = keep_file(work, "b.txt")
    code, out, _ = run_cli("--list", "--json")
    listed = json.loads(out)
    assert code == 0
    assert [s["id"] for s in listed] == [second.id, first.id]
    assert listed[0]["command"] == "rm b.txt" and listed[0]["cwd"] == str(work)


def test_list_text_and_restore_by_unique_suffix(work):
    snap = keep_file(work, "a.txt")
    os.unlink(work / "a.txt")
    code, out, _ = run_cli()
    assert code == 0 and snap.id in out and "$ rm a.txt" in out
    code, out, err = run_cli(snap.id[-4:])
    assert code == 0, err
    assert "restored snapshot" in out and "guardsh undo " in out
    assert (work / "a.txt").read_bytes() == b"x" * 100
    code, out, _ = run_cli("--list")
    assert "restored" in out


def test_unknown_id_fails_with_a_message(work):
    code, _, err = run_cli("nope")
    assert code == 1 and "no snapshot 'nope'" in err


def test_restore_refused_when_the_current_state_cannot_be_kept_unless_forced(work, monkeypatch):
    snap = keep_file(work, "a.txt")
    os.unlink(work / "a.txt")
    (work / "a.txt").write_bytes(b"y" * 5000)  # now bigger than a snapshot may be
    tight = Settings(max_bytes=1000)
    out, err = io.StringIO(), io.StringIO()
    assert main([snap.id], stdout=out, stderr=err, settings=tight) == 1
    assert "--force" in err.getvalue() and (work / "a.txt").read_bytes() == b"y" * 5000
    assert main(["--force", snap.id], stdout=out, stderr=err, settings=tight) == 0
    assert (work / "a.txt").read_bytes() == b"x" * 100


def test_audit_records_for_the_restore_and_its_own_snapshot(work):
    snap = keep_file(work, "a.txt")
    records = []
    main([snap.id], stdout=io.StringIO(), stderr=io.StringIO(), audit=records.append)
    assert [r["event"] for r in records] == ["snapshot", "undo"]
    assert records[1]["snapshot"] == snap.id and records[1]["kept_current_as"] == records[0]["snapshot"]
    assert snap.record()["event"] == "snapshot" and snap.record()["kept"] == snap.manifest.kept


def test_summary_line_names_the_undo_command(work):
    snap = keep_file(work, "a.txt")
    line = snap.summary()
    assert "\n" not in line and line.endswith(f"guardsh undo {snap.id}")


def test_undo_runs_without_a_terminal(work, data_home):
    snap = keep_file(work, "a.txt")
    os.unlink(work / "a.txt")
    result = subprocess.run([sys.executable, "-m", "guardsh.outcome.snapshot.cli", snap.id],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "XDG_DATA_HOME": str(data_home)}, start_new_session=True)
    assert result.returncode == 0, result.stderr
    assert (work / "a.txt").exists()


def manifest(id_: str, age_days: float, size: int, now: float) -> Manifest:
    return Manifest(id=id_, time=now - age_days * 86400, cwd="/", command="x", kinds=["files"], kept=[],
                    bytes=size, files=1, parts=[])


def test_prune_choice_by_age_then_oldest_first_by_total_size():
    now = 1_000_000_000.0
    snaps = [manifest("old", 20, 10, now), manifest("a", 3, 400, now), manifest("b", 2, 400, now),
             manifest("c", 1, 400, now)]
    doomed = prune_choice(snaps, Settings(retention_days=14, total_bytes=1000), now)
    assert [m.id for m in doomed] == ["old", "a"]


def test_prune_deletes_snapshots_and_their_git_refs(work, tmp_path):
    repo = make_messy_repo(tmp_path / "repo")
    git_snap = take(plan([GitTarget(str(repo))]), "git reset --hard", str(repo))
    file_snap = keep_file(work, "a.txt")
    assert sh(repo, "git for-each-ref refs/guardsh/")
    removed = prune(Settings(retention_days=1), now=time.time() + 2 * 86400)
    assert sorted(removed) == sorted([git_snap.id, file_snap.id])
    assert list_snapshots() == []
    assert sh(repo, "git for-each-ref refs/guardsh/") == ""


def test_prune_cli_and_stale_staging_swept(work):
    keep_file(work, "a.txt")
    stale = Path(Store().root) / ".tmp-20200101-000000-dead"
    stale.mkdir()
    os.utime(stale, (0, 0))
    code, out, _ = run_cli("--prune")
    assert code == 0 and "removed 0 snapshot(s)" in out
    assert not stale.exists() and len(list_snapshots()) == 1


def test_taking_a_snapshot_prunes_the_expired(work):
    old = keep_file(work, "a.txt")
    m = Store().load(old.id)
    m.time -= 30 * 86400
    Store().save(m)
    new = keep_file(work, "b.txt")
    assert [s.id for s in list_snapshots()] == [new.id]


def test_settings_from_a_config_table():
    s = Settings.from_mapping({"max_bytes": 10, "retention_days": 1.5, "local_postgres": ["127.0.0.1:5432"]})
    assert s.max_bytes == 10 and s.retention_days == 1.5 and s.local_postgres == ("127.0.0.1:5432",)
    with pytest.raises(ValueError, match="unknown undo setting.*max_byte"):
        Settings.from_mapping({"max_byte": 10})
    with pytest.raises(ValueError, match="max_files: expected a non-negative number"):
        Settings.from_mapping({"max_files": "many"})
