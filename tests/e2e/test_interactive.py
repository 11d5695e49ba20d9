"""`guardsh` alone on a terminal: an interactive shell that judges every line
and keeps the working directory and exported variables between lines."""

from __future__ import annotations

import pytest

import re
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


# --- one long-lived bash: its state is bash's -------------------------------

def test_functions_aliases_and_variables_live_on_and_are_judged_with_their_definitions(isolated_home, project):
    (project / "data").mkdir()
    child = spawn(isolated_home)
    run(child, "greet() { echo hello-$1; }")
    run(child, "alias ll='echo ALIASED'")
    run(child, "TARGET=data")
    out = run(child, "greet you; ll; echo [$TARGET]")
    assert "hello-you" in out and "ALIASED" in out and "[data]" in out
    run(child, "wipe() { rm -rf \"$1\"; }")
    child.sendline("wipe $TARGET")  # judged as the body it calls, with the value TARGET has
    child.expect(r'Type "data" to run it')
    child.sendline("no")
    child.expect(PROMPT)
    assert (project / "data").exists()
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_status_of_the_last_line_is_dollar_question_mark(isolated_home):
    child = spawn(isolated_home)
    run(child, "false")
    assert "[1]" in run(child, "echo [$?]")
    run(child, "(exit 7)")
    assert "[7]" in run(child, "echo [$?]")
    child.sendline("exit")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize("line, status", [("ls > /dev/null; exit", 0), ("true && exit 4", 4),
                                          ("leave() { exit 5; }; leave", 5), ("false || exit", 1)])
def test_exit_anywhere_in_a_line_leaves_with_its_status(isolated_home, line, status):
    child = spawn(isolated_home)
    child.sendline(line)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status


def test_background_jobs_are_listed(isolated_home):
    child = spawn(isolated_home)
    run(child, "sleep 5 &")
    assert re.search(r"\[1\]\+\s+Running\s+sleep 5 &", run(child, "jobs"))
    child.sendline("kill %1; exit")
    child.expect(pexpect.EOF)


def test_ctrl_c_stops_the_running_line_and_keeps_the_state(isolated_home):
    child = spawn(isolated_home)
    run(child, "f() { echo still-f; }")
    run(child, "cd .. && export KEPT=yes")
    for line in ("sleep 30; echo not-after-sleep", "while :; do :; done; echo not-after-loop", "read v; echo not-read"):
        child.sendline(line)
        time.sleep(1)
        child.sendcontrol("c")
        child.expect(PROMPT)
        assert "not-" not in child.before.replace(line, "")
        assert "[130]" in run(child, "echo [$?]")
    out = run(child, "f; echo $KEPT; pwd")
    assert "still-f" in out and "yes" in out and f"{isolated_home}\r\n" in out
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_a_refused_line_leaves_the_state_untouched(isolated_home, project):
    (project / "data").mkdir()
    child = spawn(isolated_home)
    run(child, "X=before")
    child.sendline("X=after; cd /; rm -rf data")
    child.expect(r'Type "data" to run it')
    child.sendline("no")
    child.expect(PROMPT)
    out = run(child, "echo [$X]; pwd")
    assert "[before]" in out and f"{project}\r\n" in out and (project / "data").exists()
    child.sendline("exit")
    child.expect(pexpect.EOF)
