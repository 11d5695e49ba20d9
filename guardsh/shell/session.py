"""The shell session that reads a line: parsing (tree-sitter, bashlex as a
fallback), functions, aliases, `cd`, wrappers, embedded lines, and the
hand-off of payloads to the analysers; the evaluator of the few commands whose
output is knowable; and the reading of scripts and files the line names."""

from __future__ import annotations

import os
import re

from ..analyzers import filesystem, secrets
from ..argv import read_args
from ..model import DYN, Command, Effect, ProgramSpec, Stdin
from . import terminal, treesitter
from .budget import Budget, BudgetExceeded
from .evaluate import Evaluator
from .files import FileReader
from .wrappers import embedded_shell_lines, redirections_of, unwrap

MAX_DEPTH = 8  # nested bash -c / eval / scripts before giving up (fail closed)


# The first look for a payload in a word (analyzers/payloads.py looks closer): a keyword of a
# destructive SQL statement or a GraphQL mutation, URL-encoded or not, or a payload file.
_PAYLOAD_HINT = re.compile(r"(?i)\b(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER|MERGE|mutation)\b|"
                           r"\.(?:sql|cql|hql|psql|graphql|gql)$")


class ShellSession(Evaluator, FileReader):
    """The state of reading one line, as the shell would run it: its variables,
    functions, aliases and working directory, what it has written, and the
    commands found so far. The walkers (treesitter.py, bashlex.py), the
    wrappers (wrappers.py) and the payload dispatch (analyzers/content.py) call
    back into it: parse, emit, output_of, stdin_text, read_file, virtual_file,
    read_script are its interface."""

    def __init__(self, programs: dict[str, ProgramSpec], cwd: str | None = None,
                 home: str | None = None, budget: Budget | None = None):
        self.programs = programs
        self.project = cwd
        self.cwd = self.project
        self.home = home or treesitter.home_dir()
        self.vars: dict[str, str] = {}
        self.arrays: dict[str, list] = {}  # name=(a b c) with every element known: "${name[@]}" is those words
        self.errexit = False  # `set -e` seen: a failed command ends the line
        self.temporaries: dict[str, str] = {}  # var -> the path an unguarded mktemp made (or nothing)
        self.functions: dict = {}
        self.maybe_functions: set[str] = set()  # defined only if a branch runs: the program may run instead
        self.aliases: dict[str, str] = {}
        self.git_aliases: dict[str, str] = {}  # git config alias.X VALUE run earlier on the line
        self.pending_redirects: list = []
        self.commands: list[Command] = []
        self.written: set[str] = set()  # files the line writes before it may read them
        self.virtual_files: dict[str, str] = {}  # process substitutions whose output is known
        self.replaced: set[str] = set()  # paths mv/cp/ln put something else at, earlier on the line
        self.depth = 0
        self.scripts: list[str] = []  # scripts being read, to cut cycles
        self.calls: list = []  # functions (name, body) and aliases being expanded
        self.pure_calls: set[tuple] = set()  # function calls already judged that changed nothing
        self.body_variables: dict[bytes, list[str]] = {}  # function body's text -> the variables it reads
        # $1, $2, "$@" where they are known: inside a function called with
        # known words (`f awk '{print}'` runs awk for f() { "$@"; }); None = unknown.
        self.positional: list | None = None
        self.shell_flags: str | None = None  # $-, where known (read_line)
        self.files_consulted = 0  # files read or looked for: a cached sourcing must have read none
        self.budget = budget if budget is not None else Budget(0.2)
        self.words_read = 0  # words expanded so far, for the budget (treesitter.Walker.words)

    # --- entry points -----------------------------------------------------

    def parse(self, text: str, via: tuple[str, ...] = (), script_path: str | None = None,
              stdin: Stdin | None = None) -> None:
        """Emit the commands `text` runs; `stdin` is what they read when the
        text itself does not redirect it (bash -s <<EOF, ssh host 'sh' <<EOF)."""
        if self.depth >= MAX_DEPTH:
            self.report_unknown("shell.too-deep", via, f"more than {MAX_DEPTH} levels of nested shells")
            return
        if "\x00" in text:
            self.report_unknown("shell.parse-error", via, "the command holds a NUL byte")
            return
        self.depth += 1
        if script_path:
            self.scripts.append(script_path)
        saved_cwd = self.cwd
        try:
            tree, source, error = treesitter.parse(text)
            if error is None:
                sourced = bool(script_path and via and via[-1].startswith((". ", "source ")))
                treesitter.Walker(self, source, via, stdin).walk_program(tree.root_node, sourced=sourced)
            elif not self._fallback(text, via):
                self.report_unknown("shell.parse-error", via, error)
                # Still read what can be read: it names the rules at stake.
                treesitter.Walker(self, source, via, stdin).walk_program(tree.root_node)
        finally:
            self.depth -= 1
            if script_path:
                self.scripts.pop()
            if via and not _same_shell(via[-1]):  # a nested shell's `cd` does not move the outer line
                self.cwd = saved_cwd

    def _fallback(self, text: str, via: tuple[str, ...]) -> bool:
        """bashlex reads some lines tree-sitter cannot; it is the second reader."""
        from . import bashlex

        return bashlex.walk(text, self, via)

    def emit(self, cmd: Command) -> None:
        if self.budget.exceeded():
            raise BudgetExceeded
        cmd.cwd = self.cwd
        if cmd.name in self.functions and (cmd.name, id(self.functions[cmd.name][0])) not in self.calls:
            if cmd.name not in self.maybe_functions:
                self._call_function(cmd)
                return
            # Maybe the function, maybe the program (where the call is): what
            # the body changes is not sure after it.
            before = self.cwd, dict(self.vars)
            self._call_function(cmd)
            moved, changed = self.cwd != before[0], treesitter._changed(before[1], self.vars)
            self.cwd, self.vars = before[0], before[1]
            self._emit_program(cmd)
            treesitter.forget(self, moved, changed)
            return
        self._emit_program(cmd)

    def _emit_program(self, cmd: Command) -> None:
        if cmd.argv and cmd.argv[0].text in self.aliases and cmd.argv[0].text not in self.calls:
            self._expand_alias(cmd)
            return
        if cmd.name == "set" and any(w.text.startswith("-") and "e" in w.text[1:] and not w.text.startswith("--")
                                     or w.text == "errexit" for w in cmd.args):
            self.errexit = True
        if unwrap(cmd, self) and not cmd.effects:
            return
        for label, line in embedded_shell_lines(cmd):
            if DYN in line:
                cmd.effects.append(Effect("shell.eval-dynamic", detail=f"{label}{line}"))
            else:
                self.parse(line, cmd.via + (label,))
        self._track_cd(cmd)
        self._track_positional(cmd)
        console = terminal.reads_terminal(cmd, self.programs)
        if console:
            cmd.effects.append(Effect("shell.interactive-program", target=console,
                                      detail=f"{console} reads commands typed later on its terminal"))
        self._content(cmd)
        self._shell_effects(cmd)
        self.commands.append(cmd)

    # --- what the shell itself does --------------------------------------

    def isolated(self, walk):
        """Run `walk` as a subshell: its `cd`, variables, functions and aliases
        do not outlive it (after `( rm() { :; } )`, `rm` is the program again).
        Both readers (treesitter.py, bashlex.py) walk subshells through here."""
        saved = self.cwd, dict(self.vars), dict(self.functions), dict(self.aliases), set(self.maybe_functions)
        try:
            return walk()
        finally:
            self.cwd, self.vars, self.functions, self.aliases, self.maybe_functions = saved

    def report_unknown(self, kind: str, via, detail: str) -> None:
        self.commands.append(Command(argv=[], via=tuple(via), effects=[Effect(kind, detail=detail)]))

    def _call_function(self, cmd: Command) -> None:
        body, source = self.functions[cmd.name]
        # A call that would see the same variables in the same directory as an
        # earlier one, of a body that changed no state then, adds nothing new
        # (a script calling log() 300 times is judged once for it).
        # Keyed by the body's text, not id(body): a body defined in a subshell is
        # forgotten and its node freed, and a later body could get its id and be
        # skipped as judged (`( f() { true; }; f ) && f() { rm -rf ~; }; f`).
        written = source[body.start_byte:body.end_byte]
        names = self.body_variables.get(written)
        if names is None:
            import re

            text = written.decode("utf-8", "surrogateescape")
            names = self.body_variables[written] = sorted(set(re.findall(r"\$\{?([A-Za-z_]\w*)", text)))
        key = (written, self.cwd, tuple(self.vars.get(name) for name in names), tuple(w.text for w in cmd.args),
               tuple((r.op, r.fd, r.target.text if r.target else None) for r in cmd.redirects),
               # ... and the functions it may call: `g() { h; }; h() { :; }; g; h() { rm -rf ~; }; g`
               tuple(sorted((name, _definition(value)) for name, value in self.functions.items())),
               tuple(sorted(self.maybe_functions)))
        if key in self.pure_calls:
            return
        before = self._state()
        self.calls.append((cmd.name, id(body)))
        outer, self.positional = self.positional, list(cmd.args)
        try:
            # The call's redirections and pipe are the body's: `f > out` writes out, `x | f` feeds f's commands.
            with redirections_of(cmd, self):
                treesitter.Walker(self, source, cmd.via + (f"{cmd.name}()",), cmd.stdin).walk(body, cmd.stdin)
        finally:
            self.calls.pop()
            self.positional = outer
        if self._state() == before:
            self.pure_calls.add(key)

    def _state(self) -> tuple:
        return (self.cwd, dict(self.vars), set(self.functions), dict(self.aliases), len(self.written))

    def _expand_alias(self, cmd: Command) -> None:
        name = cmd.argv[0].text
        import shlex

        line = self.aliases[name] + " " + " ".join(shlex.quote(w.text) for w in cmd.args)
        if DYN in line:
            cmd.effects.append(Effect("shell.dynamic-command", target=name, detail=cmd.display()))
            self.commands.append(cmd)
            return
        self.calls.append(name)
        try:
            self.parse(line, cmd.via + (f"alias {name}",))
        finally:
            self.calls.pop()

    def sets_up_shell(self, cmd: Command) -> bool:
        """`conda shell.bash hook`, `rbenv init -`, `direnv hook bash`: a tool
        printing its own shell setup (its program table's shell_setup).
        Evaluating that text does nothing running the tool could not do
        itself, and the tool, named literally, is judged as a command too."""
        spec = self.programs.get(cmd.name)
        if spec is None or not spec.shell_setup or not cmd.argv or cmd.argv[0].dynamic:
            return False
        if cmd.argv[0].text in self.functions or cmd.argv[0].text in self.aliases:
            return False  # conda() { echo 'rm -rf ~'; }: not the tool, whatever its name
        words = [w.text for w in read_args(cmd, self.programs).positionals]
        return any(words[:len(e.split())] == e.split() for e in spec.shell_setup)

    def _track_positional(self, cmd: Command) -> None:
        """`set -- a b` and `shift` change "$@"; words only known at run
        time may split into any number of words, so then it is unknown."""
        if cmd.via and cmd.via[-1].startswith(("xargs", "find")):
            return
        if cmd.name == "shift":
            count = cmd.args[0].text if cmd.args else "1"
            if self.positional is not None and count.isdigit():
                self.positional = self.positional[int(count):]
            else:
                self.positional = None
        elif cmd.name == "set" and cmd.args:
            texts = [w.text for w in cmd.args]
            if "--" in texts:
                words = cmd.args[texts.index("--") + 1:]
            elif not texts[0].startswith(("-", "+")):
                words = cmd.args
            else:
                return  # set -e, set -o pipefail: options only
            self.positional = None if any(w.dynamic for w in words) else list(words)

    def _track_cd(self, cmd: Command) -> None:
        if cmd.name not in ("cd", "pushd") or cmd.via and cmd.via[-1].startswith(("xargs", "find")):
            return
        args = [w for w in cmd.args if not w.text.startswith("-") or w.text == "-"]
        if not args:
            self.cwd = self.home
        elif args[0].dynamic or args[0].text == "-":
            self.cwd = None
        elif self.cwd is not None or args[0].text.startswith("/"):
            self.cwd = os.path.normpath(os.path.join(self.cwd or "/", args[0].text))

    def _shell_effects(self, cmd: Command) -> None:
        cmd.effects.extend(filesystem.replaced_effects(cmd, self.replaced, self._abs, self.cwd, self.project,
                                                       self.home))
        if cmd.name in secrets.READERS or cmd.name in ("echo", "printf", "env", "printenv", "set", "export"):
            cmd.effects.extend(secrets.secret_effects(cmd, self.cwd, self.home))
        if cmd.argv and (cmd.argv[0].dynamic or cmd.argv[0].glob):
            cmd.effects.append(Effect("shell.dynamic-command", target=str(cmd.argv[0]),
                                      detail=cmd.display()))
        cmd.effects.extend(filesystem.write_effects(cmd, self.programs, self.cwd, self.project, self.home))
        if cmd.name in filesystem.OVERWRITERS:
            cmd.effects.extend(filesystem.overwrite_effects(cmd, self.programs, self.cwd, self.project, self.home,
                                                            lambda: self.stdin_text(cmd.stdin)))
        for r in cmd.redirects:
            if r.target is not None and r.op in (">", ">>", ">|", "&>", "&>>", ">&") and not r.target.dynamic:
                self.written.add(self._abs(r.target.text))
                cmd.effects.extend(filesystem.guard_write_effects(r, self.cwd, self.project, self.home))

    # --- payloads ---------------------------------------------------------

    def _content(self, cmd: Command) -> None:
        spec = self._content_spec(cmd)
        reads = spec.reads if spec is not None else None
        if reads in (None, "http") and (cmd.stdin is not None or any(
                _PAYLOAD_HINT.search(w.text) for w in cmd.args)):  # SQL or GraphQL given to a program
            from ..analyzers import payloads  # no pack reads it for

            payloads.sniff(cmd, self, reads)
        if spec is None:
            return
        from ..analyzers import content

        content.analyse(cmd, spec, self)  # a parser's first import is not charged: see budget.py

    def _content_spec(self, cmd: Command) -> ProgramSpec | None:
        """The pack's spec for what this program reads: `psql`, or by its
        subcommand for tools like `cockroach sql` and `railway api`."""
        name = cmd.name if cmd.name in self.programs else _strip_version(cmd.name)
        spec = self.programs.get(name)
        if spec is not None and spec.reads:
            return spec
        if spec is None or not cmd.args:
            return None
        positionals = read_args(cmd, self.programs).positionals
        sub = self.programs.get(f"{name} {positionals[0].text}") if positionals else None
        if sub is None or not sub.reads:
            return None
        shifted = ProgramSpec(*sub.to_data())
        if shifted.content_arg:
            shifted.content_arg += 1  # content positions count from after the subcommand
        return shifted


def _definition(value) -> str | bytes:
    """A function's body as written, parsed (body node, source) or not yet
    (its text, as the source cache keeps it)."""
    if isinstance(value, str):
        return value
    body, source = value
    return source[body.start_byte:body.end_byte]


def _same_shell(label: str) -> bool:
    """eval, source and aliases run their text in this shell: its `cd` stays."""
    return label in ("eval", "source", ".") or label.startswith(("source ", ". ", "alias "))


def _strip_version(name: str) -> str:
    """python3.12 -> python3 -> python; node18 -> node."""
    base = name.rstrip("0123456789.")
    return base or name
