"""`guardsh setup AGENT` writes the hook into the agent's own file, keeps
everything else in it, keeps a backup, never duplicates its entry, and with
--print changes nothing."""

from __future__ import annotations

import json
import os

import pytest

from helpers import GUARDSH, guardsh_env, run_guardsh

HOOK = f"{os.path.abspath(GUARDSH)} hook"

CLAUDE_SETTINGS = {
    "model": "opus",
    "env": {"FOO": "bar"},
    "permissions": {"allow": ["Bash(npm test)"]},
    "hooks": {"PreToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "/usr/bin/true"}]}],
              "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]},
}


def setup(home, *args):
    return run_guardsh(["setup", *args], home)


def backups(path) -> list:
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name + ".guardsh-backup-"))


def test_claude_code_hook_is_added_and_everything_else_kept(isolated_home):
    path = isolated_home / ".claude/settings.json"
    path.parent.mkdir()
    original = json.dumps(CLAUDE_SETTINGS, indent=4)
    path.write_text(original)
    result = setup(isolated_home, "claude-code")
    assert result.returncode == 0, result.stderr
    written = json.loads(path.read_text())
    added = written["hooks"]["PreToolUse"].pop()
    assert added == {"matcher": "Bash", "hooks": [{"type": "command", "command": f"{HOOK} claude-code"}]}
    assert written == CLAUDE_SETTINGS
    [backup] = backups(path)
    assert backup.read_text() == original
    assert str(backup) in result.stdout.decode()


def test_running_setup_twice_does_not_duplicate(isolated_home):
    path = isolated_home / ".claude/settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps(CLAUDE_SETTINGS))
    setup(isolated_home, "claude-code")
    first = path.read_text()
    again = setup(isolated_home, "claude-code")
    assert again.returncode == 0 and b"nothing changed" in again.stdout
    assert path.read_text() == first
    assert len(backups(path)) == 1


def test_a_moved_guardsh_is_updated_in_place(isolated_home):
    path = isolated_home / ".claude/settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"hooks": {"PreToolUse": [
        {"matcher": "Bash", "hooks": [{"type": "command", "command": "/old/place/guardsh hook claude-code"}]}]}}))
    setup(isolated_home, "claude-code")
    groups = json.loads(path.read_text())["hooks"]["PreToolUse"]
    assert groups == [{"matcher": "Bash", "hooks": [{"type": "command", "command": f"{HOOK} claude-code"}]}]


def test_print_shows_the_file_and_changes_nothing(isolated_home):
    path = isolated_home / ".claude/settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps(CLAUDE_SETTINGS))
    before = sorted(os.listdir(path.parent))
    result = setup(isolated_home, "claude-code", "--print")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "nothing has been changed" in out
    shown = json.loads(out.split("\n", 1)[1])
    assert shown["hooks"]["PreToolUse"][-1]["hooks"][0]["command"] == f"{HOOK} claude-code"
    assert path.read_text() == json.dumps(CLAUDE_SETTINGS)
    assert sorted(os.listdir(path.parent)) == before
    assert setup(isolated_home, "cursor", "--print").returncode == 0
    assert not (isolated_home / ".cursor").exists()  # not even its directory


