"""Can what a line would destroy be kept first? The policy's half of the
`snapshot` outcome.

Each blocking match's [[rule.match]] says in `keep` how its kind of loss can be
kept (schema.KEEP_KINDS); this module finds exactly what the command would
destroy from its words and where it runs (the files, the repository, the
database file, the server's tables) and answers no, with the reason, for
anything outside the project, in the home or the system, remote, in a
container or run as another user, named only at run time, or set to `confirm`
by the user. It reads no file: whether the things exist and fit the limits is
the snapshot engine's plan() (outcome/snapshot), asked by the gate and `check`.

A copy taken before the line runs is an undo only if what it keeps is exactly
what the line destroys. So, besides every blocking match being keepable, the
line as a whole must pass three checks (`_line_changes_what_is_kept`):

1. Nothing else on the line changes the file system before the destruction.
   Every command that runs before the last kept destruction (or may run
   alongside or after-and-again: when the line has a pipe, `&`, a loop, a
   function, trap, coproc, a process or command substitution, every command on
   the line counts) must be one that certainly writes nothing: a program of
   READ_ONLY_PROGRAMS (or a read-only git subcommand), with no effect found by
   the analysers and no redirection into a file other than /dev/null. Anything
   else (`echo x > data/f`, `mv data data.old`, `ln -s ../outside data`,
   `mkdir trash`, `python ...`, a program guardsh does not know) makes the line
   `confirm`: guardsh cannot bound its writes, and a write at, inside or above
   a kept path would make the copy (or a hard link sharing the inode) differ
   from what is destroyed. A kept command that overwrites in place counts as
   such a write for the kept destructions after it whose paths overlap it.
   Commands after the last kept destruction on a line with none of those
   constructs are free: they run on what is left (`git clean -fd && npm test`);
   they are judged as they would be alone (a blocked one makes the whole line
   asked about, as every match must be keepable). A kept command's own
   redirection into what a hard link keeps (`rm -rf data 2> data/log`) counts
   as a write before it. Setting, anywhere on the line, what changes where a
   kept path or repository resolves (GIT_DIR and git's other repository
   variables, GLOBIGNORE, shopt -s dotglob/nocaseglob/globstar) also asks.
2. No kept path holds guardsh's own undo store for another part of the line:
   a repository's .git (or a directory above the repository) when the line
   also keeps git state there, or guardsh's data directory.
3. Per kind: `git clean` forced twice (-ff) removes nested repositories, which
   the git snapshot does not keep: asked about.
"""

from __future__ import annotations

import os
import re

from ..argv import parse_args, read_args
from ..model import DYN, Command, Keep, ProgramSpec, Word
from ..paths import data_dir
from ..targets import classify
from ..textmatch import glob_match
from .match import Context, Match

# Path classes guardsh can keep: inside the project and not regenerable build
# output (artifact, tmp and null paths are not what made a rule block).
KEEPABLE_CLASSES = frozenset({"project", "data", "vcs", "project-root"})
# What a class is, in the reason a line is asked about instead of kept.
_CLASS_WORDS = {"dynamic": "only known at run time", "guard": "guardsh's own or an agent's hook settings",
                "guard-holder": "a folder holding guardsh's own or an agent's hook settings",
                "root": "the whole file system", "device": "a device", "system": "a system path",
                "home": "in your home directory, outside the project", "outside": "outside the project"}
# Wrappers that run the command on this machine, as this user, where the reader
# thinks it runs, with the words the reader read. Everything else may destroy
# something other than what guardsh would keep: ssh, docker exec, sudo, env -C,
# chroot run elsewhere or as another user, and find/xargs/parallel pass names
# the reader only approximates (`find . ! -name keep -delete`).
LOCAL_VIA = frozenset({"bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "yash", "time", "nice", "nohup",
                       "timeout", "stdbuf", "ionice", "setsid", "command", "builtin", "exec", "then",
                       "unbuffer", "flock", "chrt", "taskset", "eval"})
