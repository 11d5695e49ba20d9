"""What a human reads cannot be rewritten by the command it describes.

An agent writes the command; guardsh shows it to a human on every path (the
confirmation prompt, the refusal on stderr, `guardsh approve`, `pending`,
`log`, `check` on a terminal, a hook's message). Each path runs here on a
real pseudo-terminal, with a command holding the tricks a terminal obeys
instead of showing (CSI and OSC sequences, C1 controls, bidirectional
overrides, zero-width and invisible characters), and the bytes that reach
the terminal are searched: the tricks must arrive only as visible text."""

from __future__ import annotations

import json
import re
import subprocess

import pexpect
import pytest

from helpers import ASK_INSTEAD_OF_KEEPING, GUARDSH, ask_instead_of_keeping, guardsh_env, run_guardsh, write_rules
from guardsh.frontends.agents import AGENTS
from guardsh.outcome import ancestry

pytestmark = pytest.mark.pty

# (what the agent writes, what the human must see instead)
TRICKS = [
    ("\x1b[8m", "\\x1b[8m"),  # CSI: conceal what follows
    ("\x1b[2K", "\\x1b[2K"),  # CSI: erase the line
    ("\x1b]0;PWNED-TITLE\x07", "\\x1b]0;PWNED-TITLE\\x07"),  # OSC: set the window title
    ("\x1b]8;;http://evil.example/\x1b\\", "\\x1b]8;;http://evil.example/\\x1b\\"),  # OSC 8 hyperlink
    ("\x9b31m", "\\x9b31m"),  # C1 CSI
    ("\x85", "\\x85"),  # C1 next line
    ("\r", "\\r"),  # back to the start of the line, to write over it
    ("\u202e", "<U+202E>"),  # right-to-left override (Trojan Source)
    ("\u2066", "<U+2066>"),  # left-to-right isolate
    ("\u200b", "<U+200B>"),  # zero-width space
    ("\u200d", "<U+200D>"),  # zero-width joiner
    ("\ufeff", "<U+FEFF>"),  # zero-width no-break space
    ("\u2060", "<U+2060>"),  # word joiner
    ("\ufe0f", "<U+FE0F>"),  # variation selector: draws nothing
    ("\u3164", "<U+3164>"),  # Hangul filler: printable, draws nothing
]
HOSTILE = "rm -rf data # " + " ".join(f"t{i}{raw}x" for i, (raw, _) in enumerate(TRICKS))
WIDE = (50, 400)  # rows, columns: wide enough that nothing is wrapped in this file's checks

needs_plain_terminal = pytest.mark.skipif(
    ancestry.inside_guardsh({}) is not None,
    reason=f"the tests run inside guardsh, where approving is refused: {ancestry.inside_guardsh({})}")


def human_env(home) -> dict:
    env = guardsh_env(home)
    env.pop("GUARDSH_ACTIVE", None)
    return env


def spawn(args: list[str], home, dimensions=WIDE) -> pexpect.spawn:
    return pexpect.spawn(GUARDSH, args, cwd=str(home / "project"), env=human_env(home), timeout=20,
                         dimensions=dimensions)


def screen_until_end(child: pexpect.spawn, answer: bytes | None = None, asks: bool = True) -> bytes:
    """Every byte written to the terminal until guardsh exits; if it `asks`,
    it is answered `answer` (None: Ctrl-C)."""
    seen = b""
    if asks:
        child.expect(rb'Type "')
        seen += child.before + child.after
        if answer is None:
            child.sendcontrol("c")
        else:
            child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    return seen + child.before


def assert_only_visible(screen: bytes, where: str) -> None:
    for i, (raw, shown) in enumerate(TRICKS):
        assert f"t{i}{shown}x".encode() in screen, f"{where}: {shown} was not shown as text"
        assert f"t{i}{raw}x".encode() not in screen, f"{where}: {shown} reached the terminal raw"
    for raw in (b"\x1b[8m", b"\x1b]", b"\x1b[2K", b"\xc2\x9b", b"\xc2\x85", *(
            c.encode() for c in "\u202e\u2066\u200b\u200d\ufeff\u2060\ufe0f\u3164")):
        assert raw not in screen, f"{where}: {raw!r} reached the terminal"


def file_request(home) -> str:
    ask_instead_of_keeping(home)
    refused = run_guardsh(["-c", HOSTILE], home)
    assert refused.returncode == 126, refused.stderr
    return re.search(r"guardsh approve ([A-Z0-9]{6})", refused.stderr.decode()).group(1)


