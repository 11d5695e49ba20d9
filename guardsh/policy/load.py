"""Load the rule packs and the user's and project's files and layer them
(matching is policy/match.py)."""

from __future__ import annotations

import os

from .. import __version__, paths
from ..textmatch import glob_match
from ..model import Programs
from .schema import AllowEntry, ConfigError, ProgramSpec, Rule, RuleFile, parse_file


CACHE_VERSION = 10  # bump when the cached data changes shape (6: ProgramSpec.script_file, 7: verb matchers, 8: behaves_as, interactive, 9: a match's `keep`, 10: shell_setup)


def packs_dir() -> str:
    """Rule packs ship inside the package (wheel) or beside it (checkout)."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the guardsh package
    inside = os.path.join(here, "rules")
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(here), "rules")


def find_project_rules(start: str | None = None) -> str | None:
    """A repository's .guardsh/rules.toml, found from `start` (default: the
    working directory) up to the repository's root."""
    try:
        d = start or os.getcwd()
    except OSError:
        return None
    while True:
        candidate = os.path.join(d, ".guardsh", "rules.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d or os.path.isdir(os.path.join(d, ".git")):
            return None
        d = parent


class RuleSet:
    """The active rules, layered; `for_command` finds the ones worth trying."""

    def __init__(self, programs=None, rules=None, allow=None, settings=None, files=None):
        self.programs: dict[str, ProgramSpec] = programs or {}
        self.rules: list[Rule] = rules or []
        self.allow: list[AllowEntry] = allow or []
        self.settings: dict = settings or {}
        self.files: list[str] = files or []
        self._index: tuple | None = None
        self._known: frozenset | None = None

    def rule(self, rid: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rid), None)

    def for_command(self, name: str, has_effects: bool = True) -> list[Rule]:
        """Rules that can match a command named `name`: those naming it, those
        naming a pattern it fits (mkfs.*), and, when it has effects, those
        matching on effects alone."""
        if self._index is None:
            by_name: dict[str, list[Rule]] = {}
            patterns: list[tuple[str, Rule]] = []
            anywhere: list[Rule] = []
            for rule in self.rules:
                for m in rule.matchers:
                    if not m.program:
                        anywhere.append(rule)
                    for p in m.program:
                        if any(c in p for c in "*?["):
                            patterns.append((p, rule))
                        else:
                            by_name.setdefault(p, []).append(rule)
            self._index = (by_name, patterns, anywhere)
        by_name, patterns, anywhere = self._index
        found = by_name.get(name, []) + [r for p, r in patterns if glob_match(name, p)]
        if has_effects:
            found += anywhere
        seen: set[int] = set()
        return [r for r in found if not (id(r) in seen or seen.add(id(r)))]

    def known_programs(self) -> frozenset:
        """Every program a rule names: a matcher with `unknown_program` leaves
        these to their packs. (A [program] table alone only says how to read
        the arguments, not which subcommands are dangerous.)"""
        if self._known is None:
            names = set()
            names.update(p for r in self.rules for m in r.matchers if not m.unknown_program
                         for p in m.program if not any(c in p for c in "*?["))
            self._known = frozenset(names)
        return self._known

    def to_data(self) -> tuple:
        return ({k: v.to_data() for k, v in self.programs.items()}, [r.to_data() for r in self.rules],
                [a.to_data() for a in self.allow], self.settings, self.files)

    @classmethod
    def from_data(cls, data: tuple) -> RuleSet:
        programs, rules, allow, settings, files = data
        return cls({k: ProgramSpec(*v) for k, v in programs.items()}, [Rule.from_data(r) for r in rules],
                   [AllowEntry(*a) for a in allow], settings, files)


def load_ruleset(user_file: str | None = None, project_file: str | None = None,
                 pack_dir: str | None = None) -> RuleSet:
    """Packs, then the user's rules.toml, then a project's .guardsh/rules.toml
    (which may only add rules or make them stricter). Raise ConfigError.

    The layered result is cached under $XDG_CACHE_HOME/guardsh, keyed by every
    source file's identity (inode, size, mtime): a changed file is always
    read again, and a broken one is never cached."""
    pack_dir = pack_dir or packs_dir()
    user_file = user_file if user_file is not None else paths.user_rules()
    sources = [(os.path.join(pack_dir, f), "pack") for f in sorted(os.listdir(pack_dir)) if f.endswith(".toml")]
    sources += [(p, kind) for p, kind in ((user_file, "user"), (project_file, "project")) if p]
    key = (CACHE_VERSION, __version__, tuple((p, kind, _identity(p)) for p, kind in sources))
    cache_file = os.path.join(paths.cache_dir(), f"rules-{_stable_hash(repr([p for p, _ in sources]))}.cache")
    cached = _read_cache(cache_file, key)
    if cached is None:
        cached = _load_sources(sources)
        _write_cache(cache_file, key, cached)
    cached.programs = Programs(cached.programs)
    cached.programs.identity = _stable_hash(repr(key))  # the reader's caches are keyed by it
    return cached


def _load_sources(sources: list[tuple[str, str]]) -> RuleSet:
    problems: list[str] = []
    parsed: list[tuple[RuleFile, str]] = []
    for path, kind in sources:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            if kind == "pack":
                problems.append(f"{path}:1: cannot read: no such file")
            continue
        except OSError as e:
            problems.append(f"{path}:1: cannot read: {e.strerror}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{path}:1: not UTF-8 text")
            continue
        try:
            parsed.append((parse_file(path, text, user=kind != "pack"), kind))
        except ConfigError as e:
            problems.extend(e.problems)
    if problems:
        raise ConfigError(problems)
    return _layer(parsed)


def _identity(path: str):
    try:
        st = os.stat(path)
    except OSError as e:
        return ("missing", e.errno)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _stable_hash(text: str) -> str:
    import zlib

    return f"{zlib.crc32(text.encode('utf-8', 'surrogateescape')):08x}"


def _read_cache(cache_file: str, key) -> RuleSet | None:
    """marshal, not pickle: it is built in (pickle's import alone costs ~5 ms)
    and the cache holds only plain data."""
    import marshal

    try:
        with open(cache_file, "rb") as fh:
            stored_key, data = marshal.loads(fh.read())  # one read: load(fh) reads in small pieces
        return RuleSet.from_data(data) if stored_key == key else None
    except Exception:  # noqa: BLE001 - a missing, old or corrupt cache is rebuilt
        return None


def _write_cache(cache_file: str, key, ruleset: RuleSet) -> None:
    import marshal

    tmp = f"{cache_file}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(cache_file), mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump((key, ruleset.to_data()), fh)
        os.replace(tmp, cache_file)  # atomic: readers see the old cache or the new one
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


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
        # Production patterns: anyone may add; only packs and the user may replace the escalation.
        production = rs.settings.setdefault("production", {"patterns": [], "variables": [], "escalate": "phrase"})
        production["patterns"] = production["patterns"] + list(rf.production.get("patterns", []))
        production["variables"] = production["variables"] + list(rf.production.get("variables", []))
        if "escalate" in rf.production and (kind != "project" or rf.production["escalate"] == "deny"):
            production["escalate"] = rf.production["escalate"]
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