# Programs whose point is that no copy survives: keeping one would defeat them.
SECURE_DELETERS = frozenset({"shred", "srm", "wipe"})
# Variables that make git act on another repository, index or work tree.
GIT_ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                 "GIT_NAMESPACE")
# SQLite words that reach another database file than the one named.
_SQLITE_ELSEWHERE = re.compile(r"\battach\b|^\s*\.(?:open|restore|read|clone|backup|save)\b", re.I | re.M)
# psql words that change which database, schema or role a statement reaches, or
# read SQL guardsh has not seen (\i FILE).
_PSQL_ELSEWHERE = re.compile(r"\\(?:c|connect|i|ir|include|include_relative)\b|search_path|\bset\s+(?:session\s+)?role\b",
                             re.I)
# PostgreSQL effects and what of the server they destroy.
_PG_TABLE_EFFECTS = ("sql.drop-table", "sql.truncate", "sql.delete-all", "sql.update-all", "sql.alter-drop")


def keeps_for(matches: list[Match], ctx: Context, settings: dict, programs: dict[str, ProgramSpec],
              commands: list[Command] | None = None, line: str | None = None) -> tuple[list[Keep], str | None]:
    """(what to keep, None) when every match's loss can be kept, the rest of
    the line (`commands`, read from `line`) changes none of it first, and the
    user wants it kept; else ([], why not). Without `commands` every match's
    command is taken to be the whole line."""
    if not matches:
        return [], "nothing to keep"
    if not ctx.project or ctx.project in ("/", ctx.home):
        return [], "the line runs outside any project (in / or the home directory)"
    keeps: list[Keep] = []
    for m in matches:
        built = _keep_one(m, ctx, settings, programs)
        if isinstance(built, str):
            return [], f"{m.rule.id}: {built}"
        choice = _on_keepable(settings, m.rule.id, built.kind)
        if choice != "snapshot":
            return [], (f"{m.rule.id}: your settings (on_keepable) say to ask rather than keep a copy "
                        f"({built.kind})")
        keeps.append(built)
    why = _line_changes_what_is_kept(matches, keeps, commands, line, programs)
    if why:
        return [], why
    return merge(keeps), None


# Programs that write nothing to the file system (given no redirection into a
# file): shell builtins that only change the shell's own state, and readers.
# A program missing here is one whose writes guardsh does not bound.
READ_ONLY_PROGRAMS = frozenset({
    "cd", "pushd", "popd", "pwd", "echo", "printf", "true", "false", ":", "test", "[", "[[", "ls", "cat",
    "head", "tail", "wc", "grep", "egrep", "fgrep", "which", "type", "command", "hash", "set", "shopt",
    "export", "declare", "typeset", "local", "readonly", "unset", "alias", "unalias", "source", ".", "eval",
    "sleep", "date", "id", "whoami", "uname", "basename", "dirname", "realpath", "readlink", "stat", "du", "df",
    "exit", "return", "break", "continue", "shift", "printenv", "diff", "cmp", "nproc",
    "builtin", "caller", "getopts", "let", "read", "mapfile",
    "readarray", "dirs", "jobs", "times", "ulimit", "complete", "compgen", "compopt",
    "dircolors", "tr", "cut", "seq", "tty", "tput", "locale", "getconf", "expr", "md5sum", "sha1sum", "sha256sum",
    "base64", "base32",
})
# Options that make one of those write a file after all (BSD base64 -o FILE).
_OUTPUT_OPTIONS = re.compile(r"^(?:-o|--output)")
# Options of a read-only git subcommand that write a file or run a program.
_GIT_WRITING_OPTIONS = re.compile(r"^(?:--output|-O|--open-files-in-pager|--ext-diff)")
# Names that change what a kept path or repository resolves to when set earlier
# on the line: git's repository variables, the glob options that widen what a
# pattern matches beyond what guardsh expands (dot files, case, `**`).
_RESOLUTION_NAMES = re.compile(r"\b(?:GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_COMMON_DIR|"
                               r"GIT_NAMESPACE|GLOBIGNORE|dotglob|nocaseglob|globstar)\b")
_SETS_NAMES = frozenset({"export", "declare", "typeset", "readonly", "local", "set", "let", "read", "mapfile",
                         "readarray", "printf", "eval", "source", "."})
# git subcommands that leave files, refs and the index as they are.
READ_ONLY_GIT = frozenset({"status", "log", "diff", "show", "rev-parse", "ls-files", "describe", "blame",
                           "shortlog", "grep", "ls-tree", "cat-file", "rev-list", "whatchanged", "help", "version"})
