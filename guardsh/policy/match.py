"""Match one rule against one command: program, subcommand, flags, options,
arguments, target classes, effects, environment."""

from __future__ import annotations

import os

from ..argv import read_args
from ..model import Command, ProgramSpec, Record
from ..targets import classify
from ..textmatch import glob_match, regex_search
from .schema import Matcher, Rule


class Match(Record):
    __slots__ = ("rule", "command", "target", "detail", "matcher")
    _fields = __slots__[:-1]

    def __init__(self, rule: Rule, command: Command, target: str | None = None, detail: str = "",
                 matcher: Matcher | None = None):
        self.rule = rule
        self.command = command
        self.target = target
        self.detail = detail
        self.matcher = matcher  # the [[rule.match]] that hit: its `keep`, `targets` and `effects`


class Context:
    """Where the line runs: relative paths are read against it."""

    __slots__ = ("project", "home", "known")

    def __init__(self, project: str | None, home: str, known: frozenset = frozenset()):
        self.project = project
        self.home = home
        self.known = known  # programs some rule or [program] table names (see RuleSet.known_programs)


def match_rule(rule: Rule, cmd: Command, programs: dict[str, ProgramSpec], ctx: Context) -> Match | None:
    for m in rule.matchers:
        hit = _match(m, cmd, programs, ctx)
        if hit is not None:
            target, detail = hit
            return Match(rule, cmd, target, detail or cmd.display(), m)
    return None


_WILDCARDS: dict[int, tuple] = {}


def _patterns(names: frozenset) -> tuple:
    """The wildcard patterns among a matcher's names (the rest are looked up as a set)."""
    found = _WILDCARDS.get(id(names))
    if found is None or found[0] is not names:
        found = _WILDCARDS[id(names)] = (names, tuple(p for p in names if "*" in p or "?" in p or "[" in p))
    return found[1]


def _turned_off(parsed, flag: str) -> bool:
    """`--dry-run=false`: an exception flag given a false value is not given."""
    values = parsed.values.get(flag)
    return bool(values) and values[-1].lower() in ("false", "0", "no", "off")


def _option_values(cmd: Command, parsed, option: str) -> list[str]:
    """An option's values; for a program whose value options no pack lists,
    the word after it (`--mode Complete`) when it is not an option itself."""
    values = parsed.values.get(option)
    if values or option not in parsed.flags:
        return values or []
    words = [w.text for w in cmd.args]
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w == option and not words[i + 1].startswith("-")]


def _match(m: Matcher, cmd: Command, programs, ctx: Context):
    target = detail = None
    if m.program and cmd.name not in m.program and not any(glob_match(cmd.name, p) for p in _patterns(m.program)):
        return None
    if m.unknown_program and (cmd.name in ctx.known or not cmd.name):
        return None
    if m.program and "*" in m.program:
        # A matcher for every program is tried on every command: rule out the
        # commands it cannot match before their arguments are read.
        if m.verbs:
            parts = cmd.memo.get("parts")
            if parts is None:
                parts = cmd.memo["parts"] = frozenset(p for w in cmd.argv[1:1 + PATH_WORDS * 2] for p in word_parts(w.text))
            if m.verbs.isdisjoint(parts):
                return None
        elif m.flags or m.all_flags or m.options:
            dashed = cmd.memo.get("dashed")
            if dashed is None:
                dashed = cmd.memo["dashed"] = any(w.text[:1] == "-" for w in cmd.argv[1:])
            if not dashed:
                return None
    if m.not_program and (cmd.name in m.not_program or any(glob_match(cmd.name, p) for p in _patterns(m.not_program))):
        return None
    if m.effects:
        found = [e for e in cmd.effects if any(glob_match(e.kind, p) for p in m.effects)]
        if found and m.targets and not m.program:
            # An effect on a path is judged by the path's class: fs.overwrite of data, not of a build output.
            found = [e for e in found if e.target is not None
                     and classify(e.target, cmd.cwd, ctx.project, ctx.home) in m.targets]
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
            if len(words) >= len(sub) and all(glob_match(w, p) for w, p in zip(words, sub)):
                positionals = positionals[len(sub):]
                break
        else:
            return None
    if m.verbs:
        runs_from = cmd.memo.get("runs_from")  # where a runner's wrapped command starts (wrappers.py)
        own = positionals if runs_from is None else [w for w in positionals
                                                      if any(w is a for a in cmd.args[:runs_from])]
        hit = verb_hit(m, cmd.name, own)
        if hit is None:
            return None
        detail = detail or f"{cmd.name} {hit}"
    if m.flags and not (parsed.flags & m.flags):
        return None
    if m.all_flags and not m.all_flags <= parsed.flags:
        return None
    if m.not_flags and any(not _turned_off(parsed, f) for f in parsed.flags & m.not_flags):
        return None
    if m.options:
        hit = next(((o, v) for o, pat in m.options.items() for v in _option_values(cmd, parsed, o)
                    if regex_search(pat, v)), None)
        if hit is None:
            return None
        detail = detail or f"{hit[0]} {hit[1]}"
    for opt, pat in m.not_options.items():
        if opt in parsed.flags and any(regex_search(pat, v) for v in _option_values(cmd, parsed, opt) or [""]):
            return None
    if len(positionals) < m.min_args:
        return None
    if m.args is not None:
        arg = next((w for w in positionals if regex_search(m.args, w.text)), None)
        if arg is None:
            return None
        target = target or arg.text
    if m.not_args is not None and any(regex_search(m.not_args, w.text) for w in positionals):
        return None
    if m.targets:
        cwd = cmd.cwd
        arg = next((w for w in positionals
                    if classify(w, cwd, ctx.project, ctx.home) in m.targets), None)
        if arg is None:
            return None
        target = str(arg) if arg.dynamic else arg.text
    if m.destination:
        last = positionals[-1] if len(positionals) > 1 else None
        if last is None or classify(last, cmd.cwd, ctx.project, ctx.home) not in m.destination:
            return None
        target = last.text
    if m.env:
        env = {k: w.text for k, w in cmd.assigns.items()}
        if not all(regex_search(pat, env.get(var, os.environ.get(var, ""))) for var, pat in m.env.items()):
            return None
    return target, detail


