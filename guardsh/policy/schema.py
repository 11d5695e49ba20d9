"""The one place the rules TOML format is defined and checked.

A file holds `[program.NAME]` tables (how to read a program's arguments and
content), `[[rule]]` tables (what is dangerous), and, in a user's or project's
file, `disable`, `[actions]`, `[[allow]]` and `[settings]`. Every problem is
reported as `path:line: what is wrong`, and any problem stops guardsh (as
sudo does with a broken sudoers), so the message must say how to fix it.
"""

from __future__ import annotations

# `re` is imported inside the functions that read TOML: the classes below are
# loaded from the rules cache on every agent command, the parser only when a
# file changed.
from ..model import ProgramSpec, Record
from ..targets import CLASSES

ACTIONS = ("confirm", "deny")
READERS = ("sql", "mongo", "redis", "http", "graphql", "python", "node", "perl", "ruby", "php", "deno",
           "bun", "awk", "lua", "typescript", "r", "julia", "powershell")
# What an agent hook answers for a `confirm` rule: refuse (the human approves with
# `guardsh approve ID`) or hand it to the agent's own prompt.
HOOK_CONFIRM = ("deny", "ask")
DIALECTS = ("postgres", "mysql", "sqlite", "duckdb", "clickhouse", "cockroach")

PROGRAM_KEYS = {"value_options": list, "reads": str, "content_options": list,
                "content_file_options": list, "content_arg": int, "content_stdin": bool,
                "dialect": str, "stdin_marker": str, "single_dash_long": bool, "script_file": bool,
                "behaves_as": str, "interactive": bool, "batch_options": list, "interactive_options": list,
                "batch_positionals": int, "shell_setup": list}
RULE_KEYS = {"id": str, "reason": str, "action": str, "alternative": str, "match": list,
             "examples": dict}
MATCH_KEYS = {"program": (str, list), "subcommand": (str, list), "flags": list,
              "all_flags": list, "not_flags": list, "options": dict, "not_options": dict,
              "args": str, "destination": list,
              "not_args": str, "targets": list, "effects": list, "min_args": int,
              "env": dict, "verbs": list, "objects": list, "harmless": list, "unknown_program": bool,
              "not_program": list, "keep": (str, list)}
HARMLESS_KEYS = {"programs": list, "verbs": list, "words": list, "reason": str}
# How what a match would destroy can be kept first (a [[rule.match]]'s `keep`;
# policy/keep.py builds each, outcome/snapshot keeps it): the repository's
# local state as refs, files by hard link (a pure unlink) or by copy, a SQLite
# file by its backup API, objects on a declared local PostgreSQL server by pg_dump.
KEEP_KINDS = ("git", "paths-unlink", "paths-overwrite", "sqlite", "postgres")
# What a keepable confirm becomes: kept then run, or asked as before.
ON_KEEPABLE = ("snapshot", "confirm")
# [settings.undo]: the limits of keeping (outcome/snapshot/store.py's Settings has
# the defaults; a test checks both name the same keys).
UNDO_KEYS = {"max_bytes": int, "max_files": int, "total_bytes": int, "retention_days": (int, float),
             "timeout_seconds": (int, float), "local_postgres": list}
EXAMPLE_KEYS = {"match": list, "allow": list, "todo": list}
TOP_KEYS = {"program": dict, "rule": list, "disable": list, "actions": dict, "allow": list,
            "settings": dict, "production": dict}
PRODUCTION_KEYS = {"patterns": list, "variables": list, "escalate": str}
ESCALATIONS = ("phrase", "deny")
ALLOW_KEYS = {"rule": str, "command": str, "reason": str}
SETTINGS_KEYS = {"confirm_timeout": int, "hook_confirm": str, "approval_ttl": int,
                 "approval_wait": int, "on_keepable": (str, dict), "undo": dict, "syslog": bool,
                 "syslog_facility": str, "syslog_ident": str, "syslog_socket": str}
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$"