# What makes a line's commands run in another order than the reader lists
# them, alongside each other, or more than once: a pipe, `&`, a loop, a
# function, trap, coproc, a process or command substitution.
_SEQUENCE_OPERATORS = re.compile(r"&&|\|\||[0-9]*[<>]&[0-9-]*|&>>?|>\|")
_UNORDERED = re.compile(r"[|&]|[<>]\(|\$\(|`|\(\s*\)|\b(?:for|while|until|select|function|coproc|trap)\b")
# Redirection targets that are no file on disk.
_NOT_A_FILE = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})


def _line_changes_what_is_kept(matches: list[Match], keeps: list[Keep], commands: list[Command] | None,
                               line: str | None, programs) -> str | None:
    """Why a copy taken before the line would not be what it destroys (the
    module's three checks), or None."""
    kept_paths = [p for k in keeps for p in k.paths]
    store = data_dir()
    for k in keeps:
        for p in k.paths:
            if _overlaps(p, store):
                return f"{p} holds guardsh's own snapshots"
    for repo in (k.paths[0] for k in keeps if k.kind == "git"):
        for k in keeps:
            if k.kind == "git":
                continue
            for p in k.paths:
                if ".git" in p.split("/") or _inside(repo, p):
                    return (f"the line also deletes {p}, which holds the repository's git data, where guardsh "
                            "keeps its git snapshot")
    if line is not None and _RESOLUTION_NAMES.search(line):
        return (f"the line names {_RESOLUTION_NAMES.search(line)[0]}, which changes what a kept path or "
                "repository resolves to")
    if not commands:
        return None
    for c in commands:
        words = [w.text for w in c.args]
        sets = (c.name == "shopt" and "-s" in words) or c.name in _SETS_NAMES or not c.argv
        if sets and any(_RESOLUTION_NAMES.search(t) for t in words + list(c.assigns)):
            return f"`{c.display()[:80]}` changes what a kept path or repository resolves to"
    kept = {id(m.command) for m in matches}
    order = [i for i, c in enumerate(commands) if id(c) in kept]
    last = max(order) if order else -1
    ordered = line is not None and not _UNORDERED.search(_SEQUENCE_OPERATORS.sub(" ", line))
    by_command = {id(m.command): k for m, k in zip(matches, keeps)}
    # A kept command's own redirections are opened before it runs: one into
    # what a hard link keeps would change the kept inode (`rm -rf data 2> data/log`).
    linked = [p for k in keeps if k.kind == "paths-unlink" for p in k.paths]
    for c in commands:
        if id(c) in kept:
            for target in _written_files(c):
                if DYN in target or any(_overlaps(target, p) for p in linked):
                    where = "a file only known at run time" if DYN in target else target
                    return f"`{c.display()[:80]}` writes {where} before what is kept there is destroyed"
    for i, c in enumerate(commands):
        if ordered and i >= last:
            break
        if id(c) in kept:
            k = by_command[id(c)]
            if k.kind == "paths-overwrite" and i != last:
                later = [p for p in kept_paths if p not in k.paths]
                if any(_overlaps(p, q) for p in k.paths for q in later) or any(x.kind == "git" for x in keeps):
                    return (f"`{c.display()}` overwrites what a later command on the line destroys; a copy "
                            "taken first would not be what is destroyed")
            continue
        if _may_write(c, programs):
            return (f"`{c.display()[:80]}` may change the file system before (or while) what is kept is "
                    "destroyed, so a copy taken before the line would not be what the line destroys")
    return None


def _inside(path: str, directory: str) -> bool:
    """path is directory or below it."""
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _overlaps(a: str, b: str) -> bool:
    return _inside(a, b) or _inside(b, a)


def _written_files(cmd: Command) -> list[str]:
    """The files its redirections open for writing, as absolute paths (DYN
    inside when only known at run time)."""
    out = []
    for r in cmd.redirects:
        if r.op.startswith("<") and r.op != "<>":
            continue
        target = r.target.text if r.target is not None else ""
        if r.target is None or target in _NOT_A_FILE or re.fullmatch(r"[0-9]*-?", target):
            continue  # 2>&1, >&-
        out.append(DYN if r.target.dynamic or cmd.cwd is None else os.path.join(cmd.cwd, target))
    return out