def test_the_confirmation_prompt(isolated_home, data_dir):
    ask_instead_of_keeping(isolated_home)
    screen = screen_until_end(spawn(["-c", HOSTILE], isolated_home), answer=b"not the phrase")
    assert_only_visible(screen, "prompt")
    assert b"not the phrase; nothing was run" in screen and data_dir.exists()


def test_the_refusal_on_stderr(isolated_home, data_dir):
    write_rules(isolated_home, f'[actions]\n"fs.rm-recursive" = "deny"\n[settings]\n{ASK_INSTEAD_OF_KEEPING}\n')
    screen = screen_until_end(spawn(["-c", HOSTILE], isolated_home), asks=False)
    assert b"denies it outright" in screen
    assert_only_visible(screen, "refusal")


@needs_plain_terminal
def test_guardsh_approve(isolated_home, data_dir):
    rid = file_request(isolated_home)
    screen = screen_until_end(spawn(["approve", rid], isolated_home), answer=None)
    assert rid.encode() in screen
    assert_only_visible(screen, "approve")


def test_guardsh_pending_and_log(isolated_home, data_dir):
    file_request(isolated_home)
    for args in (["pending"], ["log"]):
        screen = screen_until_end(spawn(args, isolated_home), asks=False)
        assert b"rm -rf data" in screen, screen
        assert_only_visible(screen, args[0])


def test_guardsh_check_on_a_terminal(isolated_home, data_dir):
    ask_instead_of_keeping(isolated_home)
    screen = screen_until_end(spawn(["check", HOSTILE], isolated_home), asks=False)
    assert b"confirm" in screen
    assert_only_visible(screen, "check")


@pytest.mark.parametrize("agent", sorted(AGENTS))
def test_hook_messages(isolated_home, data_dir, agent):
    """The reason an agent's own UI shows the human: the hook's JSON on stdout,
    decoded as the agent decodes it."""
    ask_instead_of_keeping(isolated_home)
    spec = AGENTS[agent]
    fields = {"command": HOSTILE, "cwd": str(isolated_home / "project")}
    payload = {"hook_event_name": spec.event, **fields}
    if spec.shell_tools is not None:
        payload.update(tool_name=spec.shell_tools[0], tool_input={"command": HOSTILE})
    hook = subprocess.run([GUARDSH, "hook", agent], input=json.dumps(payload).encode(), capture_output=True,
                          env=guardsh_env(isolated_home), cwd=isolated_home / "project", timeout=30)
    messages = [v for v in _strings(json.loads(hook.stdout)) if "rm -rf data" in v]
    assert messages, hook.stdout
    for message in messages:
        assert_only_visible(message.encode(), f"hook {agent} message")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


# --- the whole command, wrapped, its matched part marked --------------------

def test_the_prompt_shows_a_long_command_whole_wrapped_and_marked(isolated_home, data_dir):
    ask_instead_of_keeping(isolated_home)
    filler = " ".join(f"word{i:03}" for i in range(120))  # ~960 columns: a dozen rows at 80
    command = f"echo {filler} && rm -rf data && echo done-{'z' * 100}"
    screen = screen_until_end(spawn(["-c", command], isolated_home, dimensions=(50, 80)),
                              answer=b"no").decode()
    lines = screen.replace("\r\n", "\n").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("  command: "))
    block = lines[first:next(i for i, line in enumerate(lines) if line.startswith("  [confirm]"))]
    assert all(len(line) < 80 for line in block), "a row of the command is wider than the terminal"
    text_rows = [row for row in block if set(row.strip()) != {"^"}]
    assert all(row.startswith(" " * 10 + "+") for row in text_rows[1:]), text_rows
    assert text_rows[0][11:] + "".join(row[11:] for row in text_rows[1:]) == command, "not all of it, or changed"
    assert any(row.startswith(" " * 10 + "+ word") for row in text_rows), "rows are cut inside words"
    carets = [i for i, row in enumerate(block) if set(row.strip()) == {"^"}]
    assert len(carets) == 1, block
    row, marks = block[carets[0] - 1], block[carets[0]]
    assert row[marks.index("^"):len(marks)] == "rm -rf data"


def test_guardsh_undo_list(isolated_home, data_dir):
    """What was kept before a command is listed with that command and its paths."""
    kept = run_guardsh(["-c", HOSTILE], isolated_home)  # keepable: a copy is kept, then it runs
    assert kept.returncode == 0 and b"guardsh undo" in kept.stderr, kept.stderr
    screen = screen_until_end(spawn(["undo", "--list"], isolated_home), asks=False)
    assert b"rm -rf data" in screen, screen
    assert_only_visible(screen, "undo --list")
