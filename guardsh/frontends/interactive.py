"""`guardsh` on a terminal: an interactive shell that judges every line.

Each line runs in a fresh bash; the working directory and exported
variables are carried from one line to the next."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from .. import exits, paths
from .boundary import load_rules_or_exit
from ..engine import judge
from ..outcome import gate
from ..outcome.messages import visible
from .run import find_bash


def repl(args: list[str]) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    bash = find_bash()
    if bash is None:
        sys.stderr.write("guardsh: cannot find bash; nothing can run\n")
        return exits.NO_BASH
    ruleset = load_rules_or_exit()
    history = paths.history_file()
    os.makedirs(os.path.dirname(history), exist_ok=True)
    session = PromptSession(history=FileHistory(history), key_bindings=_continue_open_lines(bash),
                            prompt_continuation="> ")
    cwd, env, status = os.getcwd(), dict(os.environ), 0
    env["GUARDSH_ACTIVE"] = str(os.getpid())
    with tempfile.TemporaryDirectory(prefix="guardsh-") as state:
        while True:
            try:
                line = session.prompt(visible(f"guardsh {_short(cwd)}$ "))
            except KeyboardInterrupt:
                continue
            except EOFError:
                return status
            if not line.strip():
                continue
            if line.strip() == "exit":
                return status
            verdict = judge(line, ruleset, cwd=cwd)
            if not gate.resolve(verdict, gate.Request(line, gate.REPL, cwd=cwd), ruleset).allowed:
                status = exits.REFUSED
                continue
            status, cwd, env = _run(bash, line, cwd, env, state)


def _continue_open_lines(bash: str):
    """Enter on an unfinished line (an open quote, heredoc, if/do block)
    starts a new line instead of running it, as bash does."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    @bindings.add("c-j")  # a bare line feed, as some terminals and pexpect send
    def _(event) -> None:
        buffer = event.current_buffer
        if _unfinished(bash, buffer.text):
            buffer.insert_text("\n")
        else:
            buffer.validate_and_handle()

    return bindings


def _unfinished(bash: str, text: str) -> bool:
    check = subprocess.run([bash, "-n"], input=text.encode("utf-8", "surrogateescape"), capture_output=True)
    unexpected_end = b"unexpected end of file" in check.stderr or b"unexpected EOF" in check.stderr
    open_heredoc = "<<" in text and b"delimited by end-of-file" in check.stderr
    return unexpected_end or open_heredoc


def _run(bash: str, line: str, cwd: str, env: dict, state: str):
    cwd_file, env_file = os.path.join(state, "cwd"), os.path.join(state, "env")
    script = (f"{line}\n__guardsh_rc=$?; pwd -P > {cwd_file}; env -0 > {env_file}; "
              "exit $__guardsh_rc")
    try:
        status = subprocess.run([bash, "-c", script], cwd=cwd, env=env).returncode
    except KeyboardInterrupt:
        return 130, cwd, env
    try:
        with open(cwd_file) as fh:
            cwd = fh.read().strip() or cwd
        with open(env_file, "rb") as fh:
            pairs = [p.decode("utf-8", "surrogateescape").partition("=") for p in fh.read().split(b"\0") if p]
        env = {k: v for k, _, v in pairs if k and not k.startswith("__guardsh")}
    except OSError:
        pass  # the line ended the shell early (exit, exec): keep the old state
    return status, cwd, env


def _short(cwd: str) -> str:
    home = os.path.expanduser("~")
    return "~" + cwd[len(home):] if cwd == home or cwd.startswith(home + "/") else cwd
