"""Entry point. `guardsh -c CMD` is bash's own command line: judge CMD, then
exec the real bash with the same arguments. This path is paid by every agent
command, so it imports only what it needs; the subcommands (check, rules,
log) load click lazily."""

from __future__ import annotations

import os
import sys

from . import exits
from .identity import HOOK_AGENTS, SUBCOMMANDS
from .argv import SHELL_VALUE_OPTIONS


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
    if len(args) == 2 and args[0] == "hook" and args[1] in HOOK_AGENTS:
        from .hooks import run_hook  # on every agent command too: skip click's import

        sys.exit(run_hook(args[1]))
    if args and args[0] in SUBCOMMANDS:
        from .commands import run_subcommand

        sys.exit(run_subcommand(args))
    bash = BashArgs(args)
    if bash.version_only:
        _exec(args)
    if bash.command is not None:
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


def _guard(text: str, args: list[str], label: str | None = None, stdin: bytes | None = None) -> None:
    """Judge `text`; exec bash with `args` only if allowed or confirmed. With
    `stdin`, bash gets those bytes on its stdin (the script guardsh read)."""
    from . import audit
    from .decide import judge

    from .boundary import load_rules_or_exit

    ruleset = load_rules_or_exit()
    verdict = judge(text, ruleset)
    shown = label or text
    if verdict.blocked and not confirm_or_refuse(shown, verdict, ruleset, text=text, argv=args):
        sys.exit(exits.REFUSED)
    if not verdict.blocked:
        warnings = verdict.warnings
        audit.record(shown, "allow", "ran", **({"warnings": warnings} if warnings else {}))
    if stdin is not None:
        _refeed_stdin(stdin)
    _exec(args)


def confirm_or_refuse(shown: str, verdict, ruleset, text: str | None = None, argv: list[str] | None = None,
                      cwd: str | None = None) -> bool:
    """True only when a human typed the phrase, here or (no terminal here) with
    `guardsh approve` for exactly this command; every outcome is audited.
    `text` is what was judged (default `shown`), `argv` bash's arguments and
    `cwd` where it runs (default here): an approval is bound to all three."""
    from . import audit, confirm

    rules = verdict.rule_ids
    if verdict.decision == "deny":
        audit.record(shown, "deny", "refused", rules)
        _tell_agent(shown, verdict, "A rule denies it outright.")
        return False
    timeout = float(ruleset.settings.get("confirm_timeout", 120))
    try:
        ok = confirm.ask(shown, verdict, timeout)
    except confirm.NoTerminal:
        return _approved_elsewhere(shown, verdict, ruleset, text or shown, argv, cwd)
    if not ok:
        audit.record(shown, "confirm", "refused", rules, confirmed="refused-at-terminal")
        sys.stderr.write("guardsh: not confirmed; nothing was run.\n")
        return False
    audit.record(shown, "confirm", "ran", rules, confirmed="typed-at-terminal", tty=_tty_name())
    return True


def _approved_elsewhere(shown: str, verdict, ruleset, text: str, argv, cwd) -> bool:
    """No terminal here: run if a human approved this very command with
    `guardsh approve`; else file a request (and, with approval_wait, wait)."""
    from . import approvals, audit
    from .confirm import describe

    rules = verdict.rule_ids
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = None
    key = approvals.binding_key(text, cwd, rules, argv)
    approval = approvals.use_approval(key)
    if not approval:
        ttl = int(ruleset.settings.get("approval_ttl", approvals.DEFAULT_TTL))
        wait = int(ruleset.settings.get("approval_wait", 0))
        why = "It needs a human to type a confirmation on a terminal, and this process has none."
        try:
            rid = approvals.request_approval(key, shown, cwd, verdict, lifetime=max(ttl, wait))
        except OSError as e:
            audit.record(shown, "confirm", "refused", rules, confirmed="no-terminal")
            _tell_agent(shown, verdict, f"{why} No approval could be filed: {e.strerror or e}.")
            return False
        if wait <= 0:
            audit.record(shown, "confirm", "refused", rules, confirmed="no-terminal", approval=rid)
            _tell_agent(shown, verdict, why, approval=(rid, approvals.duration(ttl)))
            return False
        approve = f"guardsh approve {rid}"
        sys.stderr.write(f"guardsh: waiting up to {wait} s for a human to approve this; nothing has run yet.\n"
                         f"{describe(shown, verdict)}\nAsk your human to run `{approve}` in their own "
                         "terminal; it runs as soon as they approve.\n")
        sys.stderr.flush()
        approvals.notify("guardsh: a command waits for approval", f"{approve}\n{shown[:200]}")
        try:
            approval = approvals.wait_for_approval(key, wait)
        except KeyboardInterrupt:
            approval = None
        if not approval:
            audit.record(shown, "confirm", "refused", rules, confirmed="not-approved-in-time", approval=rid)
            _tell_agent(shown, verdict, f"No human approved it within {wait} s.",
                        approval=(rid, approvals.duration(ttl)))
            return False
        sys.stderr.write(f"guardsh: approved ({rid}); running it.\n")
    audit.record(shown, "confirm", "ran", rules, confirmed="approved", approval=approval.get("id"),
                 approved_by=approval.get("by"))
    return True


def _tell_agent(shown: str, verdict, why: str, approval: tuple[str, str] | None = None) -> None:
    """What the refused agent reads: what, which rule, why, and what to do;
    `approval` is (request id, how long an approval lasts)."""
    from .confirm import describe

    if approval:
        rid, lasts = approval
        ask = (f"Stop and ask your human to run `guardsh approve {rid}` in their own terminal (it shows "
               "them this command and asks them to type a confirmation), then re-run exactly the same "
               f"command from the same directory: it will run once. An approval lasts {lasts}.")
    else:
        ask = ("Stop and ask your human: they can run it themselves in their own terminal, where guardsh "
               "will ask them to confirm.")
    sys.stderr.write("guardsh: refused; nothing was run. " + why + "\n" + describe(shown, verdict) + "\n"
                     "Do not look for another way to run this (another tool, spelling or file). " + ask + "\n")


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


def _tty_name() -> str | None:
    try:
        return os.ttyname(0)
    except OSError:
        return None


def _exec(args: list[str]) -> None:
    from .run import exec_bash

    exec_bash(args)