EXPECTED = {
    "cursor": (".cursor/hooks.json", {"version": 1, "hooks": {"beforeShellExecution": [
        {"command": f"{HOOK} cursor", "type": "command", "failClosed": True}]}}),
    "codex": (".codex/hooks.json", {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": f"{HOOK} codex", "statusMessage": "guardsh: checking the command"}]}]}}),
    "gemini": (".gemini/settings.json", {"hooks": {"BeforeTool": [{"matcher": "run_shell_command", "hooks": [
        {"type": "command", "command": f"{HOOK} gemini", "name": "guardsh",
         "description": "Stops irreversible shell commands until a human approves"}]}]}}),
    "claude-code": (".claude/settings.json", {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": f"{HOOK} claude-code"}]}]}}),
}


@pytest.mark.parametrize("agent", list(EXPECTED))
def test_each_agent_gets_its_documented_entry(agent, isolated_home):
    rel, expected = EXPECTED[agent]
    result = setup(isolated_home, agent)
    assert result.returncode == 0, result.stderr
    path = isolated_home / rel
    assert json.loads(path.read_text()) == expected
    assert path.stat().st_mode & 0o777 == 0o600  # a new settings file may later hold keys
    assert setup(isolated_home, agent).stdout.endswith(b"nothing changed.\n")


def test_existing_cursor_hooks_are_kept(isolated_home):
    path = isolated_home / ".cursor/hooks.json"
    path.parent.mkdir()
    mine = {"command": "./audit.sh", "matcher": "curl|wget"}
    path.write_text(json.dumps({"version": 1, "hooks": {"beforeShellExecution": [mine], "afterFileEdit": [
        {"command": "./fmt.sh"}]}}))
    setup(isolated_home, "cursor")
    written = json.loads(path.read_text())
    assert written["hooks"]["beforeShellExecution"][0] == mine
    assert written["hooks"]["afterFileEdit"] == [{"command": "./fmt.sh"}]
    assert len(written["hooks"]["beforeShellExecution"]) == 2


def test_codex_home_is_honoured(isolated_home, tmp_path):
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir()
    result = run_guardsh(["setup", "codex"], isolated_home, env_extra={"CODEX_HOME": str(codex_home)})
    assert result.returncode == 0
    assert (codex_home / "hooks.json").exists() and not (isolated_home / ".codex").exists()


def test_a_file_that_is_not_plain_json_is_left_alone(isolated_home):
    path = isolated_home / ".gemini/settings.json"
    path.parent.mkdir()
    text = '{\n  // my theme\n  "theme": "dark"\n}\n'
    path.write_text(text)
    result = setup(isolated_home, "gemini")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "not plain JSON" in err and "by hand" in err and f"{HOOK} gemini" in err
    assert path.read_text() == text and backups(path) == []


def test_a_symlinked_settings_file_stays_a_symlink(isolated_home, tmp_path):
    real = tmp_path / "dotfiles/settings.json"
    real.parent.mkdir()
    real.write_text("{}")
    (isolated_home / ".claude").mkdir()
    (isolated_home / ".claude/settings.json").symlink_to(real)
    setup(isolated_home, "claude-code")
    assert (isolated_home / ".claude/settings.json").is_symlink()
    assert "hooks" in json.loads(real.read_text())


def test_shell_option_sets_claude_code_shell_to_guardsh_bash(isolated_home):
    link = isolated_home / ".local/bin/guardsh-bash"
    link.parent.mkdir(parents=True)
    link.symlink_to(GUARDSH)
    path = isolated_home / ".claude/settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps(CLAUDE_SETTINGS))
    result = setup(isolated_home, "claude-code", "--shell")
    assert result.returncode == 0, result.stderr
    written = json.loads(path.read_text())
    assert written["env"] == {"FOO": "bar", "CLAUDE_CODE_SHELL": str(link)}
    assert written["hooks"] == CLAUDE_SETTINGS["hooks"]


def test_shell_option_without_a_guardsh_bash_link_fails_and_says_how(isolated_home):
    result = setup(isolated_home, "claude-code", "--shell")
    assert result.returncode == 1 and b"no guardsh-bash link" in result.stderr
    assert not (isolated_home / ".claude").exists()


def test_shell_option_is_only_for_claude_code(isolated_home):
    result = setup(isolated_home, "codex", "--shell")
    assert result.returncode == 1 and b"claude-code only" in result.stderr


def test_installed_hook_command_answers_the_agent(isolated_home, project):
    """The command written into the file is one the agent can run as is."""
    import shlex
    import subprocess

    setup(isolated_home, "claude-code")
    command = json.loads((isolated_home / ".claude/settings.json").read_text())["hooks"]["PreToolUse"][0][
        "hooks"][0]["command"]
    data = json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(project),
                       "tool_input": {"command": "rm -rf ~"}}).encode()
    result = subprocess.run(["/bin/sh", "-c", command], input=data, capture_output=True,
                            env={**guardsh_env(isolated_home), "PATH": "/usr/bin:/bin"}, timeout=30)
    assert shlex.split(command)[1:] == ["hook", "claude-code"]
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