def _may_write(cmd: Command, programs) -> bool:
    """Can this command change a file? True unless it certainly cannot."""
    if any(not e.kind.startswith("secrets.") for e in cmd.effects):
        return True
    if _written_files(cmd):
        return True
    if not cmd.argv:
        return False  # an assignment
    if cmd.name == "git":
        spec = programs.get("git")
        _, i = parse_args(cmd.args, spec.value_options if spec else frozenset({"-C", "-c"}),
                          stop_at_first_positional=True)
        return (i >= len(cmd.args) or cmd.args[i].text not in READ_ONLY_GIT
                or any(_GIT_WRITING_OPTIONS.match(w.text) for w in cmd.args[i:]))
    if cmd.name in ("base64", "base32"):
        return any(_OUTPUT_OPTIONS.match(w.text) for w in cmd.args)
    return cmd.name not in READ_ONLY_PROGRAMS


def _keep_one(m: Match, ctx: Context, settings: dict, programs) -> Keep | str:
    cmd = m.command
    kinds = m.matcher.keep if m.matcher is not None else ()
    if not kinds:
        return "guardsh has no way to keep what this destroys"
    elsewhere = next((v for v in cmd.via if v.split()[0] not in LOCAL_VIA), None)
    if elsewhere:
        return f"it runs through `{elsewhere}`, elsewhere or as another user; guardsh keeps only local files"
    if cmd.cwd is None or DYN in cmd.cwd:
        return "the directory it runs in is only known at run time"
    for kind in kinds:
        builder, applies = _BUILDERS[kind]
        if applies(cmd, programs):
            return builder(m, ctx, settings, programs)
    return f"guardsh cannot keep what {cmd.name or 'this command'} changes"


def _on_keepable(settings: dict, rule_id: str, kind: str) -> str:
    value = settings.get("on_keepable", "snapshot")
    if isinstance(value, str):
        return value
    for key in (rule_id, kind, "default"):
        if key in value:
            return value[key]
    return "snapshot"


def _unkeepable_path(word: Word, cls: str) -> str:
    return f"{word} is {_CLASS_WORDS.get(cls, cls)}; guardsh keeps only paths inside the project"


def _paths(mode: str):
    def build(m: Match, ctx: Context, settings, programs) -> Keep | str:
        cmd = m.command
        if cmd.name in SECURE_DELETERS:
            return f"{cmd.name} is meant to leave no copy behind"
        if m.matcher.effects:  # what the analyser found: `> data.csv`, `sort f > f`
            words = [Word(e.target or DYN) for e in cmd.effects
                     if any(glob_match(e.kind, p) for p in m.matcher.effects)]
            blocking = m.matcher.targets or None  # an effect's path of these classes made it match
            # What the command itself names (an argument, a redirection): an effect's
            # target that is not one (crontab's table) is no file guardsh could keep.
            named = {w.text for w in cmd.args} | {r.target.text for r in cmd.redirects if r.target is not None}
            if any(w.text not in named for w in words):
                return "what it overwrites is not a file the command names"
        else:
            words = read_args(cmd, programs).positionals
            blocking = (m.matcher.targets | m.matcher.destination) or None
        paths, globs = [], []
        for word in words:
            cls = classify(word, cmd.cwd, ctx.project, ctx.home)
            if blocking is not None and cls not in blocking:
                continue  # build output, /tmp: not what made the rule block
            if word.dynamic or word.text.startswith("~"):
                return f"{word} names paths only known at run time"
            if cls not in KEEPABLE_CLASSES:
                return _unkeepable_path(word, cls)
            paths.append(os.path.join(cmd.cwd, word.text))
            globs.append(word.glob)
        if not paths:
            return "guardsh cannot tell which paths it destroys"
        return Keep(mode, tuple(paths), {"globs": tuple(globs), "project": ctx.project, "home": ctx.home})
    return build