class ConfigError(Exception):
    """One or more problems in rules files; str() is the full report."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class Matcher(Record):
    """One [[rule.match]] table. Regular expressions are kept as text (checked
    when the file is read) and compiled through re's cache when first used."""

    __slots__ = _fields = ("program", "subcommand", "flags", "all_flags", "not_flags", "options",
                           "not_options", "args", "not_args", "targets", "effects", "min_args", "env",
                           "destination", "verbs", "objects", "harmless", "unknown_program", "not_program", "keep")

    def __init__(self, program=(), subcommand=(), flags=frozenset(), all_flags=frozenset(),
                 not_flags=frozenset(), options=None, not_options=None, args=None, not_args=None,
                 targets=frozenset(), effects=(), min_args=0, env=None, destination=frozenset(),
                 verbs=frozenset(), objects=(), harmless=(), unknown_program=False, not_program=(), keep=()):
        self.program = tuple(program)
        self.subcommand = tuple(tuple(s) for s in subcommand)
        self.flags = frozenset(flags)
        self.all_flags = frozenset(all_flags)
        self.not_flags = frozenset(not_flags)
        self.options: dict[str, str] = options or {}
        self.not_options: dict[str, str] = not_options or {}
        self.args: str | None = args
        self.not_args: str | None = not_args
        self.targets = frozenset(targets)
        self.effects = tuple(effects)
        self.min_args = min_args
        self.env: dict[str, str] = env or {}
        self.destination = frozenset(destination)  # classes the last argument (cp's target) may have
        # A subcommand path (the leading words that are not options) holding one
        # of these verbs, as a word or a part of one (`delete-bucket`, `db:drop`)...
        self.verbs = frozenset(verbs)
        # ...and, when given, one of these objects (globs) among its words.
        self.objects = tuple(objects)
        # Known-harmless readings, each (programs, verbs, words, reason): a hit
        # whose program, verb and path words all fit one of them does not match.
        self.harmless = tuple(tuple(tuple(x) if isinstance(x, (list, tuple)) else x for x in h)
                              for h in harmless)
        self.unknown_program = unknown_program  # only programs no other rule or [program] names
        self.not_program = frozenset(not_program)  # programs this matcher never applies to (globs allowed)
        self.keep = tuple(keep)  # KEEP_KINDS that can keep what it destroys, the first that applies wins


class Rule(Record):
    __slots__ = _fields = ("id", "reason", "action", "matchers", "alternative", "examples_match",
                           "examples_allow", "examples_todo", "source", "line")

    def __init__(self, id, reason, action, matchers, alternative="", examples_match=(),
                 examples_allow=(), examples_todo=(), source="", line=0):
        self.id = id
        self.reason = reason
        self.action = action
        self.matchers: list[Matcher] = list(matchers)
        self.alternative = alternative
        self.examples_match = list(examples_match)
        self.examples_allow = list(examples_allow)
        self.examples_todo = list(examples_todo)
        self.source = source
        self.line = line

    def to_data(self) -> tuple:
        """Plain data for the rules cache (marshal)."""
        return tuple([m.to_data() for m in self.matchers] if f == "matchers" else getattr(self, f)
                     for f in self._fields)

    @classmethod
    def from_data(cls, data: tuple) -> Rule:
        rule = cls(*data)
        rule.matchers = [Matcher(*m) for m in rule.matchers]
        return rule


class AllowEntry(Record):
    __slots__ = _fields = ("rule", "command", "reason", "source", "line")

    def __init__(self, rule: str, command: str, reason: str, source: str, line: int):
        self.rule = rule
        self.command = command  # a regular expression over the command as run
        self.reason = reason
        self.source = source
        self.line = line


