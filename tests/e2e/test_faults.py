"""Faults have a defined behaviour: nothing runs unjudged, an allowed command
is never blocked silently, a blocked one never runs."""

from __future__ import annotations

import pytest

import json
import os
import signal
import subprocess
import time

import pexpect

from helpers import GUARDSH, guardsh_env, run_guardsh, write_rules


def test_unwritable_audit_log_warns_but_never_changes_the_decision(isolated_home, project):
    write_rules(isolated_home, '[settings]\non_keepable = "confirm"\n')  # asked, not kept: refusing is the point
    (project / "data").mkdir()
    state = isolated_home / "state-is-a-file"
    state.write_text("not a directory")
    env = {"XDG_STATE_HOME": str(state)}
    ok = run_guardsh(["-c", "echo ran"], isolated_home, env_extra=env)
    assert (ok.returncode, ok.stdout) == (0, b"ran\n")
    assert b"warning: cannot write the audit log" in ok.stderr
    refused = run_guardsh(["-c", "rm -rf data"], isolated_home, env_extra=env)
    assert refused.returncode == 126 and (project / "data").exists()


def test_full_disk_for_the_audit_log(isolated_home):
    log_dir = isolated_home / ".local/state/guardsh"
    log_dir.mkdir(parents=True)
    (log_dir / "audit.jsonl").symlink_to("/dev/full")
    ok = run_guardsh(["-c", "echo ran"], isolated_home)
    assert (ok.returncode, ok.stdout) == (0, b"ran\n")
    assert b"cannot write the audit log" in ok.stderr


def test_unreadable_rules_file_stops_everything(isolated_home, project):
    (isolated_home / ".config/guardsh/rules.toml").mkdir(parents=True)  # a directory, not a file
    result = run_guardsh(["-c", "touch made"], isolated_home)
    assert result.returncode == 2 and not (project / "made").exists()
    assert b"rules.toml:1: cannot read" in result.stderr


def test_rules_file_that_disappears_is_not_served_from_the_cache(isolated_home):
    rules = write_rules(isolated_home, '[actions]\n"git.push-force" = "deny"\n')
    assert b"denies it outright" in run_guardsh(["-c", "git push -f"], isolated_home).stderr
    rules.unlink()
    after = run_guardsh(["-c", "git push -f"], isolated_home)
    assert after.returncode == 126 and b"denies it outright" not in after.stderr


CPU_HOGS = 3  # processes that keep both cores busy, as a build or a test run does


def test_two_hundred_processes_on_a_busy_machine_refuse_nothing_and_lose_no_audit_line(isolated_home, project):
    """Many agents at once on a machine that is busy anyway: a harmless line
    is allowed however long it waits for the CPU (the reader's budget counts
    CPU time, not the wall clock), and every decision is one whole audit line
    (one write() under flock)."""
    import sys

    env = guardsh_env(isolated_home)
    # ~12 ms of CPU to read (a sixteenth of the budget) but seconds of wall-clock
    # time here; 16 kB, so an audit line split into several writes would show.
    body = "; ".join(f"printf '%s' {'x' * 20}{n}" for n in range(400))
    hogs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(CPU_HOGS)]
    try:
        procs = [subprocess.Popen([GUARDSH, "-c", f"{body}; : {i}"], cwd=project, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  start_new_session=True)
                 for i in range(200)]
        results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    failed = [(i, rc, err.decode(errors="replace")[-300:]) for i, (rc, err) in enumerate(results) if rc or err]
    assert not failed, f"{len(failed)} of 200 refused or complained, e.g. {failed[:2]}"
    lines = (isolated_home / ".local/state/guardsh/audit.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert sorted(int(e["command"].rsplit(" ", 1)[1]) for e in entries) == list(range(200))
    assert {e["outcome"] for e in entries} == {"allowed"}


@pytest.mark.pty
def test_sigterm_at_the_prompt_refuses_and_restores_the_terminal(isolated_home, project):
    write_rules(isolated_home, '[settings]\non_keepable = "confirm"\n')  # asked, not kept: the prompt is the point
    (project / "data").mkdir()
    child = pexpect.spawn("bash", ["-c", f"{GUARDSH} -c 'rm -rf data'; echo EXIT=$?; stty -a"],
                          cwd=str(project), env=guardsh_env(isolated_home), timeout=15, encoding="utf-8")
    child.expect(r'Type "[^"]+" to run it')
    guardsh_pid = _child_of(child.pid)
    os.kill(guardsh_pid, signal.SIGTERM)
    child.expect(r"EXIT=(\d+)")
    assert child.match.group(1) == "126"
    child.expect(pexpect.EOF)
    modes = child.before
    assert " icanon" in modes and " echo " in modes, "the terminal was left in raw mode"
    assert (project / "data").exists()


def _child_of(pid: int) -> int:
    deadline = time.time() + 5
    while time.time() < deadline:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("guardsh did not start")
