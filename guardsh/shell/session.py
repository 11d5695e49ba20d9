"""The shell session that reads a line: parsing (tree-sitter, bashlex as a
fallback), functions, aliases, `cd`, wrappers, embedded lines, and the
hand-off of payloads to the analysers; the evaluator of the few commands whose
output is knowable; and the reading of scripts and files the line names."""

from __future__ import annotations

import os
import stat
import sys
import time

from ..analyzers import filesystem, secrets
from ..argv import read_args
from ..model import DYN, Command, Effect, ProgramSpec, Stdin
from . import treesitter
from .wrappers import SHELLS, embedded_shell_lines, unwrap

MAX_DEPTH = 8  # nested bash -c / eval / scripts before giving up (fail closed)
MAX_FILE = 1 << 20  # bytes of a script or payload file that are read
STDIN_PATHS = {"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "-"}


class BudgetExceeded(Exception):
    pass


class ShellSession:
    """The state of reading one line, as the shell would run it: its variables,
    functions, aliases and working directory, what it has written, and the
    commands found so far. The walkers (treesitter.py, bashlex.py), the
    wrappers (wrappers.py) and the payload dispatch (analyzers/content.py) call
    back into it: parse, emit, output_of, stdin_text, read_file, virtual_file,
    read_script are its interface."""

    def __init__(self, programs: dict[str, ProgramSpec], cwd: str | None = None,
                 home: str | None = None, budget: float = 0.2):
        self.programs = programs
        self.project = cwd
        self.cwd = self.project
        self.home = home or treesitter.home_dir()
        self.vars: dict[str, str] = {}
        self.functions: dict = {}
        self.aliases: dict[str, str] = {}
        self.pending_redirects: list = []
        self.commands: list[Command] = []
        self.written: set[str] = set()  # files the line writes before it may read them
        self.virtual_files: dict[str, str] = {}  # process substitutions whose output is known
        self.replaced: set[str] = set()  # paths mv/cp/ln put something else at, earlier on the line
        self.depth = 0
        self.scripts: list[str] = []  # scripts being read, to cut cycles
        self.calls: list = []  # functions (name, body) and aliases being expanded
        self.pure_calls: set[tuple] = set()  # function calls already judged that changed nothing
        self.body_variables: dict[int, list[str]] = {}  # function body -> the variables it reads
        self.deadline = time.monotonic() + budget

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
                treesitter.Walker(self, source, via, stdin).walk_program(tree.root_node)
            elif not self._fallback(text, via):
                self.report_unknown("shell.parse-error", via, error)
                # Still read what can be read: it names the rules at stake.
                treesitter.Walker(self, source, via, stdin).walk_program(tree.root_node)
        finally:
            self.depth -= 1
            if script_path:
                self.scripts.pop()
            if via:  # a nested shell's `cd` does not move the outer line
                self.cwd = saved_cwd

    def _fallback(self, text: str, via: tuple[str, ...]) -> bool:
        """bashlex reads some lines tree-sitter cannot; it is the second reader."""
        from . import bashlex

        return bashlex.walk(text, self, via)

    def emit(self, cmd: Command) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded
        cmd.cwd = self.cwd
        if cmd.name in self.functions and (cmd.name, id(self.functions[cmd.name][0])) not in self.calls:
            self._call_function(cmd)
            return
        if cmd.argv and cmd.argv[0].text in self.aliases and cmd.argv[0].text not in self.calls:
            self._expand_alias(cmd)
            return
        if unwrap(cmd, self) and not cmd.effects:
            return
        for label, line in embedded_shell_lines(cmd):
            if DYN in line:
                cmd.effects.append(Effect("shell.eval-dynamic", detail=f"{label}{line}"))
            else:
                self.parse(line, cmd.via + (label,))
        self._track_cd(cmd)
        self._content(cmd)
        self._shell_effects(cmd)
        self.commands.append(cmd)

    # --- what the shell itself does --------------------------------------

    def report_unknown(self, kind: str, via, detail: str) -> None:
        self.commands.append(Command(argv=[], via=tuple(via), effects=[Effect(kind, detail=detail)]))

    def _call_function(self, cmd: Command) -> None:
        body, source = self.functions[cmd.name]
        # A call that would see the same variables in the same directory as an
        # earlier one, of a body that changed no state then, adds nothing new
        # (a script calling log() 300 times is judged once for it).
        names = self.body_variables.get(id(body))
        if names is None:
            import re

            text = source[body.start_byte:body.end_byte].decode("utf-8", "surrogateescape")
            names = self.body_variables[id(body)] = sorted(set(re.findall(r"\$\{?([A-Za-z_]\w*)", text)))
        key = (id(body), self.cwd, tuple(self.vars.get(name) for name in names))
        if key in self.pure_calls:
            return
        before = self._state()
        self.calls.append((cmd.name, id(body)))
        try:
            treesitter.Walker(self, source, cmd.via + (f"{cmd.name}()",)).walk(body)
        finally:
            self.calls.pop()
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
        for r in cmd.redirects:
            if r.target is not None and r.op in (">", ">>", ">|", "&>", "&>>", ">&") and not r.target.dynamic:
                self.written.add(self._abs(r.target.text))
                cmd.effects.extend(filesystem.guard_write_effects(r, self.cwd, self.project, self.home))

    # --- payloads ---------------------------------------------------------

    def _content(self, cmd: Command) -> None:
        spec = self._content_spec(cmd)
        if spec is None:
            return
        from ..analyzers import content

        loaded, start = len(sys.modules), time.monotonic()
        content.analyse(cmd, spec, self)
        if len(sys.modules) > loaded:  # a parser was imported: its load time is not the line's
            self.deadline += time.monotonic() - start

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

    def stdin_text(self, stdin: Stdin | None) -> str | None:
        """What flows into a command's stdin, when it can be known."""
        if stdin is None:
            return ""
        if stdin.kind == "text":
            return stdin.text
        if stdin.kind == "file":
            return self.read_file(stdin.path.text) if stdin.path and not stdin.path.dynamic else None
        return self.output_of(stdin.source) if stdin.source is not None else None

    def output_of(self, cmd: Command) -> str | None:
        """What a command prints, for the few that are pure functions of
        their arguments and input (echo, printf, cat, base64 -d, xxd -r)."""
        args = [w.text for w in cmd.args]
        if any(DYN in a for a in args):
            return None
        name = cmd.name
        if name == "echo":
            newline, escapes = "\n", False
            while args and len(args[0]) > 1 and args[0][0] == "-" and not args[0][1:].strip("neE"):
                newline = "" if "n" in args[0] else newline
                escapes = "e" in args[0] or escapes
                args = args[1:]
            text = " ".join(args)
            return (_ansi_escapes(text) if escapes else text) + newline
        if name == "printf" and args:
            return _printf(args[0], args[1:])
        if name == "cat":
            files = [a for a in args if not a.startswith("-") or a == "-"]
            if not files:
                return self.stdin_text(cmd.stdin)
            parts = [self.stdin_text(cmd.stdin) if f == "-" else self.read_file(f) for f in files]
            return None if any(p is None for p in parts) else "".join(parts)
        if name == "base64" and {"-d", "--decode", "-D"} & set(args):
            import base64
            import binascii

            data = self.stdin_text(cmd.stdin)
            try:
                return None if data is None else base64.b64decode("".join(data.split())).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                return None
        if name == "xxd" and "-r" in args and "-p" in args:
            data = self.stdin_text(cmd.stdin)
            try:
                return None if data is None else bytes.fromhex("".join(data.split())).decode("utf-8", "replace")
            except ValueError:
                return None
        return None

    def read_file(self, path: str, stdin: Stdin | None = None) -> str | None:
        """A payload file's text, or None when it cannot be known now.
        /dev/stdin is the command's own stdin, never guardsh's; only regular
        files are opened (a FIFO or device could block or be consumed)."""
        if not path or DYN in path:
            return None
        if path in STDIN_PATHS:
            return self.stdin_text(stdin) if stdin is not None else None
        if path in self.virtual_files:
            return self.virtual_files[path]
        full = self._abs(os.path.expanduser(path))
        if full in self.written:
            return None  # written earlier on this line: its content is not on disk yet
        try:
            fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = os.read(fd, MAX_FILE + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(data) > MAX_FILE:
            return None
        return data.decode("utf-8", "replace")

    def virtual_file(self, text: str) -> str:
        """A name for content known now that bash will pass as a file: <(echo x)."""
        name = f"/dev/fd/guardsh-{len(self.virtual_files)}"
        self.virtual_files[name] = text
        return name

    def read_script(self, path: str, stdin: Stdin | None = None) -> tuple[str, str | None]:
        """-> ("shell", text) | ("missing", None) | ("unreadable", None) | ("not-shell", None)."""
        if path in STDIN_PATHS or path in self.virtual_files:
            text = self.read_file(path, stdin)
            return ("shell", text) if text is not None else ("unreadable", None)
        full = self._abs(os.path.expanduser(path))
        if full in self.scripts:
            return "shell", ""  # a cycle: already being read
        if full in self.written:
            return "unreadable", None
        if not os.path.exists(full):
            return "missing", None
        text = self.read_file(full)
        if text is None:
            return "unreadable", None
        if "\x00" in text[:4096]:
            return "not-shell", None
        first = text.split("\n", 1)[0]
        if first.startswith("#!"):
            words = first[2:].split()
            prog = os.path.basename(words[0]) if words else ""
            if prog == "env" and len(words) > 1:
                prog = os.path.basename([w for w in words[1:] if not w.startswith("-")][0]
                                        if [w for w in words[1:] if not w.startswith("-")] else "")
            if prog not in SHELLS:
                return "not-shell", None
        return "shell", text

    def _abs(self, path: str) -> str:
        if os.path.isabs(path):
            return os.path.normpath(path)
        return os.path.normpath(os.path.join(self.cwd or self.project or "/", path))


def _ansi_escapes(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")


def _printf(fmt: str, args: list[str]) -> str:
    """printf's output for %s/%b/%d formats; enough to read a built command."""
    import re

    fmt = _ansi_escapes(fmt)
    slots = len(re.findall(r"%[-0-9.]*[sbdqc]", fmt))
    if not slots:
        return fmt
    out, rest = [], list(args) or [""]
    while rest:
        chunk, rest = rest[:slots], rest[slots:]
        chunk += [""] * (slots - len(chunk))
        it = iter(chunk)
        out.append(re.sub(r"%[-0-9.]*[sbdqc]", lambda m: next(it), fmt.replace("%%", "\x01")).replace("\x01", "%"))
    return "".join(out)


def _strip_version(name: str) -> str:
    """python3.12 -> python3 -> python; node18 -> node."""
    base = name.rstrip("0123456789.")
    return base or name
