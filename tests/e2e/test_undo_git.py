"""Snapshots of real git repositories: keep, run the real discarding command,
restore, and compare HEAD, index, stash, branches and every file byte for byte."""

from __future__ import annotations

import os
import subprocess

import pytest

from guardsh.outcome.snapshot import GitTarget, Store, plan, restore, take
from guardsh.outcome.snapshot.git import REFS_ROOT
from helpers import git_state, make_messy_repo, sh


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def repo(tmp_path):
    return make_messy_repo(tmp_path / "repo")


def is_build_output(path: str) -> bool:
    return "/build/" in path + "/"


def keep_then_run(repo, target, command):
    before = git_state(repo)
    planned = plan([target])
    assert planned, planned
    snap = take(planned, command, str(repo))
    assert git_state(repo) == before, "taking a snapshot must not change the repository"
    sh(repo, command)
    after = git_state(repo)
    assert after != before, f"{command} should have discarded something"
    return snap, before, after


CASES = [
    pytest.param("git reset --hard", dict(), id="reset-hard"),
    pytest.param("git reset --hard HEAD~1", dict(), id="reset-hard-moves-branch"),
    pytest.param("git checkout -- a.txt run.sh link", dict(), id="checkout-paths"),
    pytest.param("git checkout -f feature", dict(), id="checkout-force-other-branch"),
    pytest.param("git restore --staged --worktree dir/b.txt new.txt", dict(), id="restore-staged-worktree"),
    pytest.param("git restore .", dict(), id="restore-all"),
    pytest.param("git clean -fd", dict(worktree=False, untracked="untracked"), id="clean-fd"),
    pytest.param("git clean -fd scratch", dict(worktree=False, untracked="untracked", pathspecs=("scratch",)),
                 id="clean-fd-pathspec"),
    pytest.param("git reset --hard && git clean -fdx", dict(untracked="all"), id="reset-hard-and-clean-fdx"),
    pytest.param("git stash drop", dict(worktree=False, stash=True), id="stash-drop"),
    pytest.param("git stash drop stash@{1}", dict(worktree=False, stash=True), id="stash-drop-older"),
    pytest.param("git stash clear", dict(worktree=False, stash=True), id="stash-clear"),
    pytest.param("git branch -D feature spare", dict(worktree=False, branches=True), id="branch-delete"),
    pytest.param("git branch -f feature HEAD~1", dict(worktree=False, branches=True), id="branch-force-move"),
]


@pytest.mark.parametrize("command, aspects", CASES)
def test_discarding_command_is_undone_exactly(repo, command, aspects):
    snap, before, _ = keep_then_run(repo, GitTarget(str(repo), **aspects), command)
    result = restore(snap.id)
    assert git_state(repo) == before
    assert result.kept_current is not None


@pytest.mark.parametrize("command, aspects", CASES)
def test_undo_of_the_undo_brings_back_the_state_after_the_command(repo, command, aspects):
    snap, _, after = keep_then_run(repo, GitTarget(str(repo), **aspects), command)
    first = restore(snap.id)
    second = restore(first.kept_current.id)
    assert git_state(repo) == after
    assert second.kept_current is not None


def test_clean_fdx_keeps_untracked_and_ignored_but_not_build_output(repo):
    target = GitTarget(str(repo), worktree=False, untracked="all", regenerable=is_build_output)
    snap, before, _ = keep_then_run(repo, target, "git clean -fdx")
    assert "4 untracked file(s)" in snap.manifest.kept[0]  # notes.md, debug.log, scratch/deep/x.py, scratch/tool
    restore(snap.id)
    restored = git_state(repo)
    expected = {k: v for k, v in before["files"].items() if not k.startswith("build")}
    assert restored["files"] == expected
    assert not (repo / "build").exists()


def test_snapshot_refs_live_in_the_repository_and_survive_gc(repo):
    snap, before, _ = keep_then_run(repo, GitTarget(str(repo), untracked="untracked"), "git reset --hard && git clean -fd")
    refs = sh(repo, f"git for-each-ref --format='%(refname)' {REFS_ROOT}/{snap.id}/").split()
    assert {r.rsplit("/", 1)[-1] for r in refs} >= {"head", "index", "worktree", "untracked"}
    # Expire every reflog but the stash (which lives in its reflog): only our refs keep the objects.
    sh(repo, "git reflog expire --expire=now HEAD refs/heads/main && git gc -q --prune=now")
    restore(snap.id)
    assert git_state(repo) == before


def test_unborn_branch_with_staged_files(tmp_path):
    repo = tmp_path / "fresh"
    repo.mkdir()
    sh(repo, "git init -q -b main . && echo one > one.txt && git add one.txt && echo edit > one.txt")
    snap, before, _ = keep_then_run(repo, GitTarget(str(repo)), "git rm -qf --cached one.txt && rm one.txt")
    restore(snap.id)
    assert git_state(repo) == before


def test_detached_head_is_restored(repo):
    sh(repo, "git reset -q --hard && git checkout -q --detach HEAD~1 && echo dirty > a.txt && echo new > dir/b.txt && git add dir")
    snap, before, _ = keep_then_run(repo, GitTarget(str(repo)), "git checkout -qf main")
    restore(snap.id)
    assert git_state(repo) == before
    assert before["head_ref"] == "detached"


def test_merge_in_progress_is_not_keepable(repo):
    sh(repo, "git reset -q --hard && git checkout -q -b other HEAD~1 && echo x > a.txt && git commit -qam x && "
             "(git merge main -q || true)")
    verdict = plan([GitTarget(str(repo))])
    assert not verdict
    assert "merge" in verdict.reason


def test_outside_a_repository_is_not_keepable(tmp_path):
    verdict = plan([GitTarget(str(tmp_path))])
    assert not verdict and "not inside a git work tree" in verdict.reason


def test_untracked_over_the_file_limit_is_not_keepable(repo):
    from guardsh.outcome.snapshot import Settings

    verdict = plan([GitTarget(str(repo), untracked="untracked")], Settings(max_files=2))
    assert not verdict and "max_files" in verdict.reason


def test_snapshot_ignores_the_lines_git_environment(repo, monkeypatch, tmp_path):
    # A line run with GIT_DIR/GIT_INDEX_FILE pointing elsewhere must not redirect what is kept.
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    planned = plan([GitTarget(str(repo))])
    snap = take(planned, "git reset --hard", str(repo))
    monkeypatch.delenv("GIT_INDEX_FILE")
    monkeypatch.delenv("GIT_DIR")
    before = git_state(repo)
    sh(repo, "git reset -q --hard")
    restore(snap.id)
    assert git_state(repo) == before


def test_a_huge_tracked_change_is_over_the_byte_limit(repo):
    from guardsh.outcome.snapshot import Settings

    (repo / "a.txt").write_bytes(b"x" * 50_000)
    verdict = plan([GitTarget(str(repo))], Settings(max_bytes=10_000))
    assert not verdict and "max_bytes" in verdict.reason
    assert plan([GitTarget(str(repo))], Settings(max_bytes=100_000))
