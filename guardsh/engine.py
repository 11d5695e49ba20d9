"""Where reading and policy meet: a line of text -> a Verdict. The only module
that imports both shell/ (text -> commands) and policy/ (commands -> verdict),
as codex's core joins its shell parser and its execpolicy."""

from __future__ import annotations

import os

from .policy.decide import Verdict, decide
from .policy.load import RuleSet
from .shell.read import read_line


def judge(text: str, ruleset: RuleSet, cwd: str | None = None, home: str | None = None,
          budget: float = 0.2, interactive: bool = False) -> Verdict:
    """Read `text` as bash would run it in `cwd` (default: here) and judge
    every command it will run; `budget` is the reader's time limit (s)."""
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = None
    commands = read_line(text, ruleset.programs, cwd=cwd, home=home, budget=budget, interactive=interactive)
    verdict = decide(commands, ruleset, cwd, home, line=text)
    sourced = {c.memo["sourced"] for c in commands if "sourced" in c.memo}
    if sourced:  # an agent's snapshot whose reading was cached: keep its commands' judgement too
        from .shell import sourcecache

        for cache_file in sourced - {m.command.memo.get("sourced") for m in verdict.matches}:
            sourcecache.mark_clean(cache_file)
    if verdict.blocked:
        _show_the_agents_command(verdict, text, ruleset, cwd, home, budget)
    return verdict


# Codex's per-command wrapper is about 38 KB; Claude Code's far shorter.
_LONGEST_WRAPPER = 256 * 1024


def _show_the_agents_command(verdict: Verdict, text: str, ruleset: RuleSet, cwd, home, budget: float) -> None:
    """When `text` is an agent's wrapper around one command (Claude Code's
    `... && eval 'CMD' < /dev/null && ...`, Codex's `... exec SHELL -c 'CMD'`),
    the human is shown CMD, whole, and the wrapper as a note; but only if the
    wrapper with CMD taken out is allowed by itself, so that nothing the
    wrapper does is hidden behind the command. Only blocked lines pay for it."""
    from .shell.shown import agent_command

    if len(text) > _LONGEST_WRAPPER:
        return  # no agent's wrapper is this long; parsing it again would cost seconds
    found = agent_command(text)
    if found is None:
        return
    command, without, elided = found
    rest = decide(read_line(without, ruleset.programs, cwd=cwd, home=home, budget=budget), ruleset, cwd, home)
    if rest.decision == "allow" and not rest.matches:
        verdict.shown, verdict.wrapper = command, elided
