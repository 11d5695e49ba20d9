"""A snapshot taken before the line runs is an undo only if what it keeps is
exactly what the line destroys (policy/keep.py's docstring). The red team's
lines (/work/drafts/attack2), each through `guardsh -c` with no terminal: a
line whose other commands change what is kept first, rename or link it, or
delete guardsh's own undo store, is asked about (refused here) and nothing of
it runs; ordinary keepable lines stay `snapshot` and undo restores exactly."""

from __future__ import annotations

import json
import re

import pytest

from helpers import git_state, make_messy_repo, run_guardsh, sh, tree_picture

KEPT_ID = re.compile(r"guardsh undo (\d{8}-\d{6}-[0-9a-f]{4})")


@pytest.fixture
def world(isolated_home, project):
    """A repository with project data, and a directory outside the project the
    line must never reach."""
    make_messy_repo(project)
    (project / "data").mkdir()
    (project / "data/a.csv").write_text("id,name\n1,ann\n")
    (project / "data/b.csv").write_text("id\n2\n")
    (project / "data/raw").mkdir()
    (project / "data/raw/2026.csv").write_text("id\n3\n")
    outside = isolated_home / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("not the project's\n")
    return project, outside


def picture(project, outside) -> dict:
    return {"project": tree_picture(project), "outside": tree_picture(outside), "git": git_state(project),
            "refs": sh(project, "git for-each-ref --format='%(refname)'")}


REFUSED = [
    # 1. written in place, then deleted: a hard link would share the written inode
    "echo x > data/new.csv && rm -rf data",
    "echo x > data/a.csv && rm -rf data",
    "cp data/b.csv data/a.csv && rm -rf data",
    "truncate -s 0 data/a.csv && rm -rf data",
    ": > data/a.csv && rm -rf data",
    "python3 -c 'open(\"data/a.csv\", \"w\")' && rm -rf data",
    # 2. the name changes before the delete
    "mv data data.old && rm -rf data.old",
    "mkdir -p trash && mv ~/outside trash/ && rm -rf trash",
    # 3. a symlink made on the same line
    "rm -rf data && ln -s ../outside data && rm -rf data/",
    # 4. the line deletes the undo store of its own git snapshot
    "git reset --hard && git clean -fdx && rm -rf .git",
    # 5. git clean forced twice removes nested repositories
    "git clean -ffdx",
    "git clean -f -f -d",
    "git clean --force --force -d",
    # 6. ref deletions guardsh cannot read, and guardsh's own refs
    "git for-each-ref --format='delete %(refname)' refs/guardsh | git update-ref --stdin",
    "git update-ref --stdin <<< 'delete refs/heads/main'",
    "git update-ref -d refs/guardsh/undo/20261206-021753-95f5",
    # order unknown: a pipe runs both sides at once
    "git clean -fd | tee data/a.csv",
]


@pytest.mark.parametrize("command", REFUSED)
def test_a_line_that_changes_what_would_be_kept_is_refused_and_nothing_runs(world, isolated_home, command):
    project, outside = world
    before = picture(project, outside)
    verdict = json.loads(run_guardsh(["check", "--json", command], isolated_home, cwd=project).stdout)
    assert verdict["decision"] in ("confirm", "deny"), verdict
    result = run_guardsh(["-c", command], isolated_home, cwd=project)
    assert result.returncode != 0 and b"kept a copy first" not in result.stderr, result.stderr.decode()
    assert picture(project, outside) == before  # nothing of the line ran


def test_a_nested_repository_survives_git_clean_ff_being_refused(world, isolated_home):
    project, _ = world
    nested = project / "vendor/lib"
    nested.mkdir(parents=True)
    sh(nested, "git init -q -b main . && git config user.name t && git config user.email t@e && "
               "echo 1 > f && git add f && git commit -qm unpushed && echo work > g")
    result = run_guardsh(["-c", "git clean -ffdx"], isolated_home, cwd=project)
    assert result.returncode == 126
    assert (nested / "g").read_text() == "work\n" and sh(nested, "git log --format=%s").strip() == "unpushed"
    # Forced once, git itself leaves nested repositories alone: kept and run.
    once = run_guardsh(["-c", "git clean -fdx"], isolated_home, cwd=project)
    assert once.returncode == 0 and KEPT_ID.search(once.stderr.decode()), once.stderr.decode()
    assert (nested / "g").read_text() == "work\n"


@pytest.mark.parametrize("command, destroyed", [
    ("git reset --hard", None),
    ("rm -rf data", "data"),
    ("git clean -fd && ls", None),
    ("cd data && rm -rf raw", "data/raw"),
    ("git status && rm -rf data && echo done > /dev/null", "data"),
    ("rm -rf data && echo x > notes.txt", "data"),  # after the delete: it writes what is left
])
def test_ordinary_keepable_lines_stay_snapshot_and_undo_restores_exactly(world, isolated_home, command, destroyed):
    project, outside = world
    before = picture(project, outside)
    result = run_guardsh(["-c", command], isolated_home, cwd=project)
    assert result.returncode == 0, result.stderr.decode()
    found = KEPT_ID.search(result.stderr.decode())
    assert found, result.stderr.decode()
    if destroyed:
        assert not (project / destroyed).exists()
    (project / "notes.txt").unlink(missing_ok=True)  # written by the line after its delete: not kept
    undone = run_guardsh(["undo", found[1]], isolated_home, cwd=project)
    assert undone.returncode == 0, undone.stderr.decode()
    after = picture(project, outside)
    after["refs"], before["refs"] = None, None  # the undo refs themselves are new
    assert after == before


