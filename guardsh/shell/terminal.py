"""Programs that would read commands typed later on their terminal.

Codex runs a command on a pseudo-terminal (`exec_command` with tty:true) and
later types into it with `write_stdin`; that text reaches neither an agent's
hook nor guardsh as the shell (research-agents.md: `shutil.rmtree('data')`
typed into `python3 -i` deleted the data, no hook fired). The hook cannot see
whether a terminal was asked for, so the only place to stop it is the start:
an interpreter or database shell that will read its commands from the
terminal is asked about. Which programs do, and what gives them something
else to do (a script, -c CODE, a query), is data in the program tables
(`interactive`, `batch_options`, `interactive_options`, `batch_positionals`
in rules/*.toml), not a list here.

Only a command whose stdin the line leaves alone counts: `echo x | python3`,
`python3 - <<EOF`, `psql < dump.sql` and Claude Code's `eval '...' < /dev/null`
read what the line gives them, not a terminal, so the same rule is right for
guardsh as the shell, where a line's stdin is the agent's."""

from __future__ import annotations

from ..argv import parse_args
from ..model import Command, ProgramSpec, Word


def reads_terminal(cmd: Command, programs: dict[str, ProgramSpec]) -> str | None:
    """What `cmd` starts that reads a terminal ("python3", "rails console"), or None."""
    if cmd.stdin is not None or not cmd.argv:
        return None
    # An interpreter running a program's script (python manage.py shell, php artisan tinker)
    # is also emitted as that program (shell/wrappers.py _entry_point), and found there.
    return _console(cmd.name, cmd.args, programs)


def _console(name: str, args: list[Word], programs: dict[str, ProgramSpec]) -> str | None:
    spec = programs.get(name)
    parsed, _ = parse_args(args, spec.value_options if spec else frozenset(),
                           single_dash_long=bool(spec and spec.single_dash_long))
    if parsed.positionals:
        sub = programs.get(f"{name} {parsed.positionals[0].text}")
        if sub is not None:  # rails console, deno repl, manage.py shell
            at = next(i for i, w in enumerate(args) if w is parsed.positionals[0])
            return _reads_terminal(f"{name} {parsed.positionals[0].text}", sub, args[at + 1:])
    return _reads_terminal(name, spec, args) if spec is not None else None


def _reads_terminal(label: str, spec: ProgramSpec, args: list[Word]) -> str | None:
    if not spec.interactive:
        return None
    # A script ends an interpreter's own options: `python3 app.py -i` passes
    # -i to app.py. Programs whose positionals are not a script (psql DBNAME)
    # take options anywhere.
    script_first = spec.batch_positionals == 1
    parsed, stop = parse_args(args, spec.value_options, stop_at_first_positional=script_first,
                              single_dash_long=spec.single_dash_long)
    flags = parsed.flags | set(parsed.values)
    if flags & set(spec.interactive_options):
        return label
    if flags & set(spec.batch_options):
        return None
    positionals = int(stop < len(args)) if script_first else len(parsed.positionals)
    if spec.batch_positionals and positionals >= spec.batch_positionals:
        return None
    return label