PATH_WORDS = 4  # how many leading positionals can be a subcommand path (`railway environment variables delete`)


def subcommand_path(positionals) -> list[str]:
    """The words of a subcommand path: the leading positionals that look like
    subcommand names (`app`, `delete-bucket`, `db:drop`), lower-cased.
    A path, URL, quoted phrase or file name (`notes.txt`) is not one."""
    return [w.text for w in positionals[:PATH_WORDS] if _word_shaped(w.text)]


def _word_shaped(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower() and all(c.isalnum() or c in "-_:" for c in text)


_PARTS: dict[str, list[str]] = {}
_PATHS: dict[tuple, tuple] = {}  # leading positionals -> (subcommand path, the parts of its words)


def word_parts(word: str) -> list[str]:
    parts = _PARTS.get(word)
    if parts is None:
        if len(_PARTS) > 4096:
            _PARTS.clear()
        parts = _PARTS[word] = _split_word(word)
    return parts


def _split_word(word: str) -> list[str]:
    """`delete-bucket` -> [delete-bucket, delete, bucket]; `db:drop` -> [db:drop,
    db, drop]; `luksFormat` -> [luksformat, luks, format]; all lower-cased."""
    spaced = "".join(" " + c if c.isupper() and i and word[i - 1].islower() else c for i, c in enumerate(word))
    parts = spaced.replace("_", " ").replace(":", " ").replace("-", " ").lower().split()
    lowered = word.lower()
    return [lowered] + parts if len(parts) > 1 else [lowered]


def verb_hit(m: Matcher, name: str, positionals) -> str | None:
    """The path (as shown) when it holds one of m.verbs, with one of m.objects
    if the matcher names objects, and fits none of its harmless readings."""
    key = tuple(w.text for w in positionals[:PATH_WORDS])
    cached = _PATHS.get(key)
    if cached is None:
        if len(_PATHS) > 4096:
            _PATHS.clear()
        path = subcommand_path(positionals)
        cached = _PATHS[key] = (path, frozenset(p for w in path for p in word_parts(w)))
    path, parts = cached
    if m.verbs.isdisjoint(parts):
        return None
    at = next((i for i, w in enumerate(path) if any(p in m.verbs for p in word_parts(w))), None)
    if at is None:
        return None
    verb = next(p for p in word_parts(path[at]) if p in m.verbs)
    if m.objects and not any(glob_match(p, o) for p in parts for o in m.objects):
        return None
    # What the harmless readings look at: the path up to the verb and a plain
    # noun right after it (`delete message`), not the names it is given
    # (`rclone delete remote:backups` is not about a "remote").
    named = path[:at + 1] + [w for w in path[at + 1:at + 2] if w.replace("-", "").replace("_", "").isalpha()]
    own = [p for w in named for p in word_parts(w)]
    for programs, verbs, words, _reason in m.harmless:
        if ((not programs or any(glob_match(name, p) for p in programs))
                and (not verbs or verb in verbs)
                and (not words or any(glob_match(p, w) for p in own for w in words))):
            return None
    return " ".join(path)  # as written
