"""`guardsh doctor` on fake homes: each thing it checks, broken one at a time, is a FAIL line
that says what to do and makes the exit status non-zero; a home where all holds passes."""

from __future__ import annotations

import json
import os

import pytest

from helpers import GUARDSH, run_guardsh, write_rules

FAKE_CODEX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_codex.py")


@pytest.fixture
def path(tmp_path) -> dict:
    """A PATH with this guardsh on it (and its guardsh-bash link), and the system's tools."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("guardsh", "guardsh-bash"):
        (bin_dir / name).symlink_to(GUARDSH)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "GUARDSH_BIN": str(bin_dir), "CLAUDE_CODE_SHELL": ""}


def doctor(home, env: dict):
    result = run_guardsh(["doctor"], home, env_extra=env)
    return result.returncode, result.stdout.decode()


def line(out: str, start: str) -> str:
    found = [l for l in out.splitlines() if l.startswith(start)]
    assert found, out
    return found[0]


def setup(home, env, *args):
    return run_guardsh(["setup", *args], home, env_extra=env)


def with_codex(tmp_path, env: dict) -> dict:
    codex_bin = tmp_path / "codex-bin"
    if not codex_bin.exists():
        codex_bin.mkdir()
        (codex_bin / "codex").symlink_to(FAKE_CODEX)
    return {**env, "PATH": f"{codex_bin}:{env['PATH']}"}


def test_all_holds(isolated_home, path, tmp_path):
    assert setup(isolated_home, path, "claude-code").returncode == 0
    codex = with_codex(tmp_path, path)
    assert setup(isolated_home, codex, "codex").returncode == 0
    status, out = doctor(isolated_home, codex)
    assert status == 0, out
    assert out.splitlines()[-1] == "All checks passed."
    assert "FAIL" not in out
    assert line(out, "ok    guardsh on PATH").endswith(str(tmp_path / "bin/guardsh"))
    line(out, "ok    Claude Code: hook in ")
    assert "asked Codex: hooks/list says trusted" in line(out, "ok    Codex: Codex trusts the hook")
    line(out, "--    Cursor: not found")


def test_guardsh_not_on_path(isolated_home):
    status, out = doctor(isolated_home, {"PATH": "/usr/bin:/bin"})
    assert status == 1
    assert line(out, "FAIL  guardsh is not on PATH")
    assert "export PATH=" in out


def test_rules_that_do_not_load(isolated_home, path):
    write_rules(isolated_home, "[[rule]\nbroken")
    status, out = doctor(isolated_home, path)
    assert status == 1 and line(out, "FAIL  the rules do not load")


def test_audit_log_that_cannot_be_written(isolated_home, path):
    state = isolated_home / ".local/state/guardsh"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text("a file where guardsh's directory should be")
    status, out = doctor(isolated_home, path)
    assert status == 1 and line(out, "FAIL  the audit log")


def test_an_agent_found_but_not_guarded(isolated_home, path):
    (isolated_home / ".gemini").mkdir()
    status, out = doctor(isolated_home, path)
    assert status == 1
    assert "its commands run unchecked" in line(out, "FAIL  Gemini CLI: guardsh is neither its hook nor its shell")
    assert "Run: guardsh setup gemini" in out


def test_a_hook_that_runs_another_guardsh(isolated_home, path):
    settings = isolated_home / ".claude/settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash|Monitor", "hooks": [
        {"type": "command", "command": "/old/place/guardsh hook claude-code"}]}]}}))
    status, out = doctor(isolated_home, path)
    assert status == 1
    assert "runs /old/place/guardsh, which is missing" in line(out, "FAIL  Claude Code: its hook")


def test_a_matcher_that_misses_the_monitor_tool(isolated_home, path):
    assert setup(isolated_home, path, "claude-code").returncode == 0
    settings = isolated_home / ".claude/settings.json"
    settings.write_text(settings.read_text().replace('"Bash|Monitor"', '"Bash"'))
    status, out = doctor(isolated_home, path)
    assert status == 1 and "misses Monitor" in line(out, "FAIL  Claude Code: its hook's matcher")


def test_an_untrusted_codex_hook_asked_of_codex(isolated_home, path, tmp_path):
    setup(isolated_home, path, "codex")  # no codex on PATH: written, not trusted
    status, out = doctor(isolated_home, with_codex(tmp_path, path))
    assert status == 1
    assert "it is untrusted (asked Codex: hooks/list)" in line(out, "FAIL  Codex: Codex will not run")


def test_codex_trust_read_from_config_toml_when_codex_is_not_there(isolated_home, path):
    setup(isolated_home, path, "codex")
    status, out = doctor(isolated_home, path)
    assert status == 1 and "Codex not found to ask" in line(out, "FAIL  Codex: no trust recorded")
    key = f"{isolated_home}/.codex/hooks.json:pre_tool_use:0:0"
    (isolated_home / ".codex/config.toml").write_text(f'[hooks.state."{key}"]\ntrusted_hash = "sha256:ab"\n')
    status, out = doctor(isolated_home, path)
    assert status == 0, out
    assert "Codex not found to ask" in line(out, "ok    Codex: config.toml records trust")


def test_claude_code_as_shell_with_an_rc_file_guardsh_would_refuse(isolated_home, path):
    assert setup(isolated_home, path, "claude-code", "--shell").returncode == 0
    rc = isolated_home / ".bashrc"
    rc.write_text("export PATH=$HOME/bin:$PATH\n")
    status, out = doctor(isolated_home, path)
    assert line(out, "ok    Claude Code: its shell (CLAUDE_CODE_SHELL) is this guardsh")
    assert status == 0 and line(out, "ok    Claude Code: its start-up snapshot of your ~/.bashrc passes"), out
    rc.write_text("export PATH=$HOME/bin:$PATH\nrm -rf ~/old-builds\n")
    status, out = doctor(isolated_home, path)
    assert status == 1
    assert "fs.rm-recursive" in line(out, "FAIL  Claude Code: guardsh would refuse its start-up snapshot")


@pytest.mark.parametrize("agent, shapes", [("claude-code", "claude-code-2.1.332"), ("codex", "codex-0.171.0")])
def test_the_snapshot_scripts_doctor_judges_are_the_agents_own(agent, shapes):
    """doctor judges the snapshot script each agent was last seen to run (the real-agent tests
    record it in shapes/ and fail when a release changes it): copy it here when it changes."""
    from guardsh.frontends.doctor import SNAPSHOT_SCRIPTS
    from helpers import ROOT

    kept = ROOT / "tests/system/real_agents/shapes" / shapes / "snapshot-script.sh"
    assert (ROOT / SNAPSHOT_SCRIPTS / f"{agent}.sh").read_text() == kept.read_text()
