"""The typed confirmation, on a real pseudo-terminal (pexpect): the human
must type the phrase; anything else, Ctrl-C or silence refuses."""

from __future__ import annotations

import pexpect
import pytest

from helpers import GUARDSH, guardsh_env, write_rules, ask_instead_of_keeping


@pytest.fixture(autouse=True)
def _asked_not_kept(isolated_home):
    """These tests are about asking: keepable losses are asked about, not kept."""
    ask_instead_of_keeping(isolated_home)


pytestmark = pytest.mark.pty

PROMPT = r'Type "([^"]+)" to run it'


def spawn(args, home, timeout=15, **env):
    return pexpect.spawn(GUARDSH, args, cwd=str(home / "project"), env=guardsh_env(home, **env),
                         timeout=timeout, encoding="utf-8")


def test_right_phrase_runs_the_command(isolated_home, data_dir):
    child = spawn(["-c", "rm -rf data && echo removed"], isolated_home)
    child.expect(PROMPT)
    phrase = child.match.group(1)
    assert phrase == "data", "the phrase names what will be destroyed"
    child.sendline(phrase)
    child.expect("removed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not data_dir.exists()


def test_wrong_phrase_runs_nothing(isolated_home, data_dir):
    child = spawn(["-c", "rm -rf data"], isolated_home)
    child.expect(PROMPT)
    child.sendline("y")
    child.expect("not the phrase")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126
    assert (data_dir / "rows.csv").exists()


def test_prompt_shows_rule_reason_match_and_alternative(isolated_home, data_dir):
    child = spawn(["-c", "rm -rf data"], isolated_home)
    child.expect(PROMPT)
    shown = child.before
    assert "fs.rm-recursive" in shown and "Recursively deletes" in shown
    assert "matched: rm -rf data" in shown and "safer:" in shown
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126
    assert data_dir.exists()


def test_ctrl_d_refuses(isolated_home, data_dir):
    child = spawn(["-c", "rm -rf data"], isolated_home)
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126 and data_dir.exists()


def test_timeout_refuses(isolated_home, data_dir):
    ask_instead_of_keeping(isolated_home, "confirm_timeout = 1")
    child = spawn(["-c", "rm -rf data"], isolated_home)
    child.expect(PROMPT)
    child.expect("no answer in 1 s")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126 and data_dir.exists()


def test_phrase_is_random_when_no_target_is_known(isolated_home):
    child = spawn(["-c", "git push --force"], isolated_home)
    child.expect(PROMPT)
    phrase = child.match.group(1)
    assert phrase not in ("y", "yes") and "-" in phrase
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_stdin_is_never_read_as_the_answer(isolated_home, data_dir, tmp_path):
    """The agent owns stdin: a phrase piped there must not confirm."""
    answer = tmp_path / "answer"
    answer.write_text("data\n")
    child = pexpect.spawn("bash", ["-c", f"{GUARDSH} -c 'rm -rf data' < {answer}"],
                          cwd=str(isolated_home / "project"), env=guardsh_env(isolated_home),
                          timeout=15, encoding="utf-8")
    child.expect(PROMPT)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert data_dir.exists()


def test_deny_rule_refuses_without_a_prompt(isolated_home, data_dir):
    write_rules(isolated_home, '[actions]\n"fs.rm-recursive" = "deny"\n')  # deny is never kept
    child = spawn(["-c", "rm -rf data"], isolated_home)
    child.expect("denies it outright")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126 and data_dir.exists()


def test_escape_sequences_in_the_command_are_shown_not_obeyed(isolated_home):
    """An agent's command is text for the human to read: ESC[8m ("conceal")
    must appear as the characters \\x1b[8m, and no raw ESC of the command's
    may reach the terminal before the prompt."""
    child = spawn(["-c", "rm -rf ~ # \x1b[8mhidden\x1b[0m \u202egnp.tac"], isolated_home)
    child.expect(PROMPT)
    shown = child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "\\x1b[8mhidden\\x1b[0m" in shown and "<U+202E>gnp.tac" in shown
    assert "\x1b[8m" not in shown and "hidden\x1b[0m" not in shown and "\u202e" not in shown
    assert child.exitstatus == 126
