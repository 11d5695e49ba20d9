"""What code handed to an interpreter (python -c, node -e, perl -e, ruby -e, php -r,
deno eval, bun -e, awk programs) will do to files, processes and remote APIs.

`analyze_code(language, code)` returns `CodeFindings`:
- `shell_commands`: literal command lines the code gives to a shell or spawns (argv lists
  joined with shlex.join), for the shell analyser to parse and judge;
- `sql_statements`: SQL given to a database driver (DYN marks run-time parts);
- `effects`, of these kinds (target: the literal path or URL, DYN for run-time parts):
    code.delete-tree    recursive delete: shutil.rmtree, fs.rmSync(p, {recursive: true}), rimraf,
                        File::Path rmtree, FileUtils.rm_rf, Deno.remove(p, {recursive: true})
    code.delete-file    one file or empty directory: os.remove, Path.unlink, fs.unlinkSync,
                        perl/php unlink, File.delete, rmdir
    code.truncate-file  a file cut short: os.truncate, writing '' over a file, opening a database
                        file (*.db, *.sqlite3, *.dump), an /etc or ~/.ssh file, or guardsh's own
                        files and the agents' hook settings for writing
    code.http-delete    an HTTP DELETE request (target: the URL)
    code.dynamic-shell  a command line or argv built at run time (target: the text, DYN inside)
    code.dynamic-eval   code built at run time or decoded (base64, hex, rot13) is executed, or
                        run-time text sits outside string literals
    code.unparseable    the code cannot be read (syntax error, unterminated string)
Python is read with `ast` (import aliases and single assignments resolved); the other
languages by a tokenizer that sets string literals and comments apart, then by patterns
over what is left, so `print('rm -rf /')` is text, not a command.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from guardsh.model import DYN, Effect
from guardsh.targets import DESTROYED_BY_WRITING

_MAX_DEPTH = 8  # eval of a literal that evals a literal ...
_FAMILY = {"python": "python", "node": "node", "deno": "node", "bun": "node",
           "perl": "perl", "ruby": "ruby", "php": "php", "awk": "awk", "lua": "lua"}
# Opening one of these for writing destroys what it holds (targets.py keeps the list).
_DATA_FILE = re.compile(DESTROYED_BY_WRITING)
_URL = re.compile(r"https?://")
_SQL = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|CREATE|WITH|REPLACE|MERGE|"
                  r"GRANT|REVOKE|PRAGMA|VACUUM|ATTACH)\b", re.I)


@dataclass
class CodeFindings:
    effects: list[Effect] = field(default_factory=list)
    shell_commands: list[str] = field(default_factory=list)
    sql_statements: list[str] = field(default_factory=list)

    def add(self, kind: str, target: str | None, detail: str) -> None:
        self.effects.append(Effect(kind, target, detail[:200]))

    def command(self, line: str, detail: str, decoded: bool = False) -> None:
        """A command line the code runs; decoded: it came out of base64/hex."""
        if decoded:
            self.add("code.dynamic-eval", line, detail)
        if DYN in line:
            self.add("code.dynamic-shell", line, detail)
        elif line.strip():
            self.shell_commands.append(line)

    def sql(self, text: str) -> None:
        if text.replace(DYN, "").strip():
            self.sql_statements.append(text)

    def open_for_write(self, target: str, mode: str, detail: str) -> None:
        if re.match(r"\+?[w>](?!>)", mode) and _DATA_FILE.search(target):
            self.add("code.truncate-file", target, detail)


def analyze_code(language: str, code: str) -> CodeFindings:
    findings = CodeFindings()
    _analyze(language, code, findings, 0)
    return findings


def _analyze(language: str, code: str, findings: CodeFindings, depth: int) -> None:
    family = _FAMILY.get(language)
    if family is None:
        raise ValueError(f"unknown language {language!r}")
    if depth > _MAX_DEPTH:
        findings.add("code.dynamic-eval", None, "eval nested too deep to follow")
    elif family == "python":
        _PythonReader(code, findings, depth).read()
    else:
        _TokenReader(family, code, findings, depth).read()


def _argv_line(items: list[str]) -> str:
    """argv as a shell line. A leading ~ stays unquoted: it stands for the home directory."""
    if any(DYN in i for i in items):
        return " ".join(items)
    home = re.compile(r"~(?=/|$)/?")
    return " ".join(m.group() + (shlex.quote(i[m.end():]) if i[m.end():] else "") if (m := home.match(i))
                    else shlex.quote(i) for i in items)


# ---------------------------------------------------------------- python, read with ast

_PY_DYN = "__guardsh_dyn__"  # stands for DYN while ast parses (ast refuses NUL)
_PY_DELETE_FILE = {"os.remove", "os.unlink", "os.rmdir", "os.removedirs", "pathlib.Path.unlink",
                   "pathlib.Path.rmdir"}
_PY_SHELL_LINE = {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                  "commands.getoutput", "asyncio.create_subprocess_shell"}
_PY_SUBPROCESS = {"subprocess." + f for f in ("run", "call", "check_call", "check_output", "Popen")}
_PY_EXEC = re.compile(r"os\.(exec|spawn|posix_spawn)(l|v)?p?(e)?$")  # os.execvp, os.spawnlp, ...
_PY_HTTP_MODULES = {"requests", "httpx", "aiohttp", "urllib3"}
_PY_PATH = {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.path.join"}
_PY_PASSTHROUGH = {"str", "os.fspath", "os.path.expanduser", "os.path.abspath", "os.path.realpath",
                   "os.path.normpath", "textwrap.dedent", "compile", "sqlalchemy.text"}
_PY_STR_METHODS = {"decode", "encode", "strip", "expanduser", "resolve", "absolute", "as_posix"}
_PY_DECODERS = {"base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode",
                "base64.b32decode", "base64.b16decode", "base64.decodebytes", "binascii.a2b_base64",
                "binascii.unhexlify", "binascii.a2b_hex", "bytes.fromhex", "codecs.decode"}
_PY_KNOWN = _PY_DELETE_FILE | _PY_SHELL_LINE | _PY_SUBPROCESS | {"shutil.rmtree", "os.truncate"}
_PRINTF = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdrifx]")


def _py_decode(qualname: str, text: str, codec: str) -> str:
    """The literal decoded as the named function would; DYN when that fails."""
    import importlib

    module, _, name = qualname.rpartition(".")
    try:
        if module == "bytes":
            data = bytes.fromhex(text)
        elif module == "codecs":  # rot13 works on text, the other codecs on bytes
            data = importlib.import_module("codecs").decode(text if "rot" in codec else text.encode(), codec)
        else:
            data = getattr(importlib.import_module(module), name)(text.encode())
    except (ValueError, TypeError, LookupError):
        return DYN
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


class _PythonReader:
    def __init__(self, code: str, findings: CodeFindings, depth: int):
        import ast

        self.ast, self.findings, self.depth = ast, findings, depth
        self.code = code.replace(DYN, _PY_DYN)
        self.aliases: dict[str, str] = {}  # local name -> qualified name, from imports
        self.bindings: dict[str, list] = {}  # name -> every value assigned to it
        self.star_modules: list[str] = []
        self.resolving: set[str] = set()  # guards against x = x + '...'
        self.decoded = False  # set when text() passes through a base64/hex decoder
        self.budget = 0  # text() steps left for this call: `b = a + a; c = b + b; ...` must end soon
        self.lines = re.split(r"\r\n|\r|\n", self.code)

    def read(self) -> None:
        ast = self.ast
        try:
            tree = ast.parse(self.code)
        except (SyntaxError, ValueError) as error:
            self.findings.add("code.unparseable", None, f"python: {error}")
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:  # `import os.path` binds os; `import os.path as p` binds p
                    top = a.name.split(".")[0]
                    self.aliases[a.asname or top] = a.name if a.asname else top
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    if a.name == "*":
                        self.star_modules.append(node.module)
                    else:
                        self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    self._bind(target, node.value)  # an AugAssign counts as a second value
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                self._bind(node.target, ast.Starred(node.iter))  # Starred: one item of the iterable
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind(node.optional_vars, node.context_expr)
            elif isinstance(node, ast.arg):  # a parameter: its value comes from the caller
                self.bindings.setdefault(node.arg, []).append(None)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and _PY_DYN in node.id:
                self.findings.add("code.dynamic-eval", None, "python code built at run time")
            elif isinstance(node, ast.Call):
                self._call(node)

    def _bind(self, target, value) -> None:
        if isinstance(target, self.ast.Name):
            self.bindings.setdefault(target.id, []).append(value)

    def _resolve(self, name: str, read, default):
        """read(value) of a name assigned exactly once; default otherwise."""
        values = self.bindings.get(name, [])
        if len(values) != 1 or name in self.resolving:
            return default
        self.resolving.add(name)
        try:
            return read(values[0])
        finally:
            self.resolving.discard(name)

    def qualname(self, node) -> str | None:
        """`shutil.rmtree` for `s.rmtree`, `rmtree`, `__import__('shutil').rmtree`, ..."""
        ast = self.ast
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            starred = [f"{m}.{node.id}" for m in self.star_modules if f"{m}.{node.id}" in _PY_KNOWN]
            return self._resolve(node.id, self.qualname, starred[0] if starred else node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return base and f"{base}.{node.attr}"
        if isinstance(node, ast.Starred):
            return self.qualname(node.value)
        if isinstance(node, ast.Call):
            func = self.qualname(node.func)
            if func in ("__import__", "importlib.import_module") and node.args:
                return self.text(node.args[0])
            if func == "getattr" and len(node.args) >= 2:
                base = self.qualname(node.args[0])
                return base and f"{base}.{self.text(node.args[1])}"
            return func and f"{func}()"
        return None

    def is_path(self, node) -> bool:
        if isinstance(node, self.ast.BinOp) and isinstance(node.op, self.ast.Div):
            return self.is_path(node.left)
        name = self.qualname(node) or ""
        return name.startswith("pathlib.") and name.endswith("()")

    def text(self, node) -> str:
        """The string `node` evaluates to, with DYN for what is only known at run time."""
        ast = self.ast
        self.budget -= 1
        if self.budget < 0:
            return DYN
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes, int, float)):
            value = node.value.decode("utf-8", "replace") if isinstance(node.value, bytes) else str(node.value)
            return value.replace(_PY_DYN, DYN)
        if isinstance(node, ast.JoinedStr):
            parts = (v.value if isinstance(v, ast.FormattedValue) else v for v in node.values)
            return "".join(map(self.text, parts))
        if isinstance(node, ast.BinOp):
            left, right = self.text(node.left), self.text(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Div) and self.is_path(node.left):
                return f"{left}/{right}"
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
                return _PRINTF.sub(DYN, left)
        elif isinstance(node, ast.Name):
            return self._resolve(node.id, self.text, DYN)
        elif isinstance(node, ast.Starred):  # a loop variable: the glob pattern it walks, if any
            return self._item_text(node.value)
        elif isinstance(node, ast.Subscript):
            if self.qualname(node.value) == "os.environ" and self.text(node.slice) == "HOME":
                return "~"
            step = node.slice.step if isinstance(node.slice, ast.Slice) else None
            if isinstance(step, ast.UnaryOp) and self.text(step.operand) == "1":
                return self.text(node.value)[::-1]  # '/ fr- mr'[::-1]
        elif isinstance(node, ast.Call):
            return self._call_text(node)
        return DYN

    def _item_text(self, iterable) -> str:
        ast = self.ast
        if isinstance(iterable, (ast.List, ast.Tuple)) and len(iterable.elts) == 1:
            return self.text(iterable.elts[0])
        if not isinstance(iterable, ast.Call) or not iterable.args:
            return DYN
        name, pattern = self.qualname(iterable.func) or "", self.text(iterable.args[0])
        if name in ("glob.glob", "glob.iglob", "os.listdir"):
            return pattern + ("/*" if name == "os.listdir" else "")
        if isinstance(iterable.func, ast.Attribute) and self.is_path(iterable.func.value):
            sep = {"glob": "/", "rglob": "/**/"}.get(iterable.func.attr)
            return f"{self.text(iterable.func.value)}{sep}{pattern}" if sep else DYN
        return DYN

    def _call_text(self, node) -> str:
        name = self.qualname(node.func) or ""
        args = [self.text(a) for a in node.args]
        if name in _PY_PATH:
            return "/".join(args) or "."
        if name in _PY_PASSTHROUGH:
            return args[0] if args else DYN
        if name == "pathlib.Path.home" or name in ("os.getenv", "os.environ.get") and args[:1] == ["HOME"]:
            return "~"
        if name in ("os.getcwd", "pathlib.Path.cwd"):
            return "."
        if name in ("tempfile.mkdtemp", "tempfile.gettempdir"):  # a fresh scratch directory
            return "/tmp" + ("/" + DYN if name.endswith("mkdtemp") else "")
        if name == "chr" and args and args[0].isdigit():
            return chr(int(args[0]))
        if name in _PY_DECODERS:
            self.decoded = True
            return DYN if not args or DYN in args[0] else _py_decode(name, args[0], "".join(args[1:2]))
        if isinstance(node.func, self.ast.Attribute):
            receiver, attr = self.text(node.func.value), node.func.attr
            if attr == "join" and isinstance(node.func.value, self.ast.Constant) and node.args:
                items = self.argv(node.args[0])
                return receiver.join(items) if items is not None else DYN
            if attr == "format":
                return re.sub(r"\{[^{}]*\}", DYN, receiver)
            if attr == "replace" and len(args) == 2:
                return receiver.replace(args[0], args[1])
            if attr in _PY_STR_METHODS:
                return receiver
        return DYN

    def argv(self, node) -> list[str] | None:
        """The items of a literal list or tuple (or shlex.split of a literal); None otherwise."""
        ast = self.ast
        if isinstance(node, (ast.List, ast.Tuple)):
            return [DYN if isinstance(e, ast.Starred) else self.text(e) for e in node.elts]
        if isinstance(node, ast.Name):
            return self._resolve(node.id, self.argv, None)
        if isinstance(node, ast.Call) and self.qualname(node.func) == "shlex.split" and node.args:
            line = self.text(node.args[0])
            try:
                return None if DYN in line else shlex.split(line)
            except ValueError:  # unbalanced quotes
                return None
        return None

    def _run(self, node, detail: str, shell: bool) -> None:
        if node is None:
            return
        self.decoded = False
        items = self.argv(node)
        if items is None:  # a string: a shell line (even without shell=True, to be safe)
            line = self.text(node)
        else:
            line = (items[0] if items else "") if shell else _argv_line(items)
        self.findings.command(line, detail, self.decoded)

    def _call(self, node) -> None:
        ast, add = self.ast, self.findings.add
        self.budget = 5000
        name = self.qualname(node.func) or ""
        args, kw = node.args, {k.arg: k.value for k in node.keywords if k.arg}
        first = args[0] if args else None
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        attr = node.func.attr if receiver is not None else ""
        detail = self._source(node)
        path = self.text(first) if first is not None else DYN
        if name in ("eval", "exec", "builtins.eval", "builtins.exec") and first is not None:
            self.decoded = False
            code = self.text(first)
            if DYN in code or self.decoded:
                add("code.dynamic-eval", None, detail)
            if DYN not in code:
                _analyze("python", code, self.findings, self.depth + 1)
        elif name == "shutil.rmtree":
            add("code.delete-tree", path, detail)
        elif name in _PY_DELETE_FILE:
            add("code.delete-file", path, detail)
        elif name == "os.truncate":
            add("code.truncate-file", path, detail)
        elif attr in ("unlink", "rmdir", "rmtree") and not args:  # Path('x').unlink()
            add("code.delete-tree" if attr == "rmtree" else "code.delete-file", self.text(receiver), detail)
        elif attr in ("write_text", "write_bytes") and path == "" and self.is_path(receiver):
            add("code.truncate-file", self.text(receiver), detail)
        elif name in ("open", "io.open", "builtins.open"):
            mode = args[1] if len(args) > 1 else kw.get("mode")
            self.findings.open_for_write(path, self.text(mode) if mode else "r", detail)
        elif attr == "open" and self.is_path(receiver):
            mode = first or kw.get("mode")
            self.findings.open_for_write(self.text(receiver), self.text(mode) if mode else "r", detail)
        elif name in _PY_SHELL_LINE:
            self._run(first or kw.get("cmd"), detail, shell=True)
        elif name in _PY_SUBPROCESS:
            shell = kw.get("shell")
            self._run(first or kw.get("args"), detail,
                      shell=shell is not None and not (isinstance(shell, ast.Constant) and not shell.value))
        elif name == "pty.spawn":
            self._run(first, detail, shell=False)
        elif name == "asyncio.create_subprocess_exec":
            self.findings.command(_argv_line([self.text(a) for a in args]), detail)
        elif m := _PY_EXEC.match(name):
            offset = 1 if m.group(1) == "spawn" else 0  # spawn* take a mode first
            program = self.text(args[offset]) if len(args) > offset else DYN
            if m.group(2) == "l":  # argv as separate arguments, then env for the *e forms
                argv = [self.text(a) for a in args[offset + 1:]][: -1 if m.group(3) else None]
            else:
                argv = (self.argv(args[offset + 1]) if len(args) > offset + 1 else None) or [DYN, DYN]
            # argv[0] is only a label: the program run is the path argument
            self.findings.command(_argv_line([program] + argv[1:]), detail)
        elif (url := self._http_delete_url(name, args, kw)) is not None:
            add("code.http-delete", url, detail)
        elif attr in ("execute", "executemany", "executescript", "exec_driver_sql") and first is not None:
            self.findings.sql(path)
        elif name in ("__import__", "importlib.import_module") and DYN in path:
            add("code.dynamic-eval", None, detail)
        elif name == "getattr" and len(args) > 1 and DYN in self.text(args[1]) and (
                (self.qualname(first) or "").split(".")[0] in ("os", "shutil", "subprocess", "builtins", "pty")):
            add("code.dynamic-eval", None, detail)  # getattr(os, name)(...)

    def _source(self, node) -> str:
        """The call as written, its first line only (ast's offsets count UTF-8 bytes)."""
        line = self.lines[node.lineno - 1].encode()
        end = node.end_col_offset if node.end_lineno == node.lineno else len(line)
        return line[node.col_offset:end].decode("utf-8", "replace").replace(_PY_DYN, "$?")

    def _http_delete_url(self, name: str, args, kw) -> str | None:
        """The URL of the HTTP DELETE request this call makes; None if it makes none."""
        urls = [self.text(a) for a in args] + ([self.text(kw["url"])] if "url" in kw else [])
        tail = name.rpartition(".")[2]
        if tail == "delete":  # requests.delete, httpx.Client().delete, session.delete('https://...')
            if name.split(".")[0] in _PY_HTTP_MODULES or urls and _URL.match(urls[0]):
                return urls[0] if urls else DYN
            return None
        if "method" in kw:
            method = self.text(kw["method"])
        elif tail in ("request", "Request", "stream") and urls:
            method, urls = urls[0], urls[1:]
        else:
            return None
        if method.upper() != "DELETE":
            return None
        return next((u for u in urls if _URL.match(u)), urls[0] if urls else DYN)


# ---------------------------------------------------------------- other languages, read as tokens

_PH_RE = r"\x01\d+\x01"  # a literal's place in the skeleton
_PH = re.compile(r"\x01(\d+)\x01")


@dataclass
class _Literal:
    value: str  # DYN marks interpolated parts
    source: str  # as written
    kind: str  # "str", "shell" (backticks, qx, %x), "template" (JS `...`), "regex", "list" (qw, %w)


class _Unreadable(Exception):
    pass


# family: (line-comment markers, /* */ comments, quote characters)
_SYNTAX = {"node": (("//",), True, "'\"`"), "perl": (("#",), False, "'\"`"), "ruby": (("#",), False, "'\"`"),
           "php": (("//", "#"), True, "'\"`"), "awk": (("#",), False, '"'), "lua": (("--",), False, "'\"")}
_INTERPOLATION = {  # run-time parts inside interpolating strings
    "node": re.compile(r"\$\{(?:[^{}]|\{[^{}]*\})*\}"),
    "perl": re.compile(r"[$@](?:\{[^}]*\}|(?:::)?\w+(?:::\w+)*)"  # $x, ${x}, @x, then [i] {k} ->[i]
                       r"(?:\[[^\]]*\]|\{[^}]*\}|->[\[{][^\]}]*[\]}])*"),
    "ruby": re.compile(r"#\{(?:[^{}]|\{[^{}]*\})*\}|#[@$]\w+"),
    "php": re.compile(r"\{\$(?:[^{}]|\{[^{}]*\})*\}|\$\{[^}]*\}|\$\w+(?:->\w+|\[[^\]]*\])*"),
}
_QUOTE_LIKE = {  # perl q// qq// qx// qw// (m// s/// tr/// are regexes); ruby %q() %Q() %x() %w()
    "perl": (re.compile(r"(?<![\w$@%&>:-])(qq|qx|qw|qr|q|m|s|tr|y)\s*([^\w\s,;)\]}=>])"),
             {"q": ("str", False), "qq": ("str", True), "qx": ("shell", True), "qw": ("list", False)}),
    "ruby": (re.compile(r"(?<![\w)\]}])(%[qQxwWir])([^\w\s])"),
             {"%q": ("str", False), "%Q": ("str", True), "%x": ("shell", True), "%w": ("list", False),
              "%W": ("list", True), "%i": ("list", False)}),
}
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_ESCAPE = re.compile(r"\\(?:x\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{1,2})|u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})"
                     r"|([0-7]{1,3})|(.))", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b", "a": "\a", "f": "\f", "v": "\v", "\n": ""}
# A '/' after these starts a regex literal, not a division.
_REGEX_AFTER = re.compile(r"(?:^|[(,=:\[!&|?{};~+*%<>\n-]|\b(?:return|typeof|split|grep|if|unless|and|or|not))"
                          r"\s*$")
_HOME = (r"os\.homedir\(\)|(?:process|Bun)\.env\.HOME\b|Dir\.home\b"
         r"|(?:process\.env|ENV|\$_SERVER|\$_ENV|ENVIRON)\s*\[\s*{S}\s*\]|\$ENV\{\s*(?:HOME|{S})\s*\}"
         r"|(?:getenv|Deno\.env\.get)\s*\(\s*{S}\s*\)")  # {S}: the string 'HOME'
_HOME_IN_TEXT = re.compile(_HOME.replace("{S}", r"""['"]HOME['"]"""))
_HOME_IN_SKELETON = re.compile(_HOME.replace("{S}", _PH_RE))


def _interpolated(expression: str) -> str:
    inner = re.fullmatch(r"[#$]?\{(.*)\}", expression, re.S)  # #{...}, ${...}, {$...}
    return "~" if _HOME_IN_TEXT.fullmatch(inner.group(1) if inner else expression) else DYN


def _read_quoted(family: str, code: str, i: int, close: str, interpolates: bool,
                 opener: str = "") -> tuple[str, int]:
    """The value of the string whose body starts at i, and the index after its closing quote."""
    parts, depth = [], 0
    interpolation = _INTERPOLATION.get(family) if interpolates else None
    while i < len(code):
        c = code[i]
        if c == "\\" and i + 1 < len(code):
            if not interpolates and family != "node":  # perl/ruby/php '...': only \\ and \' escape
                parts.append(code[i + 1] if code[i + 1] in (close, "\\", opener) else code[i:i + 2])
                i += 2
                continue
            m = _ESCAPE.match(code, i)
            number = next((g for g in m.groups()[:5] if g), None)
            parts.append(chr(int(number, 8 if m.group(5) else 16)) if number else
                         _SIMPLE_ESCAPES.get(m.group(6), m.group(6)))
            i = m.end()
            continue
        if c == close and depth == 0:
            return "".join(parts), i + 1
        depth += (c == opener) - (c == close)
        if interpolation and (m := interpolation.match(code, i)):
            parts.append(_interpolated(m.group()))
            i = m.end()
            continue
        parts.append(c)
        i += 1
    raise _Unreadable(f"unterminated string near {code[max(0, i - 40):i]!r}")


def _regex_end(code: str, i: int) -> int | None:
    """The end of a /regex/ literal starting at i; None if this '/' does not start one."""
    in_class, j = False, i + 1
    while j < len(code) and code[j] != "\n":
        if code[j] == "\\":
            j += 1
        elif code[j] in "[]":
            in_class = code[j] == "["
        elif code[j] == "/" and not in_class:
            return re.compile(r"[a-z]*").match(code, j + 1).end()
        j += 1
    return None


def _tokenize(family: str, code: str) -> tuple[str, list[_Literal]]:
    """The code with every literal replaced by a placeholder and every comment by a space."""
    line_comments, block_comments, quotes = _SYNTAX[family]
    quote_like, kinds = _QUOTE_LIKE.get(family, (None, {}))
    out: list[str] = []
    literals: list[_Literal] = []

    def emit(value: str, start: int, end: int, kind: str) -> int:
        literals.append(_Literal(value, code[start:end], kind))
        out.append(f"\x01{len(literals) - 1}\x01")
        return end

    i = 0
    while i < len(code):
        c = code[i]
        if block_comments and code.startswith("/*", i):
            end = code.find("*/", i + 2)
            if end < 0:
                raise _Unreadable("unterminated comment")
            out.append(" ")
            i = end + 2
        elif quote_like and (m := quote_like.match(code, i)):
            op, opener = m.groups()
            close = _PAIRS.get(opener, opener)
            nesting = opener if close != opener else ""
            kind, interpolates = kinds.get(op, ("regex", False))
            value, end = _read_quoted(family, code, m.end(), close, interpolates, nesting)
            if op in ("s", "tr", "y"):  # a second part: s/a/b/ or s{a}{b}
                start = re.compile(r"\s*.").match(code, end).end() if nesting else end
                _, end = _read_quoted(family, code, start, close, False, nesting)
            i = emit(value, i, re.compile(r"[a-z]*").match(code, end).end() if kind == "regex" else end, kind)
        elif any(code.startswith(mark, i) for mark in line_comments) and code[i - 1:i] != "$":  # perl $#x
            end = code.find("\n", i)
            i = len(code) if end < 0 else end
        elif c in quotes:
            kind = ("template" if family == "node" else "shell") if c == "`" else "str"
            value, end = _read_quoted(family, code, i + 1, c, c != "'" and (family != "node" or c == "`"))
            i = emit(value, i, end, kind)
        elif c == "/" and family != "php" and _REGEX_AFTER.search("".join(out[-20:])) and (
                end := _regex_end(code, i)):
            i = emit("", i, end, "regex")
        else:
            out.append(c)
            i += 1
    return "".join(out), literals


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


_STATEMENT_END = re.compile(r"[;)\]}\n]|(?<![\w$])(?:or|and|if|unless|for|foreach|while|until)\b|&&|\|\|")
# Arguments that are options, callbacks or numbers rather than paths and command words.
_OPTION = re.compile(r"\{|\d+\s*$|[\w$]+\s*:(?!:)|:\w|function\b|async\b|(?:\([^()]*\)|[\w$]+)\s*=>")
_PATH_BUILDER = re.compile(r"(?:[A-Za-z_$][\w$]*(?:\.|::|->))*(?:glob|join|resolve|normalize|expand_path|"
                           r"realpath|abs_path|rel2abs|catfile|catdir|new|Path|Dir)\s*[(\[]")
_DECODER = re.compile(r"\b(?:atob|decode_base64|decode64|base64_decode|b64decode|hex2bin|str_rot13|gzinflate|"
                      r"gzuncompress|fromCharCode|unpack|pack|unhexlify)\b|Buffer\.from\s*\(")
_HTTP_CLIENTS = {"axios", "got", "superagent", "request", "needle", "ky", "RestClient", "HTTParty", "Faraday",
                 "Http", "HTTP", "http", "ua", "Net::HTTP"}
_HTTP_METHOD = re.compile(  # {method: 'DELETE'}, open('DELETE', url), HTTP::Request->new(DELETE => url), ...
    r"(?:\b(?:method|type|CURLOPT_CUSTOMREQUEST)\b|\x01(\d+)\x01)\s*(?:=>|:|=|,)\s*\x01(\d+)\x01"
    r"|(?:request|Request|open|new)\s*\(\s*\x01(\d+)\x01\s*,"
    r"|HTTP::Request\s*->\s*new\s*\(\s*DELETE\b|\bNet::HTTP::Delete\b|\bmethod\s*(?::|=>)\s*:delete\b")
_CHILD_PROCESS = r"(?:(?<![\w$.])|(?:child_process|childProcess|cp|require\(" + _PH_RE + r"\))\s*\.\s*)"
_PERL, _PHP = r"(?<![\w$@%&>:-])", r"(?<![\w$>:])"  # a function, not a method or variable
_RULES = [(families.split(), re.compile(callee + r"(?![\w$])"), action) for families, callee, action in [
    ("node", r"\b(?:rimraf(?:\.sync|Sync)?|deleteSync"
             r"|(?:fs|fse|fsExtra)\.(?:remove|removeSync|emptyDir|emptyDirSync))", "tree"),
    ("node", r"(?<![\w$])(?:rmSync|rmdirSync|rmdir|rm|Deno\.removeSync|Deno\.remove)", "tree-if-recursive"),
    ("node", r"(?<![\w$])(?:unlinkSync|unlink)", "file"),
    ("node", r"(?<![\w$])(?:truncateSync|truncate|ftruncateSync)", "truncate"),
    ("node", r"(?<![\w$])(?:writeFileSync|writeFile|Deno\.writeTextFileSync|Deno\.writeTextFile|Bun\.write)",
     "truncate-if-empty"),
    ("node", _CHILD_PROCESS + r"(?:execSync|exec)", "child-process-shell"),
    ("node", _CHILD_PROCESS + r"(?:spawnSync|spawn|execFileSync|execFile)", "child-process-argv"),
    ("node", r"\b(?:Deno\.(?:Command|run)|Bun\.(?:spawnSync|spawn))", "argv"),
    ("node", r"(?<![\w$.])eval|\bvm\.runIn\w*Context|\bnew\s+vm\.Script", "eval"),
    ("node", r"\bnew\s+Function", "eval-last"),
    ("node", r"(?<![\w$.])(?:require|import)", "dynamic-import"),
    ("perl", _PERL + r"(?:File::Path::)?(?:rmtree|remove_tree)", "tree"),
    ("perl", r"->\s*(?:remove_tree|rmtree)", "receiver-tree"),
    ("perl", _PERL + r"(?:unlink|rmdir)", "file"),
    ("perl", _PERL + r"truncate", "truncate"),
    ("perl", _PERL + r"open", "perl-open"),
    ("perl", _PERL + r"(?:system|exec)", "argv"),
    ("perl", _PERL + r"eval", "eval"),
    ("ruby", r"\bFileUtils\s*(?:\.|::)\s*(?:rm_rf|rm_r|remove_dir|remove_entry_secure|remove_entry|rmtree)"
             r"|(?<![\w.:])(?:rm_rf|rm_r)", "tree"),
    ("ruby", r"(?<!FileUtils)\.\s*rmtree", "receiver-tree"),
    ("ruby", r"\b(?:File|FileUtils|Dir)\s*(?:\.|::)\s*"
             r"(?:delete|unlink|rm_f|rm|remove_file|remove|rmdir|safe_unlink)", "file"),
    ("ruby", r"\bFile\s*\.\s*truncate", "truncate"),
    ("ruby", r"\bFile\s*\.\s*(?:write|binwrite)", "truncate-if-empty"),
    ("ruby", r"\bFile\s*\.\s*open", "open-write"),
    ("ruby", r"(?<![\w.:$@])(?:system|exec|spawn)|\b(?:Kernel|Process)\s*\.\s*(?:system|exec|spawn)"
             r"|\bIO\s*\.\s*popen|\bOpen3\s*\.\s*\w+", "argv"),
    ("ruby", r"(?<![\w.:])eval|\.\s*(?:instance_eval|class_eval|module_eval)", "eval"),
    ("php", r"\b(?:File|Storage)::deleteDirectory", "tree"),
    ("php", _PHP + r"(?:unlink|rmdir)|\bFile::delete", "file"),
    ("php", _PHP + r"ftruncate", "truncate"),
    ("php", _PHP + r"file_put_contents", "truncate-if-empty"),
    ("php", _PHP + r"fopen", "open-write"),
    ("php", _PHP + r"array_(?:map|walk)", "php-callback"),
    ("php", _PHP + r"(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)", "shell"),
    ("php", _PHP + r"(?:eval|assert)", "eval"),
    ("awk", r"\bsystem", "shell"),
    ("lua", r"\b(?:os\s*\.\s*execute|io\s*\.\s*popen)", "shell"),
    ("lua", r"\bos\s*\.\s*remove", "file"),
    ("lua", r"(?<![\w.])(?:loadstring|load|dofile)", "eval"),
    ("node perl ruby php", r"(?:\.|->|::)\s*(?:delete|del)", "http-delete"),
    ("node perl ruby php", r"(?:\.|->)\s*(?:execute|executescript|exec|query|run|prepare|do|raw|unsafe)"
                           r"|" + _PHP + r"(?:mysqli_query|pg_query|mysql_query)", "sql"),
]]
_DELETE_KINDS = {"tree": "code.delete-tree", "file": "code.delete-file", "truncate": "code.truncate-file"}


class _TokenReader:
    def __init__(self, family: str, code: str, findings: CodeFindings, depth: int):
        self.family, self.code, self.findings, self.depth = family, code, findings, depth

    def read(self) -> None:
        try:
            self.skel, self.lits = _tokenize(self.family, self.code)
        except _Unreadable as error:
            self.findings.add("code.unparseable", None, f"{self.family}: {error}")
            return
        self.skel = _HOME_IN_SKELETON.sub(self._home, self.skel)
        if DYN in self.skel:
            self.findings.add("code.dynamic-eval", None, f"{self.family} code built at run time")
        for n, lit in enumerate(self.lits):
            tag = lit.kind == "template" and re.search(rf"(?:(?<![\w$])\$|\bsql)\s*\x01{n}\x01", self.skel)
            if lit.kind == "shell" or tag and tag.group().startswith("$"):
                self.findings.command(lit.value, lit.source)  # backticks, qx{}, %x(), Bun's $`...`
            elif tag:  # sql`...` of postgres.js and Bun.sql
                self.findings.sql(lit.value)
        for families, pattern, action in _RULES:
            for m in pattern.finditer(self.skel) if self.family in families else ():
                if (call := self._call_args(m.end())) is not None:
                    self._apply(action, m, call[0], self._restore(self.skel[m.start():call[1]]))
        for m in _HTTP_METHOD.finditer(self.skel):
            key, method = m.group(1), m.group(2) or m.group(3)
            if (key is None or self.lits[int(key)].value.lower() in ("method", "type")) and (
                    method is None or self.lits[int(method)].value.upper() == "DELETE"):
                url = next((lit.value for lit in self.lits if _URL.match(lit.value)), DYN)
                self.findings.add("code.http-delete", url, self._restore(m.group()))
        if self.family == "awk":
            self._awk_pipes()

    def _home(self, m: re.Match) -> str:
        """`os.homedir()`, `ENV['HOME']`, ... become the literal '~'."""
        if not _HOME_IN_TEXT.fullmatch(self._restore(m.group())):
            return m.group()
        self.lits.append(_Literal("~", m.group(), "str"))
        return f"\x01{len(self.lits) - 1}\x01"

    def _restore(self, text: str) -> str:
        return _PH.sub(lambda m: self.lits[int(m.group(1))].source, text).strip()

    def _awk_pipes(self) -> None:
        """print x | "cmd" and "cmd" | getline run cmd with sh; print x | "sh" runs x."""
        printing = r"\b(?:print|printf)\b([^;|}\n>]*)(\|(?!\|)|>(?!>))\s*(" + _PH_RE + r"|[\w$]+)"
        for m in re.finditer(printing, self.skel):
            printed, operator, destination = m.group(1).strip(), m.group(2), self._value(m.group(3))
            detail = self._restore(m.group())
            if operator == ">":
                self.findings.open_for_write(destination, "w", detail)
            elif re.match(r"\s*(?:\S*/)?(?:ba|da|z|k)?sh(?:\s|$)", destination):
                args = _split_top(printed)
                self.findings.command(" ".join(self._value(a) for a in args) if args else DYN, detail)
            else:
                self.findings.command(destination, detail)
        for m in re.finditer(r"(" + _PH_RE + r"|[\w$]+)\s*\|\s*getline", self.skel):
            self.findings.command(self._value(m.group(1)), self._restore(m.group()))

    def _call_args(self, pos: int) -> tuple[list[str], int] | None:
        """The argument texts of the call whose callee ends at pos, and where the call ends."""
        s = self.skel
        i = re.compile(r"[ \t]*").match(s, pos).end()
        if s[i:i + 1] == "(":
            depth, j = 0, i
            while j < len(s) and (depth := depth + (s[j] in "([{") - (s[j] in ")]}")) > 0:
                j += 1
            return _split_top(s[i + 1:j]), j + 1
        if self.family not in ("perl", "ruby") or re.compile(r"\s*(?:=[^=~]|\.|->|::)").match(s, i):
            return None  # parentheses are required, or this is an assignment or a method chain
        depth, j = 0, i
        while j < len(s) and not (depth == 0 and _STATEMENT_END.match(s, j)):
            depth += (s[j] in "([{") - (s[j] in ")]}")
            j += 1
        return _split_top(s[i:j]), j

    def _value(self, arg: str, path: bool = False) -> str:
        """The string an argument evaluates to, DYN for run-time parts. With path, calls that
        only build a path (glob("*.db"), path.join('a', 'b'), Dir["x"]) are seen through."""
        if path and (m := re.fullmatch(r"<([^<>$]+)>", arg.strip())):  # perl's <*.db> glob
            return m.group(1)
        out = []
        for n, part in enumerate(_PH.split(arg)):
            if n % 2:
                lit = self.lits[int(part)]
                out.append(lit.value if lit.kind in ("str", "template", "list") else DYN)
                continue
            part = _PATH_BUILDER.sub("", part) if path else part
            rest = re.sub(r"[\s+.()\[\],]" if path else r"[\s+.()\[\]]", "", part)  # concatenation
            out.append(DYN if rest else "/" if path and "," in part else "")
        return re.sub(DYN + "+", DYN, "".join(out))

    def _items(self, args: list[str], path: bool = False) -> tuple[list[str], bool]:
        """The values of the positional arguments with list literals spread; and whether one was a list."""
        items, listy = [], False
        for arg in args:
            if arg.startswith("{"):  # Deno.run({cmd: [...]}), Deno.Command(p, {args: [...]})
                inner = re.search(r"\b(?:cmd|args)\s*:\s*(\[.*\])", arg, re.S)
                if not inner:
                    continue
                arg = inner.group(1)
            if _OPTION.match(arg):
                continue
            lit = self.lits[int(m.group(1))] if (m := _PH.fullmatch(arg)) else None
            if arg.startswith("[") and arg.endswith("]"):
                items += [self._value(a, path) for a in _split_top(arg[1:-1])]
            elif lit is not None and lit.kind == "list":
                items += lit.value.split()
            else:
                items.append(self._value(arg, path))
                continue
            listy = True
        return items, listy

    def _run(self, args: list[str], detail: str) -> None:
        items, listy = self._items(args)
        if items:
            line = items[0] if len(items) == 1 and not listy else _argv_line(items)
            self.findings.command(line, detail, bool(_DECODER.search(" ".join(args))))

    def _apply(self, action: str, m: re.Match, args: list[str], detail: str) -> None:
        add = self.findings.add
        if action == "tree-if-recursive":  # options not written out ({...} or a callback) may say recursive
            unseen_options = len(args) > 1 and not _OPTION.match(args[1])
            recursive = unseen_options or re.search(r"""['"]?recursive['"]?\s*:\s*(?:true|!0|1)""", detail)
            action = "tree" if recursive else "file"
        if action in _DELETE_KINDS:  # in node and php the arguments after the path are options
            paths = args[:1] if self.family in ("node", "php") else args
            for target in self._items(paths, path=True)[0] or [DYN]:  # perl's bare `unlink;` deletes $_
                add(_DELETE_KINDS[action], target, detail)
        elif action == "receiver-tree":  # Pathname.new("x").rmtree, path("x")->remove_tree
            built = re.search(r"(?:Pathname(?:\.new)?|path)\s*\(\s*\x01(\d+)\x01\s*\)\s*$",
                              self.skel[:m.start()])
            add("code.delete-tree", self.lits[int(built.group(1))].value if built else DYN, detail)
        elif action == "truncate-if-empty" and len(args) > 1 and self._value(args[1]) == "":
            add("code.truncate-file", self._value(args[0], path=True), detail)
        elif action == "open-write" and len(args) > 1:
            self.findings.open_for_write(self._value(args[0], path=True), self._value(args[1]), detail)
        elif action == "perl-open" and len(args) > 1:  # open(F, "cmd |"), open(F, ">x"), open(F, ">", "x")
            spec = self._value(args[1]).strip()
            if len(args) == 2 and (pipe := re.fullmatch(r"\|(.*)|(.*?)\|", spec, re.S)):
                self.findings.command(pipe.group(1) or pipe.group(2), detail)
            elif len(args) == 2 and (out := re.fullmatch(r"(\+?>+)\s*(.*)", spec, re.S)):
                self.findings.open_for_write(out.group(2), out.group(1), detail)
            elif spec in ("-|", "|-"):
                self._run(args[2:], detail)
            elif len(args) > 2:
                self.findings.open_for_write(self._value(args[2], path=True), spec, detail)
        elif action == "php-callback" and len(args) > 1 and self._value(args[0]) in ("unlink", "rmdir"):
            add("code.delete-file", self._value(args[1], path=True), detail)  # array_map('unlink', glob(..))
        elif action in ("shell", "argv") or action.startswith("child-process") and any(
                "child_process" in lit.value for lit in self.lits):
            self._run(args[:1] if action.endswith("shell") else args, detail)
        elif action in ("eval", "eval-last") and not (args and args[0].startswith("{")):  # perl eval {BLOCK}
            code = self._value(args[-1] if action == "eval-last" else args[0]) if args else DYN
            if DYN in code or _DECODER.search(" ".join(args)):
                add("code.dynamic-eval", None, detail)
            if DYN not in code:
                _analyze(self.family, code, self.findings, self.depth + 1)
        elif action == "dynamic-import" and args and not _PH.fullmatch(args[0]):  # require('child_' + x)
            add("code.dynamic-eval", None, detail)
        elif action == "http-delete":
            url = self._value(args[0]) if args else DYN
            receiver = re.search(r"([\w$:]+)\s*(?:\.|->|::)\s*(?:delete|del)$", self.skel[:m.end()])
            if _URL.match(url) or receiver and receiver.group(1).lstrip("$") in _HTTP_CLIENTS:
                add("code.http-delete", url, detail)
        elif action == "sql":
            for text in map(self._value, args):
                if _SQL.match(text):
                    self.findings.sql(text)
