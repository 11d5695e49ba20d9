"""Claude Code (the pinned npm release), with guardsh as its shell and with guardsh's hook,
driven by the fake model: what really reaches guardsh, and what reaches the model back."""

from __future__ import annotations

import pytest

from harness import World, claude_env, refuse_approve_retry, run_claude

HARMLESS = "echo hello-from-agent; ls"


def ran_harmless(result: str) -> bool:
    """The command's own output, line for line (a refusal quotes the command, not its output)."""
    lines = result.splitlines()
    return "hello-from-agent" in lines and "data" in lines and "guardsh: refused" not in result


def as_shell(world: World) -> dict:
    """`guardsh setup claude-code --shell`, as the README says: settings.json's env names the
    guardsh-bash link (here the recording launcher's)."""
    env = claude_env(world)
    world.guardsh("setup", "claude-code", "--shell", env=env)
    assert "guardsh-bash" in (world.home / ".claude/settings.json").read_text()
    return env


def with_hook(world: World) -> dict:
    env = claude_env(world)
    world.guardsh("setup", "claude-code", env=env)
    return env


def shell_calls(world: World) -> list[list[str]]:
    return [c["argv"] for c in world.calls() if c["argv0"] == "guardsh-bash"]


def snapshot_was_sourced(world: World) -> bool:
    """A command's wrapper sourced a snapshot file that existed then (the recorder copied it;
    Claude Code deletes its snapshots when the session ends)."""
    return any("/shell-snapshots/snapshot-bash-" in path for c in world.calls() if c["argv0"] == "guardsh-bash"
               and "eval " in c["argv"][-1] for path in c["files"])


# --- (a) guardsh as Claude Code's shell ------------------------------------------------


def test_shell_harmless_command_runs_and_its_output_reaches_the_model(world, claude):
    run = run_claude(world, claude, [{"command": HARMLESS}], env=as_shell(world))
    assert not run.timed_out and run.returncode == 0, run.describe()
    [result] = run.tool_results()
    assert ran_harmless(result), run.describe()
    assert any("hello-from-agent" in " ".join(argv) for argv in shell_calls(world)), "guardsh never saw the command"


def test_shell_rm_rf_is_refused_then_approved_and_the_retry_runs_once(world, claude):
    env = as_shell(world)
    run, seen = refuse_approve_retry(world, lambda script, **kw: run_claude(world, claude, script, env=env, **kw),
                                     "rm -rf data")
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert seen["data_survived_refusal"], seen["refusal"]
    assert "fs.rm-recursive" in seen["refusal"] and "Recursively deletes" in seen["refusal"], seen["refusal"]
    assert seen["data_gone_after_retry"], seen["retry"]
    third = run.tool_results()[2]
    assert "guardsh approve" in third and world.data.exists(), "the approval was used twice:\n" + third


def test_shell_session_start_up_is_allowed_and_the_snapshot_is_written(world, claude):
    run = run_claude(world, claude, [{"command": HARMLESS}], env=as_shell(world))
    assert not run.timed_out, run.describe()
    assert any(argv[:2] == ["-c", "-l"] and "SNAPSHOT_FILE=" in argv[2] for argv in shell_calls(world))
    assert world.refusals() == []
    assert snapshot_was_sourced(world), "no command ran with the session's snapshot"


def test_shell_grep_and_find_from_the_snapshot_run(world, claude):
    run = run_claude(world, claude, [{"command": "grep -rn 2 data"}, {"command": "find . -name rows.csv"}],
                     env=as_shell(world))
    assert snapshot_was_sourced(world), "no command ran with the session's snapshot"
    grep, find = run.tool_results()
    assert "data/rows.csv:1:1,2,3" in grep.splitlines(), run.describe()
    assert "./data/rows.csv" in find.splitlines(), run.describe()
    assert world.refusals() == []


def test_shell_refusal_shows_the_agents_command_itself(world, claude):
    run = run_claude(world, claude, [{"command": "rm -rf data"}], env=as_shell(world))
    [refusal] = run.tool_results()
    assert "guardsh approve" in refusal, refusal
    assert "  command: rm -rf data\n" in refusal, refusal


def test_shell_with_tmpdir_set_harmless_command_runs(world, claude):
    """The wrapper ends `pwd -P >| $TMPDIR/claude-XXXX-cwd`: with TMPDIR under $HOME this was
    judged as `true > FILE` (the redirect on the wrong command) and every command refused."""
    env = as_shell(world)
    tmpdir = world.home / "tmp"
    tmpdir.mkdir()
    env["TMPDIR"] = str(tmpdir)
    run = run_claude(world, claude, [{"command": HARMLESS}], env=env)
    [result] = run.tool_results()
    assert ran_harmless(result), result


# --- (b) guardsh's hook in Claude Code ----------------------------------------------------


def hook_payloads(world: World) -> list[str]:
    return [c["stdin"] for c in world.calls() if c["argv"][:2] == ["hook", "claude-code"]]


def test_hook_harmless_command_runs_and_its_output_reaches_the_model(world, claude):
    run = run_claude(world, claude, [{"command": HARMLESS}], env=with_hook(world))
    assert not run.timed_out and run.returncode == 0, run.describe()
    [result] = run.tool_results()
    assert ran_harmless(result), run.describe()
    [payload] = hook_payloads(world)
    assert '"tool_name":"Bash"' in payload and "hello-from-agent" in payload


def test_hook_rm_rf_is_refused_then_approved_and_the_retry_runs_once(world, claude):
    env = with_hook(world)
    run, seen = refuse_approve_retry(world, lambda script, **kw: run_claude(world, claude, script, env=env, **kw),
                                     "rm -rf data")
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert seen["data_survived_refusal"], seen["refusal"]
    assert seen["refusal"].startswith("PreToolUse:Bash hook error: guardsh: refused"), seen["refusal"]
    assert "fs.rm-recursive" in seen["refusal"], seen["refusal"]
    assert "command: rm -rf data" in seen["approve_screen"] or "rm -rf data" in seen["approve_screen"]
    assert seen["data_gone_after_retry"], seen["retry"]
    third = run.tool_results()[2]
    assert "guardsh approve" in third and world.data.exists(), "the approval was used twice:\n" + third
    assert len(hook_payloads(world)) == 3
