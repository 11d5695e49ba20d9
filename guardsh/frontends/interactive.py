"""`guardsh` on a terminal: an interactive shell that judges every line.

One long-lived bash runs every approved line, so a function, an alias, a
variable, `cd`, `set -o`, background jobs and `$?` carry from one line to the
next as they do in bash, and `exit` anywhere in a line (`ls; exit 3`,
`true && exit`) leaves. bash shares the human's terminal, so every program
(an editor, a pager, `read`) talks to it directly; guardsh feeds bash its
lines through a pipe that bash reads as its script (aliases expanded, as an
interactive bash does), and only while bash waits for the next line does
guardsh read the terminal. After each line bash hands back, on another pipe,
its status, its directory, its jobs and the definitions the line left
(aliases, functions, the variables it set): the judge reads each new line
after those, so `f` is judged as the body of f, and `rm -rf $DIR` knows DIR.

Where it differs from bash's own interactive loop: bash reading a script
stops when a foreground command is interrupted (Ctrl-C on `sleep 30`), where
an interactive bash would go back to its prompt. guardsh then starts a new
bash with the same definitions, directory and exported variables and goes
back to its prompt with status 130; what is lost is the job table (jobs
started before keep running, but `jobs` no longer knows them). There is no
job control (`fg`, Ctrl-Z): every command stays in guardsh's process group,
the terminal's foreground, so Ctrl-C reaches it without guardsh handing the
terminal back and forth, and Ctrl-Z is ignored rather than leaving a
stopped command no prompt could resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from .. import exits, paths
from .boundary import load_rules_or_exit
from ..engine import judge
from ..outcome import gate
from ..outcome.messages import visible
from .run import find_bash

# bash's own variables, and those that change by themselves: never carried.
_NOT_CARRIED = ("BASH|BASHOPTS|BASHPID|BASH_[A-Z_]+|COLUMNS|LINES|LINENO|RANDOM|SRANDOM|SECONDS|EPOCHREALTIME|"
                "EPOCHSECONDS|_|PIPESTATUS|HISTCMD|FUNCNAME|GROUPS|PPID|UID|EUID|SHELLOPTS|OLDPWD|PWD|SHLVL|"
                "COMP_[A-Z_]+|__guardsh_[a-z_]+")

# Run by bash at the start; `W` is the descriptor of the state pipe. After
# each line __guardsh_done writes: status NUL directory NUL jobs NUL definitions NUL.
_SETUP = r"""
shopt -s expand_aliases
unset HISTFILE PROMPT_COMMAND; set +o history
declare -A __guardsh_base
for __guardsh_n in $(compgen -v); do __guardsh_base[$__guardsh_n]=${!__guardsh_n-}; done
__guardsh_definitions() {
    local __guardsh_n
    alias -p
    for __guardsh_n in $(compgen -A function); do
        [[ $__guardsh_n == __guardsh_* ]] || declare -f "$__guardsh_n"
    done
    for __guardsh_n in $(compgen -v); do
        [[ $__guardsh_n =~ ^(NOT_CARRIED)$ ]] && continue
        [[ ${__guardsh_base[$__guardsh_n]+set} && ${__guardsh_base[$__guardsh_n]} == "${!__guardsh_n-}" ]] && continue
        [[ $(declare -p "$__guardsh_n" 2>/dev/null) =~ ^declare\ -([a-zA-Z-]*) ]] || continue
        [[ ${BASH_REMATCH[1]} == *[aAr]* ]] && continue  # arrays and read-only names are not carried
        if [[ ${BASH_REMATCH[1]} == *x* ]]; then printf 'export '; fi
        printf '%s=%q\n' "$__guardsh_n" "${!__guardsh_n-}"
    done
}
__guardsh_done() {
    local __guardsh_s=$?
    local __guardsh_jobs=$(jobs -p)
    { printf '%s\0%s\0%s\0' "$__guardsh_s" "$PWD" "${__guardsh_jobs:+$(wc -l <<<"$__guardsh_jobs")}"
      __guardsh_definitions; printf '\0'; } >&W
    return $__guardsh_s
}
trap '{ printf "exit\0%s\0%s\0" "$?" "$BASH_COMMAND"; } >&W' EXIT
""".replace("NOT_CARRIED", _NOT_CARRIED)


class BashEnded(Exception):
    """bash is gone: `status` is its exit status, `by_exit` whether the line ran `exit`."""

    def __init__(self, status: int, by_exit: bool):
        super().__init__(status)
        self.status = status
        self.by_exit = by_exit


class Bash:
    """The long-lived bash behind the prompt."""

    def __init__(self, bash: str, cwd: str, env: dict, definitions: str = "", status: int = 0):
        commands_read, self._commands = os.pipe()
        self._state, state_write = os.pipe()
        self._buffer = b""
        with _signals_ignored(signal.SIGTSTP):  # inherited by every command: Ctrl-Z cannot stop one (no job control)
            self.process = subprocess.Popen(
                [bash, "--norc", "--noprofile", "+m", f"/dev/fd/{commands_read}"], cwd=cwd, env=env,
                pass_fds=(commands_read, state_write))
        os.close(commands_read)
        os.close(state_write)
        self._send(_SETUP.replace(">&W", f">&{state_write}") + definitions + "\n")
        self.jobs = 0
        self.status, self.cwd, self.definitions = self.run(f"(exit {status})" if status else ":")

    def _send(self, text: str) -> None:
        os.write(self._commands, text.encode("utf-8", "surrogateescape"))

    def run(self, line: str) -> tuple[int, str, str]:
        """Run `line` with the terminal given to bash; (status, directory,
        definitions) once it is done. Raises BashEnded."""
        self._send(f"{line}\n__guardsh_done\n")
        # bash and what it runs share guardsh's process group, the terminal's
        # foreground: Ctrl-C and Ctrl-\ reach them, and guardsh lets them pass.
        with _signals_ignored(signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
            status, cwd, jobs, definitions = self._read_fields(4)
        self.jobs = int(jobs or 0)
        return int(status), cwd, definitions

    def _read_fields(self, count: int) -> list[str]:
        import select

        while self._buffer.count(b"\0") < count:
            if self._buffer.startswith(b"exit\0") and self._buffer.count(b"\0") >= 3:
                break
            # Not EOF alone: a background job keeps the pipe open after bash is gone.
            if not select.select([self._state], [], [], 0.2)[0]:
                if self.process.poll() is not None and not select.select([self._state], [], [], 0)[0]:
                    raise BashEnded(_status(self.process.returncode), by_exit=False)
                continue
            chunk = os.read(self._state, 65536)
            if not chunk:
                raise BashEnded(_status(self.process.wait()), by_exit=False)
            self._buffer += chunk
        if self._buffer.startswith(b"exit\0"):
            _, status, command, _ = self._buffer.split(b"\0", 3)
            if self.process.wait() < 0:  # killed by a signal (after its EXIT trap ran)
                raise BashEnded(_status(self.process.returncode), by_exit=False)
            raise BashEnded(int(status), by_exit=command.split(b" ", 1)[0] in (b"exit", b"logout"))
        *fields, self._buffer = self._buffer.split(b"\0", count)
        return [f.decode("utf-8", "surrogateescape") for f in fields]

    def close(self) -> None:
        os.close(self._commands)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._state)


def _status(returncode: int) -> int:
    """bash's way of telling a death by signal N: 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