def test_undo_of_a_git_snapshot_whose_repository_data_is_gone_says_so_without_a_traceback(world, isolated_home):
    project, _ = world
    result = run_guardsh(["-c", "git reset --hard"], isolated_home, cwd=project)
    snapshot_id = KEPT_ID.search(result.stderr.decode())[1]
    sh(project, "rm -rf .git")  # by hand, outside guardsh
    undone = run_guardsh(["undo", snapshot_id], isolated_home, cwd=project)
    err = undone.stderr.decode()
    assert undone.returncode == 1 and "Traceback" not in err, err
    assert f"{project}/.git" in err and "no longer exists" in err


def test_undo_of_a_git_snapshot_whose_refs_are_gone_names_the_missing_ref(world, isolated_home):
    project, _ = world
    result = run_guardsh(["-c", "git reset --hard"], isolated_home, cwd=project)
    snapshot_id = KEPT_ID.search(result.stderr.decode())[1]
    sh(project, f"git for-each-ref --format='delete %(refname)' refs/guardsh/undo/{snapshot_id} "
                "| git update-ref --stdin")
    undone = run_guardsh(["undo", snapshot_id], isolated_home, cwd=project)
    err = undone.stderr.decode()
    assert undone.returncode == 1 and "Traceback" not in err, err
    assert f"refs/guardsh/undo/{snapshot_id}/" in err and "missing" in err


@pytest.mark.parametrize("command", ["git reset --hard", "git clean -fd && ls", "git stash drop"])
def test_an_agents_wrapped_keepable_line_stays_snapshot(world, isolated_home, command):
    """Claude Code sources its environment snapshot (functions, aliases,
    options) before the command and writes its cwd file after it: neither
    changes what is kept."""
    from test_agents import BASHRC, SNAPSHOT_SCRIPT, claude_wrapper

    project, _ = world
    (isolated_home / ".bashrc").write_text(BASHRC)
    snap = isolated_home / ".claude/shell-snapshots/snapshot-bash-1790176143960-63w311.sh"
    snap.parent.mkdir(parents=True)
    made = run_guardsh(["-c", "-l", SNAPSHOT_SCRIPT.format(snapshot=f"'{snap}'", home=isolated_home)], isolated_home)
    assert made.returncode == 0, made.stderr.decode()
    verdict = json.loads(run_guardsh(["check", "--json", claude_wrapper(snap, command)], isolated_home,
                                     cwd=project).stdout)
    assert verdict["decision"] == "snapshot", verdict


def test_the_engine_copies_instead_of_linking_what_another_target_writes_in_place(world, isolated_home):
    """Behind the policy's check: given an in-place overwrite of data/a.csv and
    an unlink of data (as a line that wrote first would need), the engine
    keeps data by copy, so writing the inode before the delete changes no kept byte."""
    from guardsh.model import Keep
    from guardsh.outcome.keeping import targets_of
    from guardsh.outcome.snapshot import Settings, Store, plan, restore, take

    project, _ = world
    opts = {"globs": (False,), "project": str(project), "home": str(isolated_home)}
    targets = targets_of([Keep("paths-overwrite", (str(project / "data/a.csv"),), opts),
                          Keep("paths-unlink", (str(project / "data"),), opts)])
    store = Store(str(isolated_home / "store"))
    snap = take(plan(targets, Settings()), "test", str(project), Settings(), store)
    before = tree_picture(project / "data")
    with open(project / "data/b.csv", "r+") as f:  # in place: the same inode
        f.truncate(0)
    sh(project, "rm -rf data")
    restore(snap.id, Settings(), store, keep_current=False)
    assert tree_picture(project / "data") == before


def test_the_engine_refuses_to_keep_a_repositorys_git_data_beside_its_git_snapshot(world, isolated_home):
    from guardsh.model import Keep
    from guardsh.outcome.keeping import targets_of

    project, _ = world
    opts = {"globs": (False,), "project": str(project), "home": str(isolated_home)}
    git = Keep("git", (str(project),), {"untracked": "untracked", "pathspecs": (), "project": str(project),
                                         "home": str(isolated_home)})
    found = targets_of([git, Keep("paths-unlink", (str(project / ".git"),), opts)])
    assert not found and "git snapshot" in found.reason


def test_a_symlink_made_after_the_kept_delete_is_replaced_by_undo_not_followed(world, isolated_home):
    """After the last kept destruction the line may change the names freely:
    undo puts the kept directory back in place of the link and never writes
    through it."""
    project, outside = world
    before = picture(project, outside)
    result = run_guardsh(["-c", "rm -rf data && ln -s ../outside data"], isolated_home, cwd=project)
    assert result.returncode == 0 and (project / "data").is_symlink(), result.stderr.decode()
    undone = run_guardsh(["undo", KEPT_ID.search(result.stderr.decode())[1]], isolated_home, cwd=project)
    assert undone.returncode == 0, undone.stderr.decode()
    after = picture(project, outside)
    after["refs"], before["refs"] = None, None
    assert after == before and not (project / "data").is_symlink()
