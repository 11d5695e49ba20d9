"""What the human sees is the agent's command (issue 8): wherever an agent's
wrapper surrounds it, the refusal, `guardsh pending` and the audit show the
command itself, whole, and the wrapper only as a note; unless the wrapper
itself does something that matters, then all of it is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardsh.engine import judge
from helpers import run_guardsh

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "agent-shapes"
COMMAND = "git push --force origin main"


def codex_wrapper(command: str) -> str:
    text = (FIXTURES / "codex-command-wrapper-1.sh").read_text()
    head, _, _ = text.rpartition("exec '")
    return head + "exec '/bin/bash' -c '" + command.replace("'", "'\"'\"'") + "'"


def claude_wrapper(command: str, tail: str = "") -> str:
    text = (FIXTURES / "claude-command-wrapper-1.sh").read_text()
    head, _, _ = text.partition("eval '")
    return head + "eval '" + command.replace("'", "'\\''") + "' < /dev/null && pwd -P" + tail


@pytest.fixture
def home(tmp_path):
    (tmp_path / "project").mkdir()
    return tmp_path


@pytest.mark.parametrize("wrap", [codex_wrapper, claude_wrapper])
def test_the_verdict_names_the_agents_command_and_the_wrapper(wrap, ruleset, home):
    verdict = judge(wrap(COMMAND), ruleset, cwd=str(home), home=str(home), budget=5)
    assert verdict.blocked and verdict.shown == COMMAND
    assert "'…'" in verdict.wrapper and COMMAND not in verdict.wrapper


def test_a_quote_inside_the_command_is_shown_as_the_agent_wrote_it(ruleset, home):
    command = "git push --force origin 'it'\"'\"'s'"
    verdict = judge(claude_wrapper("git commit -m \"it's\" && git push --force origin main"), ruleset,
                    cwd=str(home), home=str(home), budget=5)
    assert verdict.shown == "git commit -m \"it's\" && git push --force origin main"
    del command


@pytest.mark.parametrize("line", [
    "rm -rf ~/other; " + claude_wrapper(COMMAND),  # the wrapper part itself destroys something
    "eval 'echo a' && eval '" + COMMAND + "'",  # two commands: which one would be "the" command?
    "eval \"$CMD\"",
])
def test_the_whole_line_is_shown_when_the_wrapper_matters(line, ruleset, home):
    verdict = judge(line, ruleset, cwd=str(home), home=str(home), budget=5)
    assert verdict.shown is None


def test_refusal_pending_and_audit_show_the_command(home):
    line = codex_wrapper(COMMAND)
    result = run_guardsh(["-c", line], home)
    assert result.returncode == 126
    err = result.stderr.decode()
    assert f"command: {COMMAND}\n" in err
    assert "inside the agent's wrapper:" in err and "exec '/bin/bash' -c '…'" in err
    pending = run_guardsh(["pending"], home).stdout.decode()
    assert COMMAND in pending and "__CODEX_SNAPSHOT_OVERRIDE" not in pending
    entries = [json.loads(x) for x in (home / ".local/state/guardsh/audit.jsonl").read_text().splitlines()]
    assert entries[-1]["command"] == COMMAND and "exec '/bin/bash'" in entries[-1]["wrapper"]


def test_claude_wrapper_with_its_cwd_file_under_home(ruleset, home):
    # TMPDIR under $HOME (or macOS's /var/folders/.../T): Claude Code's `pwd -P >| $TMPDIR/claude-XXXX-cwd`
    # is pwd's output, not an emptied file (issue 12's redirect fault made every command refused).
    line = claude_wrapper(COMMAND, f" >| {home}/claude-f25e-cwd")
    (home / "claude-f25e-cwd").write_text("/x\n")
    verdict = judge(line, ruleset, cwd=str(home), home=str(home), budget=5)
    assert verdict.rule_ids == ["git.push-force"] and verdict.shown == COMMAND
