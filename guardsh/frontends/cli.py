"""Entry point. `guardsh -c CMD` is bash's own command line: judge CMD, then
exec the real bash with the same arguments. This path is paid by every agent
command, so it imports only what it needs; the subcommands (check, rules,
log) load click lazily."""

from __future__ import annotations

import os
import sys

from .. import exits
from ..identity import SUBCOMMANDS
from ..argv import SHELL_VALUE_OPTIONS


class BashArgs:
    """What bash would do with its argv: run a string, a script, or stdin."""

    def __init__(self, args: list[str]):
        self.command: str | None = None
        self.script: str | None = None
        self.interactive = False
        self.read_stdin = False
        self.version_only = False
        has_c = False
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("--", "-"):
                i += 1
                break
            if a in SHELL_VALUE_OPTIONS:
                i += 2
                continue
            if a.startswith("--"):
                if a in ("--version", "--help"):
                    self.version_only = True
                i += 1
                continue
            if len(a) > 1 and a[0] in "-+":
                letters = a[1:]
                has_c |= a[0] == "-" and "c" in letters
                self.read_stdin |= a[0] == "-" and "s" in letters
                self.interactive |= a[0] == "-" and "i" in letters
                i += 1 + letters.count("o") + letters.count("O")
                continue
            break
        rest = args[i:]
        if has_c:
            self.command = rest[0] if rest else None
        elif rest and not self.read_stdin:
            self.script = rest[0]
        else:
            self.read_stdin = True


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 2 and args[0] == "hook":
        from .agents import AGENTS

        if args[1] in AGENTS:
            from .hooks import run_hook  # on every agent command too: skip click's import

            sys.exit(run_hook(args[1]))
    if args and args[0] in SUBCOMMANDS:
        from .commands import run_subcommand

        sys.exit(run_subcommand(args))
    bash = BashArgs(args)
    if bash.version_only:
        _point_a_human_at_our_help()
        _exec(args)
    if bash.command is not None:
        _hook_through_the_login_shell(bash.command)
        _guard(bash.command, args)
    elif bash.script is not None:
        _guard_script(bash.script, args)
    elif bash.read_stdin and not bash.interactive and not (sys.stdin.isatty() and not args):
        _guard_stdin(args)
    elif sys.stdin.isatty():
        from .interactive import repl

        sys.exit(repl(args))
    else:
        _exec(args)  # `-c` with no string: bash reports the error itself


def _point_a_human_at_our_help() -> None:
    """`guardsh --help` and `--version` are bash's, byte for byte, because
    tools probe a shell with them and read the answer. A person typing them
    on a terminal is told, on stderr, where guardsh's own help is; a tool
    (output to a pipe or a file) sees nothing but bash's."""
    if sys.stdout.isatty() and sys.stderr.isatty():
        from .. import __version__

        sys.stderr.write(f"guardsh {__version__}: what follows is bash's; guardsh's own help is `guardsh help`.\n")


def _hook_through_the_login_shell(text: str) -> None:
    """Codex (and Gemini CLI) run each hook command through their shell: with guardsh as that
    shell, every agent command starts `guardsh -c '/path/guardsh hook codex'` first. When the
    line is exactly that, with the path resolving to this guardsh, answer the hook here instead
    of judging the line and starting bash to start guardsh again: same answer, one process."""
    words = text.split()
    if len(words) != 3 or words[1] != "hook" or any(c in text for c in "'\"$`\\;|&<>(){}[]*?~#=!%\n"):
        return
    from ..identity import runs_this_guardsh
    from .agents import AGENTS

    if words[2] in AGENTS and runs_this_guardsh(words[0]):
        from .hooks import run_hook

        sys.exit(run_hook(words[2]))


def _guard(text: str, args: list[str], label: str | None = None, stdin: bytes | None = None) -> None:
    """Judge `text`; exec bash with `args` only if allowed or confirmed. With
    `stdin`, bash gets those bytes on its stdin (the script guardsh read)."""
    from .boundary import load_rules_or_exit
    from ..engine import judge
    from ..outcome import gate

    ruleset = load_rules_or_exit()
    verdict = judge(text, ruleset)
    request = gate.Request(label or text, gate.TERMINAL, text=text, argv=args)
    if not gate.resolve(verdict, request, ruleset).allowed:
        sys.exit(exits.REFUSED)
    if stdin is not None:
        _refeed_stdin(stdin)
    _exec(args)


def _guard_script(path: str, args: list[str]) -> None:
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "surrogateescape")
    except OSError:
        _exec(args)  # bash reports the missing script itself; nothing runs
    _guard(text, args, label=f"{path} (script)")


def _guard_stdin(args: list[str]) -> None:
    data = sys.stdin.buffer.read()
    _guard(data.decode("utf-8", "surrogateescape"), args, stdin=data)


def _refeed_stdin(data: bytes) -> None:
    """bash reads its script from stdin, which guardsh has read to judge it:
    give bash a pipe holding the same bytes, written by a small child."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(write_end, view):]
        except OSError:
            pass  # bash stopped reading (exit in the script): nothing more to give
        os._exit(0)
    os.close(write_end)
    os.dup2(read_end, 0)
    os.close(read_end)


def _exec(args: list[str]) -> None:
    from .run import exec_bash

    exec_bash(args)
