"""The judgement of a sourced agent snapshot is cached by the file's identity
and the rules' identity (issue 8: Claude Code sources it before every command)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guardsh.engine import judge
from guardsh.shell import sourcecache

SHAPES = Path(__file__).resolve().parents[2] / "fixtures" / "agent-shapes"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "guardsh"


@pytest.fixture
def snapshot(tmp_path):
    path = tmp_path / "snapshot-bash-1-abcdef.sh"
    path.write_text((SHAPES / "claude-snapshot-file-debian-bashrc.sh").read_text())
    return path


def wrapped(snapshot: Path, command: str) -> str:
    return f"source {snapshot} 2>/dev/null || true && {{ eval '{command}' < /dev/null; }} && pwd -P"


def verdict(line, ruleset, tmp_path):
    return judge(line, ruleset, cwd=str(tmp_path), home=str(tmp_path), budget=10)


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("sourced-*.cache")) if cache.exists() else []


def test_a_cached_snapshot_is_judged_as_a_fresh_one(cache, snapshot, ruleset, tmp_path):
    for command in ("git status", "find . -name x -delete", "grep -c x f"):
        fresh = verdict(wrapped(snapshot, command), ruleset, tmp_path)
        assert entries(cache)
        for _ in range(2):  # replayed, then with its commands marked clean
            cached = verdict(wrapped(snapshot, command), ruleset, tmp_path)
            assert (cached.decision, cached.rule_ids) == (fresh.decision, fresh.rule_ids)
    assert verdict(wrapped(snapshot, "find . -name x -delete"), ruleset, tmp_path).rule_ids == ["fs.rm-recursive"]


def test_any_change_to_the_snapshot_is_read(cache, snapshot, ruleset, tmp_path):
    assert verdict(wrapped(snapshot, "git status"), ruleset, tmp_path).decision == "allow"
    with open(snapshot, "a") as fh:
        fh.write("rm -rf ~/work\n")
    changed = verdict(wrapped(snapshot, "git status"), ruleset, tmp_path)
    assert changed.decision != "allow" and "fs.rm-recursive" in changed.rule_ids


def test_a_function_changed_in_place_is_read(cache, snapshot, ruleset, tmp_path):
    verdict(wrapped(snapshot, "grep x f"), ruleset, tmp_path)
    text = snapshot.read_text().replace("command grep ${1+\"$@\"}; fi", "command rm -rf ~/work; fi")
    st = snapshot.stat()
    snapshot.write_text(text)
    os.utime(snapshot, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime; size and ctime differ
    assert "fs.rm-recursive" in verdict(wrapped(snapshot, "grep x f"), ruleset, tmp_path).rule_ids


def test_a_snapshot_that_runs_programs_is_not_cached(cache, tmp_path, ruleset):
    path = tmp_path / "rc.sh"
    path.write_text("export A=1\nmkdir -p ~/.x\n")
    verdict(wrapped(path, "git status"), ruleset, tmp_path)
    assert entries(cache) == []


def test_only_a_snapshot_sourced_before_anything_is_defined_is_cached(cache, snapshot, ruleset, tmp_path):
    verdict(f"f() {{ :; }}; source {snapshot}; git status", ruleset, tmp_path)
    assert entries(cache) == []


def test_other_rules_read_the_file_again(cache, snapshot, ruleset, tmp_path):
    verdict(wrapped(snapshot, "git status"), ruleset, tmp_path)
    ruleset.programs.identity, saved = "other", ruleset.programs.identity
    try:
        from guardsh.shell.session import ShellSession

        scan = ShellSession(ruleset.programs, str(tmp_path), str(tmp_path))
        scan.depth = 1
        assert not sourcecache.replay(scan, str(snapshot), ())
    finally:
        ruleset.programs.identity = saved


def test_clean_commands_are_dropped_from_the_entry(cache, snapshot, ruleset, tmp_path):
    import marshal

    verdict(wrapped(snapshot, "git status"), ruleset, tmp_path)
    verdict(wrapped(snapshot, "git status"), ruleset, tmp_path)
    (entry,) = entries(cache)
    _, data = marshal.loads(entry.read_bytes())
    assert data[0] == [] and {"find", "grep", "pkill"} <= set(data[1])