class RuleFile:
    """One parsed file, before layering."""

    def __init__(self, path: str):
        self.path = path
        self.programs: dict[str, ProgramSpec] = {}
        self.rules: list[Rule] = []
        self.disable: list[tuple[str, int]] = []
        self.actions: dict[str, tuple[str, int]] = {}
        self.allow: list[AllowEntry] = []
        self.settings: dict = {}
        self.production: dict = {}  # what makes a target look like production


class _Lines:
    """Finds the line of a key in the TOML text, for error messages
    (tomllib reports syntax errors with positions but not semantic ones)."""

    def __init__(self, text: str):
        import re

        self.keys: dict[tuple, int] = {}
        self.headers: dict[tuple, int] = {}
        counts: dict[str, int] = {}
        table: tuple = ()
        header = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
        keyline = re.compile(r'^\s*("[^"]+"|\'[^\']+\'|[A-Za-z0-9_.\-]+)\s*=')
        for n, line in enumerate(text.splitlines(), 1):
            m = header.match(line)
            if m:
                name = m.group(2).replace('"', "").replace("'", "")
                if m.group(1) == "[[":
                    if name == "rule":
                        counts["rule"] = counts.get("rule", -1) + 1
                        counts.pop("rule.match", None)
                        table = ("rule", counts["rule"])
                    elif name == "rule.match":
                        counts["rule.match"] = counts.get("rule.match", -1) + 1
                        counts.pop("rule.match.harmless", None)
                        table = ("rule", counts.get("rule", 0), "match", counts["rule.match"])
                    elif name == "rule.match.harmless":
                        counts[name] = counts.get(name, -1) + 1
                        table = ("rule", counts.get("rule", 0), "match", counts.get("rule.match", 0),
                                 "harmless", counts[name])
                    else:
                        counts[name] = counts.get(name, -1) + 1
                        table = (name, counts[name])
                else:
                    table = tuple(name.split(".", 1)) if name.startswith(("program.", "settings.")) else (name,)
                self.headers.setdefault(table, n)
                continue
            m = keyline.match(line)
            if m:
                key = m.group(1).strip("\"'")
                self.keys.setdefault(table + (key.split(".")[0],), n)
                self.keys.setdefault(table + (key,), n)

    def of(self, *where) -> int:
        for k in range(len(where), 0, -1):
            if where[:k] in self.keys:
                return self.keys[where[:k]]
            if where[:k] in self.headers:
                return self.headers[where[:k]]
        return 1


