"""`guardsh` alone on a terminal: an interactive shell that judges every line
and keeps the working directory and exported variables between lines."""

from __future__ import annotations

import pytest

import time

import pexpect

from helpers import GUARDSH, guardsh_env, ask_instead_of_keeping


@pytest.fixture(autouse=True)
def _asked_not_kept(isolated_home):
    """These tests are about asking: keepable losses are asked about, not kept."""
    ask_instead_of_keeping(isolated_home)


pytestmark = pytest.mark.pty

PROMPT = r"guardsh [^\r\n]*\$ "


def spawn(home):
    child = pexpect.spawn(GUARDSH, [], cwd=str(home / "project"), env=guardsh_env(home, TERM="dumb"),
                          timeout=15, encoding="utf-8", dimensions=(40, 200))
    child.expect(PROMPT)
    return child


def run(child, line: str) -> str:
    child.sendline(line)
    child.expect(PROMPT)
    return child.before


def test_state_persists_between_lines(isolated_home, project):
    (project / "sub").mkdir()
    child = spawn(isolated_home)
    run(child, "cd sub && export GREETING=hello")
    out = run(child, 'pwd; echo "$GREETING"')
    assert f"{project}/sub" in out and "hello" in out
    time.sleep(0.3)  # as a person would: ^D typed before the prompt takes the terminal is line-edited
    child.sendeof()
    child.expect(pexpect.EOF)


def test_destructive_line_asks_and_wrong_phrase_runs_nothing(isolated_home, project):
    (project / "data").mkdir()
    child = spawn(isolated_home)
    child.sendline("rm -rf data")
    child.expect(r'Type "data" to run it')
    child.sendline("nope")
    child.expect(PROMPT)
    assert (project / "data").exists()
    child.sendline("rm -rf data")
    child.expect(r'Type "data" to run it')
    child.sendline("data")
    child.expect(PROMPT)
    assert not (project / "data").exists()
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_ctrl_c_cancels_the_line_and_history_is_kept(isolated_home):
    child = spawn(isolated_home)
    child.send("echo never-run")
    child.sendcontrol("c")
    child.expect(PROMPT)
    out = run(child, "echo first-line")
    assert "first-line" in out and "never-run" not in out.replace("echo never-run", "")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    history = (isolated_home / ".local/state/guardsh/history").read_text()
    assert "echo first-line" in history


def test_open_quotes_and_heredocs_continue_on_the_next_line(isolated_home):
    child = spawn(isolated_home)
    for line in ('echo "first', 'second"'):
        child.sendline(line)
        time.sleep(0.3)  # typed line by line, as a person does
    child.expect(PROMPT)
    assert "first\r\nsecond" in child.before and "refuse" not in child.before
    for line in ("cat <<'EOF'", "in the heredoc", "EOF"):
        child.sendline(line)
        time.sleep(0.3)
    child.expect(PROMPT)
    assert "in the heredoc\r\n" in child.before and "refuse" not in child.before
    child.sendline("exit")
    child.expect(pexpect.EOF)
