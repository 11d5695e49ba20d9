"""Commands + rules -> one verdict for the whole line: allow, snapshot, confirm
or deny. `snapshot` is a confirm whose every loss guardsh can keep first
(policy/keep.py): the gate keeps it, then runs the line without asking.
The policy sees commands only; reading the line is the shell package's job
(engine.judge joins the two)."""

from __future__ import annotations

import os

from ..model import Command, Effect, Keep, Record
from ..textmatch import regex_search
from .load import RuleSet
from .match import Context, Match, match_rule
from .schema import Rule

_RANK = {"allow": 0, "confirm": 1, "deny": 2}


class Verdict(Record):
    _fields = ("decision", "matches", "commands", "production", "keep", "unkept")
    __slots__ = _fields + ("shown", "wrapper")

    def __init__(self, decision: str, matches: list[Match] | None = None, commands: list[Command] | None = None,
                 production: str | None = None, keep: list[Keep] | None = None, unkept: str | None = None):
        self.decision = decision  # "allow" | "snapshot" | "confirm" | "deny"
        self.matches = matches or []
        self.commands = commands or []
        self.production = production  # what made the target look like production, if anything
        self.keep = keep or []  # snapshot: what to keep before running the line
        self.unkept = unkept  # confirm: why what it destroys cannot be kept instead
        # An agent's command inside the agent's wrapper (engine.judge): what a
        # human reads, and the wrapper with the command elided, as a note.
        self.shown: str | None = None
        self.wrapper: str | None = None

    @property
    def blocked(self) -> bool:
        """Not simply allowed: asked about, refused, or (snapshot) kept first."""
        return self.decision != "allow"

    @property
    def runs_unasked(self) -> bool:
        """Will it run without a human? (A snapshot does, once its copy is kept.)"""
        return self.decision in ("allow", "snapshot")

    def asked_instead(self, why: str) -> Verdict:
        """This verdict as a confirm: keeping a copy first turned out impossible."""
        asked = Verdict("confirm", self.matches, self.commands, self.production, unkept=why)
        asked.shown, asked.wrapper = self.shown, self.wrapper
        return asked

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(m.rule.id for m in self.matches))

    @property
    def warnings(self) -> list[str]:
        """Things worth a line in the audit log even when allowed (secrets read or printed)."""
        return [e.detail for c in self.commands for e in c.effects if e.kind.startswith("secrets.")]

    def reason(self) -> str:
        return "; ".join(dict.fromkeys(m.rule.reason for m in self.matches))

    def phrase_target(self) -> str | None:
        """The name of what would be destroyed, when the rules can tell;
        production/NAME when it looks like production."""
        for m in self.matches:
            t = m.target
            # A name only known at run time ("$DIR") is no phrase: a random word is.
            if t and not any(c in t for c in "\x00$`\"'") and 2 <= len(t) <= 64 and t.isprintable():
                name = t.rstrip("/").split("/")[-1] if t.startswith("/") and len(t) > 32 else t
                return f"production/{name}" if self.production else name
        return None

    def as_json(self) -> dict:
        return {
            "decision": self.decision,
            "rules": self.rule_ids,
            "reason": self.reason() or None,
            "matches": [{"rule": m.rule.id, "action": m.rule.action, "command": m.command.display(),
                         "via": list(m.command.via), "target": m.target, "detail": m.detail}
                        for m in self.matches],
            "production": self.production,
            **({"keep": [k.as_json() for k in self.keep]} if self.keep else {}),
            **({"unkept": self.unkept} if self.unkept else {}),
        }


def decide(commands: list[Command], ruleset: RuleSet, cwd: str | None, home: str | None = None,
           line: str | None = None) -> Verdict:
    """The verdict on a line's commands (as the reader found them in `line`,
    run from `cwd`): the strictest action among the rules that match, allow-listed
    matches left out, escalated when the target looks like production."""
    ctx = Context(project=cwd, home=home or os.environ.get("HOME") or os.path.expanduser("~"),
                  known=ruleset.known_programs())
    try:
        matches = _match_all(commands, ruleset, ctx)
    except Exception as e:  # noqa: BLE001 - a matching bug must fail closed, not open
        failed = Command(argv=[], effects=[Effect("shell.internal-error", detail=f"{type(e).__name__}: {e}")])
        commands.append(failed)
        matches = _match_all([failed], ruleset, ctx) or [Match(_INTERNAL_ERROR, failed, None, str(e))]
    decision = max((m.rule.action for m in matches), key=_RANK.__getitem__, default="allow")
    production = _production_signal(matches, ruleset.settings.get("production") or {}) if matches else None
    if production and decision == "confirm" and ruleset.settings["production"].get("escalate") == "deny":
        decision = "deny"
    keep, unkept = [], None
    if decision == "confirm":
        if production:
            unkept = f"it looks like production ({production}); guardsh keeps copies of local work only"
        else:
            from .keep import keeps_for  # only for a line that would be asked about

            keep, unkept = keeps_for(matches, ctx, ruleset.settings, ruleset.programs, commands, line)
            decision = "snapshot" if keep else decision
    return Verdict(decision, matches, commands, production, keep, unkept)


def _production_signal(matches: list[Match], production: dict) -> str | None:
    """The first thing that makes a matched command look like it acts on
    production: a word or option value, a target or connection, a variable
    (RAILWAY_ENVIRONMENT, AWS_PROFILE, ...), or kubectl's current context."""
    patterns = production.get("patterns") or []
    if not patterns:
        return None
    for m in matches:
        cmd = m.command
        texts = [w.text for w in cmd.argv] + [m.target or "", m.detail or ""]
        texts += [e.detail for e in cmd.effects]
        for var in production.get("variables") or []:
            value = cmd.assigns[var].text if var in cmd.assigns else os.environ.get(var)
            if value:
                texts.append(f"{var}={value}")
        if cmd.name in ("kubectl", "helm", "oc", "kubecolor") and not any(w.text in ("--context", "--kube-context")
                                                                           for w in cmd.argv):
            texts.append(f"kube context {_kube_context()}")
        for text in texts:
            for pattern in patterns:
                if text and regex_search(pattern, text):
                    return text if len(text) <= 120 else text[:117] + "..."
    return None


def _kube_context() -> str:
    config = (os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")).split(os.pathsep)[0]
    try:
        with open(config, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("current-context:"):
                    return line.split(":", 1)[1].strip().strip("'\"")
    except OSError:
        pass
    return ""


# Stands in when even the rule for internal errors has been disabled.
_INTERNAL_ERROR = Rule("shell.internal-error", "guardsh failed while judging this command, so it cannot "
                       "vouch for it.", "confirm", [])


def _match_all(commands: list[Command], ruleset: RuleSet, ctx: Context) -> list[Match]:
    matches: list[Match] = []
    for cmd in commands:
        for rule in ruleset.for_command(cmd.name, bool(cmd.effects)):
            m = match_rule(rule, cmd, ruleset.programs, ctx)
            if m is not None and not _allow_listed(m, ruleset):
                matches.append(m)
    return matches


def _allow_listed(m: Match, ruleset: RuleSet) -> bool:
    text = " ".join(w.text for w in m.command.argv)
    return any(a.rule == m.rule.id and regex_search(a.command, text) for a in ruleset.allow)