def _git(m: Match, ctx: Context, settings, programs) -> Keep | str:
    cmd = m.command
    for var in GIT_ELSEWHERE:
        if var in cmd.assigns or os.environ.get(var):
            return f"{var} points git at another repository"
    spec = programs.get("git")
    parsed, i = parse_args(cmd.args, spec.value_options if spec else frozenset({"-C", "-c"}),
                           stop_at_first_positional=True)
    if parsed.flags & {"--git-dir", "--work-tree", "--namespace"}:
        return "--git-dir/--work-tree point git at another repository"
    repo = cmd.cwd
    for step in parsed.values.get("-C", []):
        if DYN in step:
            return "git -C names a directory only known at run time"
        repo = os.path.normpath(os.path.join(repo, step))
    if not (repo == ctx.project or repo.startswith(ctx.project.rstrip("/") + "/")):
        return f"the repository {repo} is outside the project"
    sub = cmd.args[i].text if i < len(cmd.args) else ""
    untracked, pathspecs = "untracked", ()
    if sub == "clean":
        if _force_count(cmd.args[i + 1:]) > 1:
            return ("git clean forced twice also removes nested repositories, with their commits and "
                    "work, which guardsh's git snapshot does not keep")
        args = read_args(cmd, programs)
        untracked = "all" if "-x" in args.flags else "ignored" if "-X" in args.flags else "untracked"
        words = args.positionals[1:]  # after `clean`
        if any(w.dynamic for w in words):
            return "git clean names paths only known at run time"
        pathspecs = tuple(w.text for w in words)
    # The whole local state is kept whatever the subcommand: the rest of the
    # line may first move work into what this command discards
    # (`git add -A && git reset --hard`, `git stash && git stash drop`).
    return Keep("git", (repo,), {"untracked": untracked, "pathspecs": pathspecs, "project": ctx.project,
                                 "home": ctx.home})


def _force_count(words: list[Word]) -> int:
    """How many times `git clean` is forced: -ff, -f -f, -fdf, --force --force."""
    n = 0
    for w in words:
        if w.text == "--":
            break
        if w.text == "--force":
            n += 1
        elif w.text.startswith("-") and not w.text.startswith("--"):
            n += w.text.count("f")
    return n


def _sqlite(m: Match, ctx: Context, settings, programs) -> Keep | str:
    cmd = m.command
    args = read_args(cmd, programs)
    if not args.positionals:
        return "no database file is named"
    db = args.positionals[0]
    if db.text in (":memory:", "") or db.text.startswith("file:"):
        return f"guardsh keeps SQLite databases named by a plain path, not {db}"
    cls = classify(db, cmd.cwd, ctx.project, ctx.home)
    if db.dynamic or cls not in KEEPABLE_CLASSES:
        return _unkeepable_path(db, cls)
    if cmd.stdin is not None and cmd.stdin.kind != "text" or "-init" in args.flags:
        return "its SQL comes from a file or another program; guardsh keeps SQLite files for SQL on the line"
    texts = [w.text for w in cmd.argv] + ([cmd.stdin.text or ""] if cmd.stdin is not None else [])
    if any(_SQLITE_ELSEWHERE.search(t) for t in texts):
        return "the SQL opens or attaches another database file"
    return Keep("sqlite", (os.path.join(cmd.cwd, db.text),))


