"""The data that flows through the pipeline: words, commands, effects.

parse -> unwrap -> analyse produce `Command`s; rules match them; `decide`
turns matches into a `Verdict`.
"""

from __future__ import annotations

# Stands in, inside a word's text, for a part only known at run time
# ($VAR, $(cmd), the arguments xargs will append, ...).
DYN = "\x00"

# The value of $(TOOL init) where TOOL's program table says that subcommand
# prints its own shell setup: unknown text, but no more than running TOOL.
SHELL_SETUP = DYN + "shell setup" + DYN


class Record:
    """A plain value object: compared and shown by the names in `_fields`.
    (dataclasses would cost every agent command ~10 ms of imports.)"""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and all(getattr(self, f) == getattr(other, f) for f in self._fields)

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._fields)})"

    def to_data(self) -> tuple:
        """The fields as a tuple: `type(self)(*data)` rebuilds it."""
        return tuple(getattr(self, f) for f in self._fields)


class Word(Record):
    __slots__ = _fields = ("text", "raw", "glob")

    def __init__(self, text: str, raw: str = "", glob: bool = False):
        self.text = text  # after quote removal; DYN marks run-time parts
        self.raw = raw  # as written on the command line
        self.glob = glob  # holds an unquoted *, ? or [ that the shell will expand

    @property
    def dynamic(self) -> bool:
        return DYN in self.text

    def __str__(self) -> str:
        return self.raw or self.text.replace(DYN, "$?")


class Redirect(Record):
    __slots__ = _fields = ("op", "target", "fd")

    def __init__(self, op: str, target: Word | None = None, fd: str | None = None):
        self.op = op  # '>', '>>', '>|', '&>', '<', '<<', '<<<', ...
        self.target = target  # the file, for file redirects
        self.fd = fd


class Stdin(Record):
    """What a command reads on standard input, as far as it can be known."""

    __slots__ = _fields = ("kind", "text", "path", "source")

    def __init__(self, kind: str, text: str | None = None, path: Word | None = None,
                 source: Command | None = None):
        self.kind = kind  # "text" (heredoc, here-string), "file", "command" (a pipe)
        self.text = text  # for "text": the content (DYN where dynamic)
        self.path = path  # for "file"
        self.source = source  # for "command": the writer of the pipe


class Effect(Record):
    """A fact an analyser found about what a command will do: `sql.drop-table`,
    `http.delete`, `shell.dynamic-command`. Rules match effects by kind."""

    __slots__ = _fields = ("kind", "target", "detail")

    def __init__(self, kind: str, target: str | None = None, detail: str = ""):
        self.kind = kind
        self.target = target  # what it acts on: a table, a URL, a path
        self.detail = detail  # the part of the command that shows it


class Keep(Record):
    """What guardsh would keep before a line destroys it, as the policy found it:
    `kind` is how (one of policy.keep.KEEP_KINDS), `paths` absolute paths (a
    repository, the files, a database file), `options` the rest (git's untracked
    mode, a server's connection). The outcome turns it into a snapshot target."""

    __slots__ = _fields = ("kind", "paths", "options")

    def __init__(self, kind: str, paths: tuple[str, ...] = (), options: dict | None = None):
        self.kind = kind
        self.paths = tuple(paths)
        self.options = options if options is not None else {}

    def as_json(self) -> dict:
        shown = {k: list(v) if isinstance(v, tuple) else v for k, v in self.options.items()
                 if k not in ("project", "home", "globs")}
        return {"kind": self.kind, "paths": list(self.paths), **shown}


class Command(Record):
    __slots__ = ("argv", "assigns", "redirects", "stdin", "via", "cwd", "effects", "memo", "name")
    _fields = __slots__[:-2]

    def __init__(self, argv: list[Word], assigns: dict[str, Word] | None = None,
                 redirects: list[Redirect] | None = None, stdin: Stdin | None = None,
                 via: tuple[str, ...] = (), cwd: str | None = None, effects: list[Effect] | None = None):
        self.argv = argv
        self.assigns = assigns if assigns is not None else {}
        self.redirects = redirects if redirects is not None else []
        self.stdin = stdin
        self.via = via  # the wrappers it runs inside: ("sudo", "bash -c")
        self.cwd = cwd  # where it runs, when `cd` on the line says so
        self.effects = effects if effects is not None else []
        self.memo: dict = {}  # parsed arguments, per rule set
        # The program's name as bash will look it up: `/bin/rm` -> `rm`.
        self.name = argv[0].text.rsplit("/", 1)[-1] if argv else ""

    @property
    def args(self) -> list[Word]:
        return self.argv[1:]

    def display(self) -> str:
        return " ".join(str(w) for w in self.argv) or " ".join(
            r.op + (str(r.target) if r.target else "") for r in self.redirects
        )


class Programs(dict):
    """The program tables (name -> ProgramSpec) and the identity of the rule
    files they came from: what the reader caches is only good for the same."""

    identity: str = ""


class ProgramSpec(Record):
    """How to read one program's arguments, and where its content comes from."""

    __slots__ = _fields = ("value_options", "reads", "content_options", "content_file_options",
                           "content_arg", "content_stdin", "dialect", "stdin_marker", "single_dash_long",
                           "script_file", "behaves_as", "interactive", "batch_options", "interactive_options",
                           "batch_positionals", "shell_setup")

    def __init__(self, value_options=frozenset(), reads=None, content_options=(), content_file_options=(),
                 content_arg=0, content_stdin=False, dialect="postgres", stdin_marker="",
                 single_dash_long=False, script_file=False, behaves_as="", interactive=False, batch_options=(),
                 interactive_options=(), batch_positionals=1, shell_setup=()):
        self.value_options = frozenset(value_options)
        self.reads = reads
        self.content_options = tuple(content_options)
        self.content_file_options = tuple(content_file_options)
        self.content_arg = content_arg  # 1-based position of a positional that is content (sqlite3 DB SQL)
        self.content_stdin = content_stdin
        self.dialect = dialect
        self.stdin_marker = stdin_marker  # a positional that means "read stdin" (python -)
        self.single_dash_long = single_dash_long  # `-destroy` is one option (Go's flag package)
        self.script_file = script_file  # with no inline code, the first positional is a program file to read
        self.behaves_as = behaves_as  # a clone judged as the program it copies: bfs -> find, ugrep -> grep
        # A reader of commands typed on a terminal (a REPL, a database shell)
        # when it gets nothing else to do: no option in batch_options, fewer
        # than batch_positionals positionals (0: positionals never make it a
        # batch run, as psql's DBNAME), or an option in interactive_options.
        self.interactive = interactive
        self.batch_options = tuple(batch_options)
        self.interactive_options = tuple(interactive_options)
        self.batch_positionals = batch_positionals
        # Subcommands ("init", "shell.bash hook"; "" = the program alone) whose
        # output is the tool's own shell setup, meant for eval "$(TOOL init)".
        self.shell_setup = tuple(shell_setup)
