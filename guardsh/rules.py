"""Load the rule packs and the user's and project's files, layer them, and
match rules against commands."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .argv import ParsedArgs, parse_args
from .model import Command
from .schema import AllowEntry, ConfigError, Matcher, ProgramSpec, Rule, RuleFile, parse_file
from .targets import classify


def packs_dir() -> Path:
    """Rule packs ship inside the package (wheel) or beside it (checkout)."""
    here = Path(__file__).resolve().parent
    inside = here / "rules"
    return inside if inside.is_dir() else here.parent / "rules"


@dataclass
class RuleSet:
    programs: dict[str, ProgramSpec] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    allow: list[AllowEntry] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def rule(self, rid: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rid), None)


@dataclass
class Match:
    rule: Rule
    command: Command
    target: str | None = None
    detail: str = ""


def load_ruleset(user_file: str | None = None, project_file: str | None = None,
                 pack_dir: Path | None = None) -> RuleSet:
    """Packs, then the user's rules.toml, then a project's .guardsh/rules.toml
    (which may only add rules or make them stricter). Raise ConfigError."""
    pack_dir = pack_dir or packs_dir()
    files = sorted(pack_dir.glob("*.toml"))
    problems: list[str] = []
    parsed: list[tuple[RuleFile, str]] = []
    for f in files:
        try:
            parsed.append((parse_file(str(f), f.read_text(encoding="utf-8"), user=False), "pack"))
        except ConfigError as e:
            problems.extend(e.problems)
        except OSError as e:
            problems.append(f"{f}:1: cannot read: {e.strerror}")
    user_file = user_file if user_file is not None else str(paths.user_rules())
    for path, kind in ((user_file, "user"), (project_file, "project")):
        if not path:
            continue
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except OSError as e:
            problems.append(f"{path}:1: cannot read: {e.strerror}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{path}:1: not UTF-8 text")
            continue
        try:
            parsed.append((parse_file(path, text, user=True), kind))
        except ConfigError as e:
            problems.extend(e.problems)
    if problems:
        raise ConfigError(problems)
    return _layer(parsed)


def _layer(parsed: list[tuple[RuleFile, str]]) -> RuleSet:
    rs = RuleSet()
    problems: list[str] = []
    by_id: dict[str, Rule] = {}
    for rf, kind in parsed:
        rs.files.append(rf.path)
        rs.programs.update(rf.programs)
        for rule in rf.rules:
            if rule.id in by_id:
                first = by_id[rule.id]
                problems.append(f"{rf.path}:{rule.line}: rule '{rule.id}': duplicate id "
                                f"(already defined at {first.source}:{first.line}); to change it, "
                                f"use [actions] or disable it and add a rule with a new id")
                continue
            by_id[rule.id] = rule
            rs.rules.append(rule)
        for rid, line in rf.disable:
            if kind == "project":
                problems.append(f"{rf.path}:{line}: disable: a project's rules may only add rules "
                                "or make them stricter")
            elif _known(rid, by_id, rf.path, line, "disable", problems):
                rs.rules = [r for r in rs.rules if r.id != rid]
        for rid, (action, line) in rf.actions.items():
            if not _known(rid, by_id, rf.path, line, "actions", problems):
                continue
            rule = by_id[rid]
            if kind == "project" and action == "confirm" and rule.action == "deny":
                problems.append(f"{rf.path}:{line}: actions: a project's rules may only make "
                                f"rule '{rid}' stricter")
                continue
            rule.action = action
        for entry in rf.allow:
            if kind == "project":
                problems.append(f"{rf.path}:{entry.line}: allow: a project's rules may not "
                                "allow-list; put this in your own rules.toml")
            elif _known(entry.rule, by_id, rf.path, entry.line, "allow", problems):
                rs.allow.append(entry)
        if kind != "project":
            rs.settings.update(rf.settings)
    if problems:
        raise ConfigError(problems)
    return rs


def _known(rid: str, by_id: dict, path: str, line: int, where: str, problems: list[str]) -> bool:
    if rid in by_id:
        return True
    import difflib

    close = difflib.get_close_matches(rid, list(by_id), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    problems.append(f"{path}:{line}: {where}: no rule '{rid}'{hint}")
    return False


# --- matching -------------------------------------------------------------


@dataclass
class Context:
    """Where the line runs: relative paths are read against it."""

    project: str | None
    home: str


def read_args(cmd: Command, programs: dict[str, ProgramSpec]) -> ParsedArgs:
    """Parse cmd's arguments with what the packs say about its program and,
    when there is one, its subcommand (`git push`, `railway volume`)."""
    memo = cmd.memo.get("args")
    if memo is not None:
        return memo
    name = cmd.name
    spec = programs.get(name)
    values = spec.value_options if spec else frozenset()
    go_style = bool(spec and spec.single_dash_long)
    parsed, _ = parse_args(cmd.args, values, single_dash_long=go_style)
    key = name
    for depth in range(2):
        if len(parsed.positionals) <= depth:
            break
        key = f"{key} {parsed.positionals[depth].text}"
        sub = programs.get(key)
        if sub is None:
            break
        values = values | sub.value_options
        parsed, _ = parse_args(cmd.args, values, single_dash_long=go_style)
    cmd.memo["args"] = parsed
    return parsed


def match_rule(rule: Rule, cmd: Command, programs: dict[str, ProgramSpec], ctx: Context) -> Match | None:
    for m in rule.matchers:
        hit = _match(m, cmd, programs, ctx)
        if hit is not None:
            target, detail = hit
            return Match(rule, cmd, target, detail or cmd.display())
    return None


def _match(m: Matcher, cmd: Command, programs, ctx: Context):
    target = detail = None
    if m.program and not any(fnmatch.fnmatchcase(cmd.name, p) for p in m.program):
        return None
    if m.effects:
        found = [e for e in cmd.effects if any(fnmatch.fnmatchcase(e.kind, p) for p in m.effects)]
        if not found:
            return None
        target, detail = found[0].target, found[0].detail
    if not m.program:
        return target, detail
    parsed = read_args(cmd, programs)
    positionals = parsed.positionals
    if m.subcommand:
        words = [w.text for w in positionals]
        for sub in m.subcommand:
            if len(words) >= len(sub) and all(fnmatch.fnmatchcase(w, p) for w, p in zip(words, sub)):
                positionals = positionals[len(sub):]
                break
        else:
            return None
    if m.flags and not (parsed.flags & m.flags):
        return None
    if m.all_flags and not m.all_flags <= parsed.flags:
        return None
    if m.not_flags and parsed.flags & m.not_flags:
        return None
    if m.options:
        hit = next(((o, v) for o, pat in m.options.items() for v in parsed.values.get(o, [])
                    if pat.search(v)), None)
        if hit is None:
            return None
        detail = detail or f"{hit[0]} {hit[1]}"
    for opt, pat in m.not_options.items():
        if opt in parsed.flags and any(pat.search(v) for v in parsed.values.get(opt) or [""]):
            return None
    if len(positionals) < m.min_args:
        return None
    if m.args is not None:
        arg = next((w for w in positionals if m.args.search(w.text)), None)
        if arg is None:
            return None
        target = target or arg.text
    if m.not_args is not None and any(m.not_args.search(w.text) for w in positionals):
        return None
    if m.targets:
        cwd = cmd.cwd
        arg = next((w for w in positionals
                    if classify(w, cwd, ctx.project, ctx.home) in m.targets), None)
        if arg is None:
            return None
        target = str(arg) if arg.dynamic else arg.text
    if m.env:
        env = {k: w.text for k, w in cmd.assigns.items()}
        if not all(pat.search(env.get(var, os.environ.get(var, ""))) for var, pat in m.env.items()):
            return None
    return target, detail
