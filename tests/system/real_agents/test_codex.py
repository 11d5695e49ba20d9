"""Codex CLI (the pinned npm release), with guardsh's hook and with guardsh as its shell,
driven by the fake model.

Codex refuses `rm -rf`/`rm -f` itself ("rm -f style commands are not permitted"), so the
destructive command here is `rm -r data`, which Codex runs. Codex takes its shell from the
password database (getpwuid), not from a setting or $SHELL, and only when the shell's file
name is one it knows: links named `bash`, `zsh` and `sh` were taken; `guardsh-bash` and
`mybash` were not (it ran /usr/bin/bash instead). The tests bind-mount an /etc/passwd naming
the shell they want over the real one, in a mount namespace of the agent's own."""

from __future__ import annotations

import json

import pytest

from harness import World, codex_env, codex_hooks, refuse_approve_retry, run_codex

HARMLESS = "echo hello-from-agent; ls"
DESTRUCTIVE = "rm -r data"


def ran_harmless(result: str) -> bool:
    lines = result.splitlines()
    return "hello-from-agent" in lines and "data" in lines and "guardsh: refused" not in result


def setup_hook(world: World, codex) -> None:
    """`guardsh setup codex` as a user with Codex installed (on PATH) runs it: it writes the hook and
    has Codex trust it."""
    env = codex_env(world)
    env["PATH"] = f"{codex.parent}:{env['PATH']}"
    result = world.guardsh("setup", "codex", env=env)
    assert "Codex trusts the hook" in result.stdout, result.stdout + result.stderr


def hook_payloads(world: World) -> list[str]:
    return [c["stdin"] for c in world.calls() if c["argv"][:2] == ["hook", "codex"]]


def bash_link(world: World):
    """A link named `bash` to guardsh: the only name Codex accepts for a bash login shell."""
    link = world.root / "shell" / "bash"
    link.parent.mkdir()
    link.symlink_to(world.launcher)
    return link


def shell_calls(world: World) -> list[list[str]]:
    return [c["argv"] for c in world.calls() if c["argv0"] in ("bash", "guardsh-bash")]


# --- (c) guardsh's hook in Codex -----------------------------------------------------------


def test_hook_after_setup_alone_refuses_rm(world, codex):
    setup_hook(world, codex)
    run = run_codex(world, codex, [{"command": DESTRUCTIVE}])
    assert not run.timed_out, run.describe()
    assert hook_payloads(world), "Codex never ran guardsh's hook"
    assert world.data.exists()
    [refusal] = run.tool_results()
    assert refusal.startswith("Command blocked by PreToolUse hook: guardsh: refused"), refusal


def test_setup_trusts_guardshs_hook_and_no_other(world, codex):
    """Codex skips an untrusted hook silently; `guardsh setup codex` has Codex trust its hook the
    way Codex's own /hooks screen does (app-server hooks/list + config/batchWrite), and leaves
    every other hook as it was."""
    hooks_json = world.home / ".codex/hooks.json"
    codex_env(world)  # makes ~/.codex/config.toml
    other = {"type": "command", "command": "/usr/local/bin/someone-elses-hook"}
    hooks_json.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [other]}]}}))
    setup_hook(world, codex)
    hooks = {h["command"]: h for h in codex_hooks(world, codex)}
    mine = hooks.pop(f"{world.launcher} hook codex")
    assert mine["trustStatus"] == "trusted" and mine["source"] == "user", mine
    assert [h["trustStatus"] for h in hooks.values()] == ["untrusted"], hooks
    config = (world.home / ".codex/config.toml").read_text()
    assert f'[hooks.state."{mine["key"]}"]\ntrusted_hash = "{mine["currentHash"]}"' in config, config
    assert config.count("trusted_hash") == 1, config
    env = codex_env(world)
    env["PATH"] = f"{codex.parent}:{env['PATH']}"
    doctor = world.guardsh("doctor", env=env, status=None).stdout
    assert "ok    Codex: Codex trusts the hook (asked Codex: hooks/list says trusted)" in doctor, doctor


def test_setup_without_codex_on_path_fails_loudly_and_leaves_the_hook_untrusted(world, codex):
    result = world.guardsh("setup", "codex", env=codex_env(world), status=1)
    assert "CODEX WILL NOT RUN GUARDSH'S HOOK YET" in result.stderr and "/hooks" in result.stderr, result.stderr
    [hook] = codex_hooks(world, codex)
    assert hook["command"] == f"{world.launcher} hook codex" and hook["trustStatus"] == "untrusted", hook
    env = codex_env(world)
    env["PATH"] = f"{codex.parent}:{env['PATH']}"
    doctor = world.guardsh("doctor", env=env, status=1).stdout
    assert "FAIL  Codex: Codex will not run guardsh's hook: it is untrusted (asked Codex" in doctor, doctor