def parse_file(path: str, text: str, *, user: bool) -> RuleFile:
    """Parse and check one rules file; raise ConfigError listing every problem."""
    import re

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = m.group(1) if m else str(max(1, len(text.splitlines())))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        msg = msg.replace(" (at end of document)", " at the end of the file")
        raise ConfigError([f"{path}:{line}: TOML syntax: {msg}"]) from None
    lines = _Lines(text)
    problems: list[str] = []
    out = RuleFile(path)

    def problem(line: int, msg: str) -> None:
        problems.append(f"{path}:{line}: {msg}")

    _check_keys(data, TOP_KEYS, lambda k: lines.of(k), problem, "")
    for name, spec in (data.get("program") or {}).items():
        where = ("program", name)
        if not isinstance(spec, dict):
            problem(lines.of(*where), f"program '{name}': expected a table")
            continue
        _check_keys(spec, PROGRAM_KEYS, lambda k, w=where: lines.of(*w, k), problem,
                    f"program '{name}': ")
        reads = spec.get("reads")
        if reads is not None and reads not in READERS:
            problem(lines.of(*where, "reads"),
                    f"program '{name}': key 'reads': unknown reader {reads!r}{_did_you_mean(reads, READERS)}")
        dialect = spec.get("dialect", "postgres")
        if dialect not in DIALECTS:
            problem(lines.of(*where, "dialect"),
                    f"program '{name}': key 'dialect': unknown dialect {dialect!r}{_did_you_mean(dialect, DIALECTS)}")
        out.programs[name] = ProgramSpec(
            value_options=frozenset(_strings(spec.get("value_options", []))),
            reads=reads, content_options=tuple(_strings(spec.get("content_options", []))),
            content_file_options=tuple(_strings(spec.get("content_file_options", []))),
            content_arg=spec.get("content_arg", 0) if isinstance(spec.get("content_arg", 0), int) else 0,
            content_stdin=bool(spec.get("content_stdin", False)), dialect=dialect,
            stdin_marker=str(spec.get("stdin_marker", "")),
            single_dash_long=bool(spec.get("single_dash_long", False)),
            script_file=bool(spec.get("script_file", False)),
            behaves_as=str(spec.get("behaves_as", "")), interactive=bool(spec.get("interactive", False)),
            batch_options=tuple(_strings(spec.get("batch_options", []))),
            interactive_options=tuple(_strings(spec.get("interactive_options", []))),
            batch_positionals=spec.get("batch_positionals", 1) if isinstance(spec.get("batch_positionals", 1), int) else 1,
            shell_setup=tuple(_strings(spec.get("shell_setup", []))))
    for i, raw in enumerate(data.get("rule") or []):
        rule = _parse_rule(raw, i, lines, problem)
        if rule:
            rule.source = path
            out.rules.append(rule)
    for value in _list(data.get("disable", [])):
        out.disable.append((str(value), lines.of("disable")))
    for rid, action in (data.get("actions") or {}).items():
        if action not in ACTIONS:
            problem(lines.of("actions", rid),
                    f"actions: rule '{rid}': action must be one of {', '.join(ACTIONS)}, not {action!r}")
        out.actions[rid] = (action, lines.of("actions", rid))
    for j, entry in enumerate(data.get("allow") or []):
        where = ("allow", j)
        if not isinstance(entry, dict):
            problem(lines.of(*where), "allow: each entry must be a table")
            continue
        _check_keys(entry, ALLOW_KEYS, lambda k, w=where: lines.of(*w, k), problem, "allow: ")
        missing = [k for k in ("rule", "command", "reason") if not entry.get(k)]
        if missing:
            problem(lines.of(*where), f"allow: entry needs {', '.join(repr(k) for k in missing)} "
                                      "(a rule id, a regular expression for the command, and why)")
            continue
        pattern = _regex(entry["command"], lambda msg, w=where: problem(lines.of(*w, "command"), f"allow: key 'command': {msg}"))
        if pattern:
            out.allow.append(AllowEntry(entry["rule"], pattern, entry["reason"], path, lines.of(*where)))
    settings = data.get("settings") or {}
    _check_keys(settings, SETTINGS_KEYS, lambda k: lines.of("settings", k), problem, "settings: ")
    hook_confirm = settings.get("hook_confirm")
    if isinstance(hook_confirm, str) and hook_confirm not in HOOK_CONFIRM:
        problem(lines.of("settings", "hook_confirm"),
                f"settings: key 'hook_confirm': must be one of {', '.join(HOOK_CONFIRM)}, not "
                f"{hook_confirm!r}{_did_you_mean(hook_confirm, HOOK_CONFIRM)}")
    _check_keeping_settings(settings, lambda *k: lines.of("settings", *k), problem)
    _check_syslog(settings, lambda k: lines.of("settings", k), problem)
    out.settings = settings
    production = data.get("production") or {}
    if isinstance(production, dict):
        _check_keys(production, PRODUCTION_KEYS, lambda k: lines.of("production", k), problem, "production: ")
        for pattern in _strings(production.get("patterns", [])):
            _regex(pattern, lambda msg: problem(lines.of("production", "patterns"), f"production: key 'patterns': {msg}"))
        if production.get("escalate", "phrase") not in ESCALATIONS:
            problem(lines.of("production", "escalate"), f"production: key 'escalate': must be one of "
                                                       f"{', '.join(ESCALATIONS)}, not {production.get('escalate')!r}")
        out.production = production
    if not user and (out.disable or out.actions or out.allow):
        problem(1, "a rule pack may only define programs and rules")
    _check_duplicates(out.rules, problem)
    if problems:
        raise ConfigError(problems)
    return out


