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
    assert added == {"matcher": "Bash|Monitor", "hooks": [{"type": "command", "command": f"{HOOK} claude-code"}]}
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
    # and the older matcher, which missed the Monitor tool (it runs shell commands too), is widened
    assert groups == [{"matcher": "Bash|Monitor", "hooks": [{"type": "command", "command": f"{HOOK} claude-code"}]}]


def test_a_matcher_shared_with_another_hook_is_left_alone(isolated_home):
    path = isolated_home / ".claude/settings.json"
    path.parent.mkdir()
    shared = {"matcher": "Bash", "hooks": [{"type": "command", "command": "/old/place/guardsh hook claude-code"},
                                           {"type": "command", "command": "./my-audit.sh"}]}
    path.write_text(json.dumps({"hooks": {"PreToolUse": [shared]}}))
    setup(isolated_home, "claude-code")
    [group] = json.loads(path.read_text())["hooks"]["PreToolUse"]
    assert group["matcher"] == "Bash" and group["hooks"][1] == {"type": "command", "command": "./my-audit.sh"}
    assert group["hooks"][0]["command"] == f"{HOOK} claude-code"


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
    "claude-code": (".claude/settings.json", {"hooks": {"PreToolUse": [{"matcher": "Bash|Monitor", "hooks": [
        {"type": "command", "command": f"{HOOK} claude-code"}]}]}}),
}


NO_CODEX = {"PATH": "/nonexistent"}  # neither codex nor npm: Codex cannot be asked to trust the hook


@pytest.mark.parametrize("agent", list(EXPECTED))
def test_each_agent_gets_its_documented_entry(agent, isolated_home):
    rel, expected = EXPECTED[agent]
    result = run_guardsh(["setup", agent], isolated_home, env_extra=NO_CODEX)
    assert result.returncode == (1 if agent == "codex" else 0), result.stderr  # codex: untrusted, below
    path = isolated_home / rel
    assert json.loads(path.read_text()) == expected
    assert path.stat().st_mode & 0o777 == 0o600  # a new settings file may later hold keys
    again = run_guardsh(["setup", agent], isolated_home, env_extra=NO_CODEX)
    assert b"nothing changed.\n" in again.stdout


def test_codex_hook_that_cannot_be_trusted_is_said_loudly_with_the_manual_step(isolated_home):
    """Codex skips an untrusted hook without a word: when Codex cannot be asked to trust it
    (not installed here), setup fails, says so on stderr, and gives the step by hand."""
    result = run_guardsh(["setup", "codex"], isolated_home, env_extra=NO_CODEX)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "CODEX WILL NOT RUN GUARDSH'S HOOK YET" in err and "`codex` command was not found" in err, err
    assert "type /hooks" in err and "Trust" in err, err
    assert (isolated_home / ".codex/hooks.json").exists()  # the hook itself is written


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
    result = run_guardsh(["setup", "codex"], isolated_home, env_extra={"CODEX_HOME": str(codex_home), **NO_CODEX})
    assert b"Wrote the guardsh hook into " + str(codex_home / "hooks.json").encode() in result.stdout
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


def test_shell_option_is_refused_for_an_agent_without_a_shell(isolated_home):
    """Cursor runs commands its own way (the hook is the only way in); Codex and Gemini CLI get a
    link named bash (tests/e2e/test_agent_shell.py)."""
    result = setup(isolated_home, "cursor", "--shell")
    assert result.returncode == 1 and b"cursor has no setting for its shell" in result.stderr
    assert not (isolated_home / ".local/share/guardsh/shell").exists()


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


FAKE_CODEX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_codex.py")


def codex_on_path(tmp_path) -> dict:
    bin_dir = tmp_path / "codex-bin"
    if not bin_dir.exists():
        bin_dir.mkdir()
        (bin_dir / "codex").symlink_to(FAKE_CODEX)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


def test_codex_setup_has_codex_trust_its_hook_and_no_other(isolated_home, tmp_path):
    hooks_json = isolated_home / ".codex/hooks.json"
    hooks_json.parent.mkdir()
    other = {"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/audit-hook"}]}
    hooks_json.write_text(json.dumps({"hooks": {"PreToolUse": [other]}}))
    result = run_guardsh(["setup", "codex"], isolated_home, env_extra=codex_on_path(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"{hooks_json}:pre_tool_use:1:0: trusted" in result.stdout.decode()
    trust = json.loads((isolated_home / ".codex/trust.json").read_text())
    assert list(trust) == [f"{hooks_json}:pre_tool_use:1:0"]  # guardsh's; never the other hook
    again = run_guardsh(["setup", "codex"], isolated_home, env_extra=codex_on_path(tmp_path))
    assert again.returncode == 0 and b"nothing changed" in again.stdout and b"trusted" in again.stdout


def test_codex_app_server_failing_is_said_loudly(isolated_home, tmp_path):
    result = run_guardsh(["setup", "codex"], isolated_home, env_extra={**codex_on_path(tmp_path),
                                                                        "FAKE_CODEX_FAIL": "1"})
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "CODEX WILL NOT RUN GUARDSH'S HOOK YET" in err and "fake codex: cannot start" in err, err
