"""Subcommands: `guardsh check`, `guardsh rules list|check`, `guardsh log`.
Loaded only when asked for, so click costs the plain `-c` path nothing."""

from __future__ import annotations

import json
import sys

import click

from .. import exits
from .boundary import load_rules_or_exit
from .agents import AGENTS


def run_subcommand(args: list[str]) -> int:
    try:
        return main.main(args=args, prog_name="guardsh", standalone_mode=False) or 0
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Abort:
        return 1


@click.group()
def main() -> None:
    """guardsh: a bash that asks a human before anything irreversible runs."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--batch", is_flag=True, help="Judge the commands on stdin, one a line.")
@click.option("--cwd", type=click.Path(file_okay=False), help="Judge as if run in this directory.")
@click.argument("command", nargs=-1)
def check(as_json: bool, batch: bool, cwd: str | None, command: tuple[str, ...]) -> int:
    """Judge COMMAND without running it. Exit 0 allow, 1 blocked."""
    from ..engine import judge

    ruleset = load_rules_or_exit()
    if batch:
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
            try:
                verdict = _with_plan(judge(line, ruleset, cwd=cwd), ruleset)
            except Exception as e:  # noqa: BLE001 - one bad line must not stop the batch
                verdict = {"decision": "confirm", "rules": ["shell.internal-error"],
                           "reason": f"guardsh could not judge this line: {type(e).__name__}"}
            click.echo(json.dumps(verdict) if as_json else verdict["decision"])
        return 0
    if not command:
        raise click.UsageError("give a command to check, or --batch")
    text = " ".join(command)
    verdict = judge(text, ruleset, cwd=cwd)
    shown = _with_plan(verdict, ruleset)
    if shown["decision"] != verdict.decision:
        verdict = verdict.asked_instead(shown["unkept"])
    if as_json:
        click.echo(json.dumps(shown))
    else:
        from ..outcome.messages import describe, visible
        from ..outcome.tty import terminal_width

        click.echo(verdict.decision)
        if verdict.matches:
            click.echo(visible(describe(text, verdict, terminal_width(sys.stdout))))
    return exits.OK if verdict.runs_unasked else exits.BLOCKED


def _with_plan(verdict, ruleset) -> dict:
    """The verdict as JSON; a snapshot says what would be kept (`kept`), or
    becomes the confirm it would be when the copy cannot be kept (`unkept`)."""
    if verdict.decision != "snapshot":
        return verdict.as_json()
    from ..outcome.keeping import Unkeepable, plan_verdict

    planned = plan_verdict(verdict, ruleset)
    if isinstance(planned, Unkeepable):
        return verdict.asked_instead(planned.reason).as_json()
    return {**verdict.as_json(), "kept": planned.record()}


@main.group()
def rules() -> None:
    """Inspect and validate the active rules."""


@rules.command("check")
def rules_check() -> int:
    """Validate the rule packs and your rules.toml."""
    from ..policy.load import load_ruleset
    from ..policy.schema import ConfigError

    try:
        rs = load_ruleset()
    except ConfigError as e:
        from ..outcome.messages import visible

        click.echo(visible(str(e)), err=True)
        return exits.CONFIG
    click.echo(f"ok: {len(rs.rules)} rules from {len(rs.files)} files")
    return 0


@rules.command("list")
def rules_list() -> int:
    """Show the active rules and the file each came from."""
    rs = load_rules_or_exit()
    from ..outcome.messages import visible

    # A project's .guardsh/rules.toml is in the repository, which an agent can write.
    for r in rs.rules:
        click.echo(visible(f"{r.id:42} {r.action:8} {r.source}:{r.line}"))
        click.echo(visible(f"    {r.reason}"))
    for a in rs.allow:
        click.echo(visible(f"allow {a.rule}: /{a.command}/ ({a.reason}) {a.source}:{a.line}"))
    return 0


@main.command()
@click.option("-n", "--lines", default=20, show_default=True, help="How many entries.")
@click.option("--json", "as_json", is_flag=True, help="Print the raw JSON lines.")
def log(lines: int, as_json: bool) -> int:
    """Show recent decisions from the audit log."""
    from ..outcome.audit import read_recent
    from ..outcome.messages import listed, visible

    for e in read_recent(lines):
        if as_json:
            click.echo(json.dumps(e))
        else:
            rules = ",".join(e.get("rules") or []) or "-"
            head = visible(f"{e.get('time', '?')}  {e.get('decision', '?'):7} {e.get('outcome', '?'):8} {rules:30} ")
            # the whole command: what ran is not cut short in the record a human audits
            click.echo(head + listed(str(e.get("command", "")), 4))
    return 0




@main.command()
@click.argument("agent", type=click.Choice(list(AGENTS)))
def hook(agent: str) -> int:
    """Answer an agent's pre-command hook: JSON on stdin, the verdict on stdout."""
    from .hooks import run_hook

    return run_hook(agent)