def _parse_rule(raw, i: int, lines: _Lines, problem) -> Rule | None:
    where = ("rule", i)
    if not isinstance(raw, dict):
        problem(lines.of(*where), "rule: expected a table")
        return None
    rid = raw.get("id")
    label = f"rule '{rid}': " if isinstance(rid, str) else f"rule #{i + 1}: "
    _check_keys(raw, RULE_KEYS, lambda k: lines.of(*where, k), problem, label)
    for key in ("id", "reason", "action", "match"):
        if key not in raw:
            problem(lines.of(*where), f"{label}missing key '{key}'")
    if not isinstance(rid, str):
        return None
    import re

    if not re.match(_ID, rid):
        problem(lines.of(*where, "id"),
                f"{label}key 'id': must be 'family.kebab-name' in lower case, like 'git.push-force'")
    action = raw.get("action")
    if action is not None and action not in ACTIONS:
        problem(lines.of(*where, "action"),
                f"{label}key 'action': must be one of {', '.join(ACTIONS)}, not {action!r}{_did_you_mean(str(action), ACTIONS)}")
    matchers = []
    for j, m in enumerate(_list(raw.get("match", []))):
        mw = where + ("match", j)
        if not isinstance(m, dict):
            problem(lines.of(*mw), f"{label}match: expected a table")
            continue
        matchers.append(_parse_matcher(m, lambda k, *more, mw=mw: lines.of(*mw, k, *more), problem, label))
    if "match" in raw and not matchers:
        problem(lines.of(*where), f"{label}key 'match': needs at least one [[rule.match]] table")
    examples = raw.get("examples") or {}
    if isinstance(examples, dict):
        _check_keys(examples, EXAMPLE_KEYS, lambda k: lines.of(*where, "examples"), problem,
                    f"{label}examples: ")
    else:
        examples = {}
    return Rule(id=rid, reason=str(raw.get("reason", "")), action=str(action or "confirm"),
                matchers=matchers, alternative=str(raw.get("alternative", "")),
                examples_match=_strings(examples.get("match", [])),
                examples_allow=_strings(examples.get("allow", [])),
                examples_todo=_strings(examples.get("todo", [])),
                line=lines.of(*where))


