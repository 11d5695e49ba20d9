"""One command line -> every command it will run, each with the effects the
analysers found: the reader's entry point. The session (session.py) parses,
unwraps, reads payloads and reports what it cannot know as effects that the
rules treat as dangerous."""

from __future__ import annotations

import os

from ..analyzers import secrets
from ..model import Command, ProgramSpec
from . import treesitter
from .budget import Budget
from .session import BudgetExceeded, ShellSession


def read_line(text: str, programs: dict[str, ProgramSpec], cwd: str | None = None,
            home: str | None = None, budget: float = 0.2, interactive: bool = False) -> list[Command]:
    """Every command `text` will run, with effects. Never raises for bad input:
    what cannot be read comes back as a command with an unknown-effect.
    `budget` is seconds of this thread's CPU time (see budget.py)."""
    scan = ShellSession(programs, cwd if cwd is not None else _getcwd(), home, Budget(budget))
    # $- of the shell that runs the line: `bash -c` for an agent (its hook's
    # command runs there too); unknown in guardsh's own interactive shell.
    scan.shell_flags = None if interactive else "hBc"
    try:
        treesitter.get_parser()  # loaded once per process: not this line's time
        with scan.budget:
            scan.parse(text)
            secrets.link_credentials(scan.commands)
    except BudgetExceeded:
        scan.report_unknown("shell.too-complex", (),
                            f"reading it took more than {budget * 1000:.0f} ms of CPU time")
    except RecursionError:
        scan.report_unknown("shell.too-complex", (), "nested too deeply to read")
    except Exception as e:  # noqa: BLE001 - an analyser bug must fail closed, not open
        scan.report_unknown("shell.internal-error", (), f"{type(e).__name__}: {e}")
    return scan.commands


def _getcwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None