@main.command()
@click.argument("agent", type=click.Choice(list(AGENTS)))
@click.option("--print", "print_only", is_flag=True, help="Show what would be written; change nothing.")
@click.option("--shell", "as_shell", is_flag=True,
              help="Make guardsh the agent's shell instead of the hook (Claude Code: CLAUDE_CODE_SHELL; Codex, "
                   "Gemini CLI: a link named bash, and how to point the agent at it).")
def setup(agent: str, print_only: bool, as_shell: bool) -> int:
    """Make guardsh guard AGENT: write its hook or shell setting (with a backup)."""
    from .setup import setup_agent

    return setup_agent(agent, print_only, shell=as_shell)


@main.command()
def doctor() -> int:
    """Check the installation as you have it: PATH, rules, audit log, each agent's hook or shell."""
    from .doctor import run_doctor

    return run_doctor()


@main.command()
@click.argument("approval_id")
def approve(approval_id: str) -> int:
    """Approve a refused command, typing its phrase, from your own terminal."""
    from .approve import approve_interactively

    return approve_interactively(approval_id)


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def undo(args: tuple[str, ...]) -> int:
    """Restore what guardsh kept before a command: undo [--list [--json]] | ID [--force] | --prune."""
    from ..outcome import audit
    from ..outcome.keeping import settings_of
    from ..outcome.snapshot.cli import main as undo_main

    shown = " ".join(("guardsh", "undo", *args))

    def record(entry: dict) -> None:
        details = {k: v for k, v in entry.items() if k != "event"}
        audit.record(shown, entry["event"], "done", None, **details)

    return undo_main(list(args), settings=settings_of(load_rules_or_exit()), audit=record,
                     stdout=_Visible(sys.stdout), stderr=_Visible(sys.stderr))


class _Visible:
    """A stream that writes everything through visible(): what `undo` prints
    names commands, directories and files an agent chose."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        from ..outcome.messages import visible

        return self.stream.write(visible(text))

    def flush(self) -> None:
        self.stream.flush()


AS_A_SHELL = """\
guardsh: a bash that asks a human before anything irreversible runs.

As a shell it takes bash's own arguments, and runs what bash would once it is judged:
  guardsh -c 'CMD'        judge CMD, then run it with bash (what agents call)
  guardsh SCRIPT          judge the script, then run it
  guardsh                 on a terminal: an interactive shell that judges every line
  guardsh --help          bash's help, and --version bash's version: tools probe a shell with them
"""


@main.command("help")
@click.argument("command", required=False)
@click.pass_context
def help_(ctx: click.Context, command: str | None) -> int:
    """This list; `guardsh help COMMAND` for one command's options."""
    group = ctx.parent.command if ctx.parent else main
    if command:
        chosen = group.get_command(ctx, command)
        if chosen is None:
            raise click.UsageError(f"no command {command!r}; `guardsh help` lists them")
        with click.Context(chosen, info_name=command, parent=ctx.parent) as sub:
            click.echo(chosen.get_help(sub))
        return exits.OK
    lines = [AS_A_SHELL, "Commands (guardsh help COMMAND for one's options):"]
    for name in group.list_commands(ctx):
        lines.append(f"  guardsh {name:10} {group.get_command(ctx, name).get_short_help_str(limit=90)}")
    lines.append(f"\nMore, and how to set guardsh up for your agent: {readme()}")
    click.echo("\n".join(lines))
    return exits.OK


def readme() -> str:
    """Where the README is: inside the installed package, or the source tree."""
    import os

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the guardsh package
    for path in (os.path.join(here, "README.md"), os.path.join(os.path.dirname(here), "README.md")):
        if os.path.isfile(path):
            return path
    return "README.md in guardsh's source"


@main.command()
def pending() -> int:
    """List refused commands waiting for approval."""
    from .approve import print_pending

    return print_pending()
