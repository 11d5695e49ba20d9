"""Where reading and policy meet: a line of text -> a Verdict. The only module
that imports both shell/ (text -> commands) and policy/ (commands -> verdict),
as codex's core joins its shell parser and its execpolicy."""

from __future__ import annotations

import os

from .policy.decide import Verdict, decide
from .policy.load import RuleSet
from .shell.read import read_line


def judge(text: str, ruleset: RuleSet, cwd: str | None = None, home: str | None = None,
          budget: float = 0.2) -> Verdict:
    """Read `text` as bash would run it in `cwd` (default: here) and judge
    every command it will run; `budget` is the reader's time limit (s)."""
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = None
    commands = read_line(text, ruleset.programs, cwd=cwd, home=home, budget=budget)
    return decide(commands, ruleset, cwd, home)