def test_trusted_hook_harmless_command_runs_and_its_output_reaches_the_model(world, codex):
    setup_hook(world, codex)
    run = run_codex(world, codex, [{"command": HARMLESS}])
    assert not run.timed_out and run.returncode == 0, run.describe()
    [result] = run.tool_results()
    assert ran_harmless(result), run.describe()
    [payload] = hook_payloads(world)
    assert '"tool_name":"Bash"' in payload and "hello-from-agent" in payload, payload


def test_trusted_hook_rm_is_refused_then_approved_and_the_retry_runs_once(world, codex):
    setup_hook(world, codex)
    run, seen = refuse_approve_retry(world, lambda script, **kw: run_codex(world, codex, script, **kw), DESTRUCTIVE)
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert seen["data_survived_refusal"], seen["refusal"]
    assert seen["refusal"].startswith("Command blocked by PreToolUse hook: guardsh: refused"), seen["refusal"]
    assert "fs.rm-recursive" in seen["refusal"], seen["refusal"]
    assert seen["data_gone_after_retry"], seen["retry"]
    third = run.tool_results()[2]
    assert "guardsh approve" in third and world.data.exists(), "the approval was used twice:\n" + third


def test_trusted_hook_python_repl_cannot_delete_the_data(world, codex):
    setup_hook(world, codex)
    run = run_codex(world, codex, [
        {"call": "exec_command", "args": {"cmd": "python3 -i -q", "tty": True, "yield_time_ms": 1500}},
        {"call": "write_stdin", "args": {"session_id": "$SESSION", "yield_time_ms": 1500,
                                          "chars": "import shutil; shutil.rmtree('data'); print('removed')\n"}},
        {"call": "write_stdin", "args": {"session_id": "$SESSION", "chars": "exit()\n", "yield_time_ms": 1000}},
    ])
    assert not run.timed_out, run.describe()
    assert world.data.exists(), run.describe()
    # Codex sends no PreToolUse for write_stdin, so the REPL itself is asked about, naming why
    started = run.tool_results()[0]
    assert "guard.interactive-program" in started and "write_stdin" in started, started
    assert "session ID" not in started, started  # no REPL was left running to type into


# --- (d) guardsh as Codex's shell -----------------------------------------------------------


def test_shell_login_shell_named_guardsh_bash_is_ignored_by_codex(world, codex):
    """Why the link is named `bash`: Codex takes the login shell only by a file name it knows;
    one named guardsh-bash is passed over for /usr/bin/bash (here, on a scratch copy of data)."""
    run = run_codex(world, codex, [{"command": "echo hello-from-agent"}], login_shell=world.bin / "guardsh-bash")
    assert not run.timed_out, run.describe()
    assert not shell_calls(world), "Codex now takes a login shell named guardsh-bash: the README can say so"
    assert "hello-from-agent" in run.tool_results()[0], run.describe()


def test_shell_as_the_readme_says_refuses_rm(world, codex):
    """`guardsh setup codex --shell` makes the link; the README's step makes it the login shell."""
    result = world.guardsh("setup", "codex", "--shell", env=codex_env(world))
    link = world.home / ".local/share/guardsh/shell/bash"
    assert f"sudo chsh -s {link}" in result.stdout, result.stdout
    run = run_codex(world, codex, [{"command": DESTRUCTIVE}], login_shell=link)
    assert not run.timed_out, run.describe()
    assert world.data.exists(), run.describe()
    [refusal] = run.tool_results()
    assert "Process exited with code 126" in refusal and "  command: rm -r data\n" in refusal, refusal


def test_shell_bash_link_harmless_command_runs_and_its_output_reaches_the_model(world, codex):
    run = run_codex(world, codex, [{"command": HARMLESS}], login_shell=bash_link(world))
    assert not run.timed_out and run.returncode == 0, run.describe()
    [result] = run.tool_results()
    assert ran_harmless(result), run.describe()
    assert any(HARMLESS in argv for argv in shell_calls(world)), "guardsh never saw the command"


def test_shell_bash_link_rm_is_refused_then_approved_and_the_retry_runs_once(world, codex):
    link = bash_link(world)
    run, seen = refuse_approve_retry(
        world, lambda script, **kw: run_codex(world, codex, script, login_shell=link, **kw), DESTRUCTIVE)
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert seen["data_survived_refusal"], seen["refusal"]
    assert "Process exited with code 126" in seen["refusal"] and "fs.rm-recursive" in seen["refusal"], seen["refusal"]
    assert seen["data_gone_after_retry"], seen["retry"]
    third = run.tool_results()[2]
    assert "guardsh approve" in third and world.data.exists(), "the approval was used twice:\n" + third


def test_shell_bash_link_snapshot_is_allowed(world, codex):
    run = run_codex(world, codex, [{"command": HARMLESS}], login_shell=bash_link(world))
    assert not run.timed_out, run.describe()
    assert any(argv[:1] == ["-lc"] and "Snapshot file" in argv[1] for argv in shell_calls(world))
    assert world.refusals() == []