class _signals_ignored:
    def __init__(self, *signals):
        self.signals = signals

    def __enter__(self) -> None:
        self.previous = [signal.signal(s, signal.SIG_IGN) for s in self.signals]

    def __exit__(self, *exc) -> None:
        for s, previous in zip(self.signals, self.previous):
            signal.signal(s, previous)


def repl(args: list[str]) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    bash_path = find_bash()
    if bash_path is None:
        sys.stderr.write("guardsh: cannot find bash; nothing can run\n")
        return exits.NO_BASH
    ruleset = load_rules_or_exit()
    history = paths.history_file()
    os.makedirs(os.path.dirname(history), exist_ok=True)
    session = PromptSession(history=FileHistory(history), key_bindings=_continue_open_lines(bash_path),
                            prompt_continuation="> ")
    env = dict(os.environ)
    env["GUARDSH_ACTIVE"] = str(os.getpid())
    bash = Bash(bash_path, os.getcwd(), env)
    status = 0
    try:
        while True:
            try:
                line = session.prompt(visible(f"guardsh {_short(bash.cwd)}$ "))
            except KeyboardInterrupt:
                continue
            except EOFError:
                return status
            if not line.strip():
                continue
            verdict = judge(f"{bash.definitions}\n{line}", ruleset, cwd=bash.cwd, interactive=True)
            if not gate.resolve(verdict, gate.Request(line, gate.REPL, cwd=bash.cwd), ruleset).allowed:
                status = exits.REFUSED
                continue
            try:
                status, bash.cwd, bash.definitions = bash.run(line)
            except BashEnded as ended:
                if ended.by_exit:
                    return ended.status
                if bash.jobs:
                    sys.stderr.write(f"guardsh: {bash.jobs} background job(s) keep running, but the interrupted "
                                     "line ended the bash that knew them: `jobs` and `fg` no longer do.\n")
                bash = Bash(bash_path, _existing(bash.cwd), env, bash.definitions, ended.status)
                status = ended.status
    finally:
        bash.close()


def _existing(cwd: str) -> str:
    return cwd if os.path.isdir(cwd) else os.path.expanduser("~")


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


def _short(cwd: str) -> str:
    home = os.path.expanduser("~")
    return "~" + cwd[len(home):] if cwd == home or cwd.startswith(home + "/") else cwd
