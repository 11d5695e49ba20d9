"""The `snapshot` outcome end to end, as an agent meets it: real bash through
`guardsh -c` with no terminal, real git, real files, the sqlite3 CLI. A line
whose every loss can be kept runs without asking after one line on stderr,
and `guardsh undo ID` brings back exactly what it destroyed; anything that
cannot be kept completely is asked about as before (and, with no terminal,
refused without running)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess

import pytest

from helpers import git_state, make_messy_repo, run_guardsh, sh, tree_picture, write_rules

KEPT_LINE = re.compile(r"^guardsh: kept a copy first \((?P<what>.+)\); to bring it back: "
                       r"guardsh undo (?P<id>\d{8}-\d{6}-[0-9a-f]{4})$")


def kept_id(result) -> str:
    """The snapshot id from the one line the agent reads; it must be the only line."""
    lines = result.stderr.decode().splitlines()
    kept = [line for line in lines if line.startswith("guardsh:")]
    assert len(kept) == 1, result.stderr.decode()
    match = KEPT_LINE.match(kept[0])
    assert match, kept[0]
    return match["id"]


def undo(home, snapshot_id: str, cwd):
    result = run_guardsh(["undo", snapshot_id], home, cwd=cwd)
    assert result.returncode == 0, result.stderr.decode()
    return result


def audit(home) -> list[dict]:
    path = home / ".local/state/guardsh/audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def check(home, command: str, cwd) -> dict:
    result = run_guardsh(["check", "--json", command], home, cwd=cwd)
    return json.loads(result.stdout)


def snapshots(home, cwd) -> list[dict]:
    return json.loads(run_guardsh(["undo", "--list", "--json"], home, cwd=cwd).stdout)


@pytest.fixture
def source_tree(project):
    """src/ with every kind of entry a delete loses: modes, a symlink, nesting, binary content."""
    src = project / "src"
    (src / "pkg/deep").mkdir(parents=True)
    (src / "main.py").write_text("print('main')\n")
    (src / "run.sh").write_text("#!/bin/sh\necho run\n")
    (src / "run.sh").chmod(0o755)
    (src / "secret.cfg").write_text("private\n")
    (src / "secret.cfg").chmod(0o600)
    (src / "pkg/deep/blob.bin").write_bytes(bytes(range(256)) * 64)
    (src / "pkg/__init__.py").write_text("")
    os.symlink("../main.py", src / "pkg/link.py")
    return src


def test_an_agents_git_reset_hard_runs_without_asking_and_undo_brings_all_of_it_back(isolated_home, project):
    repo = make_messy_repo(project)
    before = git_state(repo)
    result = run_guardsh(["-c", "git reset --hard"], isolated_home, cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert b"HEAD is now at" in result.stdout  # it ran, unasked
    snapshot_id = kept_id(result)
    assert sh(repo, "git status --porcelain --untracked-files=no") == ""  # the work really was discarded
    assert git_state(repo) != before
    assert sh(repo, f"git for-each-ref --format='%(refname)' refs/guardsh/undo/{snapshot_id}/")

    restored = undo(isolated_home, snapshot_id, repo)
    assert f"restored snapshot {snapshot_id}" in restored.stdout.decode()
    assert git_state(repo) == before  # HEAD, index, work tree, untracked, stash and branches

    events = [(e["decision"], e.get("snapshot")) for e in audit(isolated_home)]
    assert ("snapshot", snapshot_id) in events and ("undo", snapshot_id) in events


def test_git_clean_keeps_the_untracked_files_it_removes(isolated_home, project):
    repo = make_messy_repo(project)
    before = git_state(repo)
    result = run_guardsh(["-c", "git clean -fd"], isolated_home, cwd=repo)
    snapshot_id = kept_id(result)
    assert not (repo / "scratch").exists() and not (repo / "notes.md").exists()
    undo(isolated_home, snapshot_id, repo)
    assert git_state(repo) == before


def test_rm_rf_src_is_kept_and_restored_byte_for_byte_with_modes(isolated_home, project, source_tree):
    before = tree_picture(source_tree, times=True)
    result = run_guardsh(["-c", "rm -rf src && echo removed"], isolated_home)
    assert (result.returncode, result.stdout) == (0, b"removed\n")
    assert not source_tree.exists()
    undo(isolated_home, kept_id(result), project)
    assert tree_picture(source_tree, times=True) == before
    assert oct(os.stat(source_tree / "secret.cfg").st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("command", [": > data.csv", "truncate -s 0 data.csv", "sed -i d data.csv",
                                     "ln -sf /dev/null data.csv", "sort -o data.csv /dev/null"])
def test_an_overwrite_is_kept_by_copy(isolated_home, project, command):
    data = project / "data.csv"
    data.write_text("id,name\n1,Ada\n")
    data.chmod(0o640)
    result = run_guardsh(["-c", command], isolated_home)
    assert result.returncode == 0, result.stderr.decode()
    assert data.is_symlink() or data.read_text() == ""
    undo(isolated_home, kept_id(result), project)
    assert not data.is_symlink() and data.read_text() == "id,name\n1,Ada\n"
    assert oct(data.stat().st_mode & 0o777) == "0o640"


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 CLI is not installed")
def test_sqlite_drop_table_is_kept_and_restored(isolated_home, project):
    db = project / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
                           "INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace');")
    conn.close()
    result = run_guardsh(["-c", "sqlite3 app.db 'DROP TABLE users'"], isolated_home)
    assert result.returncode == 0, result.stderr.decode()
    snapshot_id = kept_id(result)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'users'").fetchall() == []
    conn.close()
    undo(isolated_home, snapshot_id, project)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, name FROM users ORDER BY id").fetchall() == [(1, "Ada"), (2, "Grace")]
    conn.close()


def test_over_the_limits_it_is_asked_about_and_nothing_runs_or_is_left(isolated_home, project, source_tree):
    write_rules(isolated_home, "[settings.undo]\nmax_files = 3\n")
    result = run_guardsh(["-c", "rm -rf src"], isolated_home)
    err = result.stderr.decode()
    assert result.returncode == 126 and source_tree.is_dir()
    assert "could not keep a copy first" in err and "max_files" in err
    assert "needs a human to type a confirmation" in err
    assert snapshots(isolated_home, project) == []
    [entry] = audit(isolated_home)
    assert (entry["decision"], entry["outcome"]) == ("confirm", "refused") and "max_files" in entry["unkept"]


def test_a_store_that_cannot_be_written_falls_back_to_asking(isolated_home, project, source_tree):
    store = isolated_home / ".local/share/guardsh/undo"
    store.parent.mkdir(parents=True)
    store.write_text("a file where the snapshot directory should be")
    result = run_guardsh(["-c", "rm -rf src"], isolated_home)
    assert result.returncode == 126 and source_tree.is_dir()
    assert "could not keep a copy first" in result.stderr.decode()
    assert store.read_text().startswith("a file")


def test_check_json_says_what_would_be_kept(isolated_home, project, source_tree):
    verdict = check(isolated_home, "rm -rf src", project)
    assert verdict["decision"] == "snapshot"
    assert verdict["keep"] == [{"kind": "paths-unlink", "paths": [str(source_tree)]}]
    assert verdict["kept"]["files"] == 9 and verdict["kept"]["bytes"] > 16384
    assert snapshots(isolated_home, project) == []  # check only plans
    assert run_guardsh(["check", "rm -rf src"], isolated_home).returncode == 0  # it would run, kept first


def test_check_json_says_why_a_keepable_line_would_be_asked(isolated_home, project, source_tree):
    write_rules(isolated_home, "[settings.undo]\nmax_files = 3\n")
    verdict = check(isolated_home, "rm -rf src", project)
    assert verdict["decision"] == "confirm" and "max_files" in verdict["unkept"]
    assert run_guardsh(["check", "rm -rf src"], isolated_home).returncode == 1


@pytest.mark.parametrize("command, why", [
    ("rm -rf ~", "home directory"),
    ("git push --force", "no way to keep"),
    ("psql -h db.internal -d shop -c 'DROP TABLE users'", "not declared a local development server"),
    ("psql -h localhost -d shop -c 'DROP TABLE users'", "not declared a local development server"),
    ("rm -rf src && git push -f origin main", "git.push-force"),
    ("ssh build rm -rf src", "elsewhere"),
    ("sudo rm -rf src", "as another user"),
    ('rm -rf "$DIR"', "run time"),
    ("rm -rf ../other-project", "outside the project"),
    ("shred -u src/main.py", "no way to keep"),
    ("find . -delete", "find"),
])
def test_what_cannot_be_kept_completely_stays_confirm(isolated_home, project, source_tree, command, why):
    verdict = check(isolated_home, command, project)
    assert verdict["decision"] == "confirm", verdict
    assert why in verdict["unkept"]


def test_overwriting_through_a_symlink_is_not_kept_as_if_it_were_the_link(isolated_home, project):
    outside = isolated_home / "outside.txt"
    outside.write_text("not the project's\n")
    (project / "data.csv").symlink_to(outside)
    verdict = check(isolated_home, ": > data.csv", project)
    assert verdict["decision"] == "confirm" and "symbolic link" in verdict["unkept"]
    result = run_guardsh(["-c", ": > data.csv"], isolated_home)
    assert result.returncode == 126 and outside.read_text() == "not the project's\n"


def test_production_looking_stays_confirm(isolated_home, project):
    (project / "prod.db").write_bytes(b"")
    verdict = check(isolated_home, "sqlite3 prod.db 'DELETE FROM orders'", project)
    assert verdict["decision"] == "confirm" and "production" in verdict["unkept"]


def test_on_keepable_confirm_asks_as_before(isolated_home, project, source_tree):
    write_rules(isolated_home, '[settings]\non_keepable = "confirm"\n')
    assert check(isolated_home, "rm -rf src", project)["decision"] == "confirm"
    result = run_guardsh(["-c", "rm -rf src"], isolated_home)
    assert result.returncode == 126 and source_tree.is_dir()
    assert b"kept a copy" not in result.stderr


def test_on_keepable_by_rule_and_by_way_of_keeping(isolated_home, project, source_tree):
    make_messy_repo(project)
    write_rules(isolated_home, '[settings.on_keepable]\n"git.discard-changes" = "confirm"\nsqlite = "confirm"\n')
    assert check(isolated_home, "git reset --hard", project)["decision"] == "confirm"
    assert check(isolated_home, "git clean -fd", project)["decision"] == "snapshot"
    assert check(isolated_home, "rm -rf src", project)["decision"] == "snapshot"
    (project / "app.db").write_bytes(b"")
    assert check(isolated_home, "sqlite3 app.db 'DROP TABLE t'", project)["decision"] == "confirm"


def test_the_hook_keeps_the_copy_before_answering_and_says_so(isolated_home, project, source_tree):
    payload = {"session_id": "s", "cwd": str(project), "hook_event_name": "PreToolUse", "tool_name": "Bash",
               "tool_input": {"command": "rm -rf src"}}
    result = run_guardsh(["hook", "claude-code"], isolated_home, input=json.dumps(payload).encode())
    assert result.returncode == 0, result.stderr.decode()
    answer = json.loads(result.stdout)
    assert "hookSpecificOutput" not in answer  # no permission decision: the agent's own rules still apply
    snapshot_id = KEPT_LINE.match(answer["systemMessage"])["id"]
    assert source_tree.is_dir()  # the agent runs it, not the hook
    subprocess.run(["rm", "-rf", "src"], cwd=project, check=True)
    before_undo = run_guardsh(["undo", "--list", "--json"], isolated_home).stdout
    assert snapshot_id.encode() in before_undo
    undo(isolated_home, snapshot_id, project)
    assert (source_tree / "pkg/deep/blob.bin").read_bytes() == bytes(range(256)) * 64


def test_undo_list_and_an_unknown_id(isolated_home, project, source_tree):
    result = run_guardsh(["-c", "rm -rf src"], isolated_home)
    snapshot_id = kept_id(result)
    listed = run_guardsh(["undo", "--list"], isolated_home).stdout.decode()
    assert snapshot_id in listed and "$ rm -rf src" in listed
    missing = run_guardsh(["undo", "20000101-000000-dead"], isolated_home)
    assert missing.returncode == 1 and b"no snapshot" in missing.stderr


def test_guardsh_undo_through_guardsh_is_not_asked_about(isolated_home, project, source_tree):
    """An agent whose shell is guardsh restores with the same line it was told."""
    snapshot_id = kept_id(run_guardsh(["-c", "rm -rf src"], isolated_home))
    verdict = check(isolated_home, f"guardsh undo {snapshot_id}", project)
    assert verdict["decision"] == "allow"
