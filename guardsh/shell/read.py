"""One command line -> every command it will run, each with the effects the
analysers found: the reader's entry point. The session (session.py) parses,
unwraps, reads payloads and reports what it cannot know as effects that the
rules treat as dangerous."""

from __future__ import annotations

import os

from ..analyzers import secrets
from ..model import Command, ProgramSpec
from .session import BudgetExceeded, ShellSession


def read_line(text: str, programs: dict[str, ProgramSpec], cwd: str | None = None,
            home: str | None = None, budget: float = 0.2) -> list[Command]:
    """Every command `text` will run, with effects. Never raises for bad input:
    what cannot be read comes back as a command with an unknown-effect."""
    scan = ShellSession(programs, cwd if cwd is not None else _getcwd(), home, budget)
    try:
        scan.parse(text)
        secrets.link_credentials(scan.commands)
    except BudgetExceeded:
        scan.report_unknown("shell.too-complex", (), f"analysis took longer than {budget * 1000:.0f} ms")
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