def _postgres(m: Match, ctx: Context, settings, programs) -> Keep | str:
    cmd = m.command
    args = read_args(cmd, programs)

    def env(var: str) -> str | None:
        return cmd.assigns[var].text if var in cmd.assigns else os.environ.get(var)

    if env("PGSERVICE") or env("PGSERVICEFILE") or env("PGOPTIONS"):
        return "PGSERVICE/PGOPTIONS choose the server or the search path"
    if cmd.stdin is not None and cmd.stdin.kind != "text" or args.flags & {"-f", "--file"}:
        return "its SQL comes from a file or another program; guardsh keeps PostgreSQL objects for SQL on the line"
    texts = [w.text for w in cmd.argv] + ([cmd.stdin.text or ""] if cmd.stdin is not None else [])
    if any(_PSQL_ELSEWHERE.search(t) for t in texts):
        return "the SQL changes the database, schema search path or role it acts on"
    pos = [w.text for w in args.positionals]
    host = args.value("-h", "--host") or env("PGHOST")
    port = args.value("-p", "--port") or env("PGPORT") or "5432"
    database = args.value("-d", "--dbname") or (pos[0] if pos else None) or env("PGDATABASE")
    user = args.value("-U", "--username") or (pos[1] if len(pos) > 1 else None) or env("PGUSER")
    words = [w for w in (host, port, database, user) if w]
    if any(DYN in w or "=" in w or "://" in w for w in words):
        return "the server is named by a connection string or only known at run time"
    if not host:
        return "psql names no host; guardsh keeps PostgreSQL objects only on a server named by -h"
    declared = {s.lower() for s in (settings.get("undo") or {}).get("local_postgres", [])}
    if f"{host}:{port}".lower() not in declared:
        return (f"{host}:{port} is not declared a local development server (settings.undo.local_postgres); "
                "a port forwarded to production looks exactly like localhost")
    tables: list[str] = []
    schemas: list[str] = []
    whole = None
    for e in cmd.effects:
        if not any(glob_match(e.kind, p) for p in m.matcher.effects):
            continue
        if not e.target or DYN in e.target:
            return f"{e.kind} of an object only known at run time"
        if e.kind in _PG_TABLE_EFFECTS:
            tables.append(e.target)
        elif e.kind == "sql.drop-schema":
            schemas.append(e.target)
        elif e.kind == "sql.drop-database":
            whole = e.target
        else:
            return f"guardsh cannot keep what {e.kind} destroys"
    if whole is not None and (tables or schemas):
        return "the line drops a database and other objects"
    options = {"host": host, "port": int(port) if port.isdigit() else port, "database": whole or database,
               "user": user, "tables": tuple(tables), "schemas": tuple(schemas), "whole_database": whole is not None}
    if not options["database"] or not isinstance(options["port"], int):
        return "psql names no database or port guardsh can read"
    return Keep("postgres", (), options)


def _is_program(*names: str):
    return lambda cmd, programs: cmd.name in names


def _dialect(dialect: str):
    def applies(cmd: Command, programs) -> bool:
        spec = programs.get(cmd.name)
        return spec is not None and spec.reads == "sql" and spec.dialect == dialect
    return applies


_BUILDERS = {
    "git": (_git, _is_program("git")),
    "paths-unlink": (_paths("paths-unlink"), lambda cmd, programs: True),
    "paths-overwrite": (_paths("paths-overwrite"), lambda cmd, programs: True),
    "sqlite": (_sqlite, _dialect("sqlite")),
    "postgres": (_postgres, _is_program("psql")),
}


def merge(keeps: list[Keep]) -> list[Keep]:
    """One keep per repository, per database file and per server database;
    a path both unlinked and overwritten is copied."""
    out: list[Keep] = []
    git: dict[str, Keep] = {}
    for k in keeps:
        if k.kind == "git":
            seen = git.get(k.paths[0])
            if seen is None:
                git[k.paths[0]] = k
                out.append(k)
                continue
            a, b = seen.options, k.options
            seen.options = {**a, "untracked": a["untracked"] if a["untracked"] == b["untracked"] else "all",
                            "pathspecs": tuple(dict.fromkeys(a["pathspecs"] + b["pathspecs"]))
                            if a["pathspecs"] and b["pathspecs"] else ()}
        elif k.kind == "postgres":
            key = lambda o: (o["host"], o["port"], o["database"], o["user"], o["whole_database"])  # noqa: E731
            seen = next((s for s in out if s.kind == "postgres" and key(s.options) == key(k.options)), None)
            if seen is None:
                out.append(k)
            else:
                seen.options = {**seen.options, "tables": tuple(dict.fromkeys(seen.options["tables"] + k.options["tables"])),
                                "schemas": tuple(dict.fromkeys(seen.options["schemas"] + k.options["schemas"]))}
        elif k not in out:
            out.append(k)
    copied = {p for k in out if k.kind == "paths-overwrite" for p in k.paths}
    merged = []
    for k in out:
        if k.kind == "paths-unlink" and copied & set(k.paths):
            kept = [(p, g) for p, g in zip(k.paths, k.options["globs"]) if p not in copied]
            if not kept:
                continue
            k = Keep(k.kind, tuple(p for p, _ in kept), {**k.options, "globs": tuple(g for _, g in kept)})
        merged.append(k)
    return merged