def _parse_matcher(m: dict, line_of, problem, label: str) -> Matcher:
    _check_keys(m, MATCH_KEYS, line_of, problem, label + "match: ")

    def regex(key):
        if key in m and isinstance(m[key], str):
            return _regex(m[key], lambda msg: problem(line_of(key), f"{label}key '{key}': {msg}"))
        return None

    targets = _strings(m.get("targets", []))
    destination = _strings(m.get("destination", []))
    for key, classes in (("targets", targets), ("destination", destination)):
        for t in classes:
            if t not in CLASSES:
                problem(line_of(key), f"{label}key '{key}': unknown class {t!r}"
                                      f"{_did_you_mean(t, CLASSES)} (classes: {', '.join(CLASSES)})")
    def regex_table(key):
        table = {}
        for name, pat in (m.get(key) or {}).items():
            compiled = _regex(str(pat), lambda msg, n=name: problem(line_of(key), f"{label}{key} '{n}': {msg}"))
            if compiled:
                table[name] = compiled
        return table
    harmless = []
    for n, h in enumerate(_list(m.get("harmless", []))):
        if not isinstance(h, dict):
            problem(line_of("harmless"), f"{label}key 'harmless': entry {n + 1} must be a table "
                                         "like {verbs = [\"remove\"], words = [\"container\"], reason = \"...\"}")
            continue
        _check_keys(h, HARMLESS_KEYS, lambda k, n=n: line_of("harmless", n, k), problem,
                    f"{label}harmless entry {n + 1}: ")
        if not h.get("reason"):
            problem(line_of("harmless", n), f"{label}key 'harmless': entry {n + 1} needs a 'reason' "
                                            "(why this reading is safe)")
        if not any(h.get(k) for k in ("programs", "verbs", "words")):
            problem(line_of("harmless", n), f"{label}key 'harmless': entry {n + 1} needs 'programs', "
                                         "'verbs' or 'words' (what makes the reading harmless)")
        harmless.append((tuple(_strings(h.get("programs", []))), tuple(_strings(h.get("verbs", []))),
                         tuple(_strings(h.get("words", []))), str(h.get("reason", ""))))
    if (m.get("objects") or harmless) and not m.get("verbs"):
        problem(line_of("objects" if m.get("objects") else "harmless"),
                f"{label}match: 'objects' and 'harmless' qualify 'verbs', which is missing")
    if m.get("unknown_program") and m.get("program") not in ("*", ["*"]):
        problem(line_of("unknown_program"), f"{label}key 'unknown_program': goes with program = \"*\"")
    for verb in _strings(m.get("verbs", [])):
        if not verb.isalnum() or verb != verb.lower():
            problem(line_of("verbs"), f"{label}key 'verbs': {verb!r} must be one lower-case word "
                                      "(parts of `delete-bucket` or `db:drop` are matched one by one)")
    keep = _strings(m.get("keep", []))
    for kind in keep:
        if kind not in KEEP_KINDS:
            problem(line_of("keep"), f"{label}key 'keep': unknown way to keep {kind!r}"
                                     f"{_did_you_mean(kind, KEEP_KINDS)} (one of {', '.join(KEEP_KINDS)})")
    if not any(k in m for k in ("program", "effects")):
        problem(line_of("program"), f"{label}match: needs 'program' or 'effects'")
    if m.get("effects"):
        from ..effects import KINDS, known  # read only when a file is parsed, not from the cache

        for pattern in _strings(m["effects"]):
            if not known(pattern):
                problem(line_of("effects"), f"{label}key 'effects': no analyser reports {pattern!r}"
                                            f"{_did_you_mean(pattern, list(KINDS))} (the kinds are listed in "
                                            "guardsh/effects.py)")
    return Matcher(
        program=tuple(_strings(m.get("program", []))),
        subcommand=tuple(tuple(s.split()) for s in _strings(m.get("subcommand", []))),
        flags=frozenset(_strings(m.get("flags", []))),
        all_flags=frozenset(_strings(m.get("all_flags", []))),
        not_flags=frozenset(_strings(m.get("not_flags", []))),
        options=regex_table("options"), not_options=regex_table("not_options"),
        args=regex("args"), not_args=regex("not_args"),
        targets=frozenset(targets), effects=tuple(_strings(m.get("effects", []))),
        min_args=m.get("min_args", 0) if isinstance(m.get("min_args", 0), int) else 0,
        env=regex_table("env"), destination=frozenset(destination),
        verbs=frozenset(_strings(m.get("verbs", []))), objects=tuple(_strings(m.get("objects", []))),
        harmless=tuple(harmless), unknown_program=bool(m.get("unknown_program", False)),
        not_program=tuple(_strings(m.get("not_program", []))),
        keep=tuple(k for k in keep if k in KEEP_KINDS))


def _check_keeping_settings(settings: dict, line_of, problem) -> None:
    """[settings] on_keepable (a word, or a table of rule id / keep kind / default -> word)
    and [settings.undo] (the limits)."""
    import re

    on_keepable = settings.get("on_keepable")
    choices = on_keepable.items() if isinstance(on_keepable, dict) else (
        [(None, on_keepable)] if isinstance(on_keepable, str) else [])
    for key, value in choices:
        where = ("on_keepable",) + ((key,) if key else ())
        label = f"settings: key 'on_keepable{'.' + key if key else ''}'"
        if value not in ON_KEEPABLE:
            problem(line_of(*where), f"{label}: must be one of {', '.join(ON_KEEPABLE)}, not {value!r}"
                                     f"{_did_you_mean(str(value), ON_KEEPABLE)}")
        if key is not None and key != "default" and key not in KEEP_KINDS and not re.match(_ID, key):
            problem(line_of(*where), f"{label}: name a rule id (git.discard-changes), a way to keep "
                                     f"({', '.join(KEEP_KINDS)}) or 'default'")
    undo = settings.get("undo")
    if isinstance(undo, dict):
        _check_keys(undo, UNDO_KEYS, lambda k: line_of("undo", k), problem, "settings.undo: ")
        for key, value in undo.items():
            if key in UNDO_KEYS and key != "local_postgres" and isinstance(value, (int, float)) and value < 0:
                problem(line_of("undo", key), f"settings.undo: key '{key}': must not be negative")
        for server in _list(undo.get("local_postgres", [])):
            if not isinstance(server, str) or not re.match(r"^[^:\s]+:\d+$", server):
                problem(line_of("undo", "local_postgres"), "settings.undo: key 'local_postgres': each entry is "
                                                          f"\"host:port\" of a local development server, not {server!r}")


def _check_syslog(settings: dict, line_of, problem) -> None:
    """syslog_facility is a facility's name, syslog_ident one word as syslog
    tags are, syslog_socket an absolute path (tests point it at their own)."""
    from ..system_log import FACILITIES

    facility, ident, socket = (settings.get(k) for k in ("syslog_facility", "syslog_ident", "syslog_socket"))
    if isinstance(facility, str) and facility not in FACILITIES:
        problem(line_of("syslog_facility"), f"settings: key 'syslog_facility': must be one of "
                                            f"{', '.join(FACILITIES)}, not {facility!r}{_did_you_mean(facility, FACILITIES)}")
    if isinstance(ident, str) and not (0 < len(ident) <= 32 and ident.isprintable()
                                       and not any(c in ident for c in " [:")):
        problem(line_of("syslog_ident"), f"settings: key 'syslog_ident': must be 1-32 printable characters "
                                         f"without spaces, '[' or ':', not {ident!r}")
    if isinstance(socket, str) and not socket.startswith("/"):
        problem(line_of("syslog_socket"), f"settings: key 'syslog_socket': must be an absolute path, not {socket!r}")


def _check_keys(table: dict, allowed: dict, line_of, problem, label: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            problem(line_of(key), f"{label}unknown key '{key}'{_did_you_mean(key, allowed)}")
            continue
        want = allowed[key]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            names = " or ".join(t.__name__ for t in (want if isinstance(want, tuple) else (want,)))
            problem(line_of(key), f"{label}key '{key}': expected {_type_word(names)}, "
                                  f"got {_type_word(type(value).__name__)} {value!r}")


def _check_duplicates(rules: list[Rule], problem) -> None:
    seen: dict[str, int] = {}
    for r in rules:
        if r.id in seen:
            problem(r.line, f"rule '{r.id}': duplicate id (first defined at line {seen[r.id]})")
        else:
            seen[r.id] = r.line


def _regex(pattern: str, report) -> str | None:
    """The pattern, once it is known to compile; None (reported) if not."""
    import re

    try:
        re.compile(pattern)
    except re.error as e:
        report(f"bad regular expression {pattern!r}: {e}")
        return None
    return pattern


def _did_you_mean(word: str, options) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_word(name: str) -> str:
    return {"str": "a string", "list": "a list", "dict": "a table", "int": "an integer",
            "bool": "true or false", "float": "a number", "str or list": "a string or a list",
            "datetime": "a date"}.get(name, name)


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _strings(value) -> list[str]:
    return [str(v) for v in _list(value)]
