"""What code handed to an interpreter (python -c, node -e, perl -e, ruby -e, php -r,
deno eval, bun -e, awk programs) will do to files, processes and remote APIs.

`analyze_code(language, code)` returns `CodeFindings`:
- `shell_commands`: literal command lines the code gives to a shell or spawns (argv lists
  joined with shlex.join), for the shell analyser to parse and judge;
- `sql_statements`: SQL given to a database driver (DYN marks run-time parts);
- `effects`, of these kinds (target: the literal path or URL, DYN for run-time parts):
    code.delete-tree     recursive delete: shutil.rmtree, fs.rmSync(p, {recursive: true}),
                         rimraf, File::Path rmtree, FileUtils.rm_rf, Deno.remove(p, {recursive})
    code.delete-file     one file or empty directory: os.remove, Path.unlink, fs.unlinkSync,
                         perl/php unlink, File.delete, rmdir
    code.truncate-file   a file cut short: os.truncate, writing '' over a file, opening a
                         database file (*.db, *.sqlite3, *.dump), /etc or ~/.ssh file for writing
    code.http-delete     an HTTP DELETE request (target: the URL)
    code.dynamic-shell   a command line or argv built at run time (target: the text, DYN inside)
    code.dynamic-eval    code built at run time or decoded (base64, hex) is executed, or run-time
                         text sits outside string literals
    code.unparseable     the code cannot be read (syntax error, unterminated string)
Python is read with `ast` (import aliases and single assignments resolved); the other
languages by a tokenizer that sets strings and comments apart, then patterns over the rest.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from guardsh.model import DYN, Effect

_MAX_DEPTH = 8  # eval of a literal that evals a literal ...
_FAMILY = {"python": "python", "node": "node", "deno": "node", "bun": "node",
           "perl": "perl", "ruby": "ruby", "php": "php", "awk": "awk"}
# Opening these for writing destroys data, unlike writing an ordinary output file.
_CLOBBER = re.compile(r"\.(?:db|sqlite3?|dump)$|^/etc/|(?:^|/)\.ssh/")
_URL = re.compile(r"https?://")
_SQL = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|CREATE|WITH|REPLACE|"
                  r"MERGE|GRANT|REVOKE|PRAGMA|VACUUM|ATTACH)\b", re.I)
_SHELL_PROGRAM = re.compile(r"\s*(?:\S*/)?(?:ba|da|z|k)?sh(?:\s|$)")


@dataclass
class CodeFindings:
    effects: list[Effect] = field(default_factory=list)
    shell_commands: list[str] = field(default_factory=list)
    sql_statements: list[str] = field(default_factory=list)

    def add(self, kind: str, target: str | None, detail: str) -> None:
        self.effects.append(Effect(kind, target, detail[:200]))

    def command(self, line: str, detail: str, decoded: bool = False) -> None:
        """A command line the code runs; decoded: it comes out of base64/hex."""
        if decoded:
            self.add("code.dynamic-eval", line, detail)
        if DYN in line:
            self.add("code.dynamic-shell", line, detail)
        elif line.strip():
            self.shell_commands.append(line)

    def sql(self, text: str) -> None:
        if text.replace(DYN, "").strip():
            self.sql_statements.append(text)


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
    return " ".join(items) if any(DYN in i for i in items) else shlex.join(items)


# ---------------------------------------------------------------- python (ast)

_PY_DYN = "__guardsh_dyn__"  # stands for DYN while ast parses (ast refuses NUL)
_PY_DELETE_FILE = {"os.remove", "os.unlink", "os.rmdir", "os.removedirs",
                   "pathlib.Path.unlink", "pathlib.Path.rmdir"}
_PY_SHELL_LINE = {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                  "commands.getoutput", "asyncio.create_subprocess_shell"}
_PY_SUBPROCESS = {"subprocess." + f for f in ("run", "call", "check_call", "check_output", "Popen")}
_PY_EXEC = re.compile(r"os\.(exec|spawn|posix_spawn)(l|v)?p?(e)?$")
_PY_HTTP_MODULES = {"requests", "httpx", "aiohttp", "urllib3"}
_PY_PATH = {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.path.join"}
_PY_PASSTHROUGH = {"str", "os.fspath", "os.path.expanduser", "os.path.abspath", "os.path.realpath",
                   "os.path.normpath", "textwrap.dedent", "compile", "sqlalchemy.text"}
_PY_STR_METHODS = {"decode", "encode", "strip", "lstrip", "rstrip", "expanduser", "resolve",
                   "absolute", "as_posix"}
_PY_DECODERS = {"base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode",
                "base64.b32decode", "base64.b16decode", "base64.decodebytes", "binascii.a2b_base64",
                "binascii.unhexlify", "binascii.a2b_hex", "bytes.fromhex", "codecs.decode"}
_PY_KNOWN = _PY_DELETE_FILE | _PY_SHELL_LINE | _PY_SUBPROCESS | _PY_PATH | _PY_DECODERS | {
    "shutil.rmtree", "os.truncate", "os.system"}
_PRINTF = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdrifx]")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


def _py_decode(qualname: str, text: str, codec: str) -> str:
    """The literal decoded as the named function would; DYN when that fails."""
    import importlib

    try:
        if qualname == "codecs.decode":
            data = importlib.import_module("codecs").decode(
                text if "rot" in codec else text.encode(), codec)
        elif qualname == "bytes.fromhex":
            data = bytes.fromhex(text)
        else:
            module, _, name = qualname.rpartition(".")
            data = getattr(importlib.import_module(module), name)(text.encode())
    except (ValueError, TypeError, LookupError):
        return DYN
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


class _PythonReader:
    def __init__(self, code: str, findings: CodeFindings, depth: int):
        import ast

        self.ast, self.findings, self.depth = ast, findings, depth
        self.code = code.replace(DYN, _PY_DYN)
        self.aliases: dict[str, str] = {}  # local name -> qualified name (imports)
        self.bindings: dict[str, list] = {}  # name -> the values assigned to it
        self.loops: dict[str, object] = {}  # loop variable -> what it iterates over
        self.star_modules: list[str] = []
        self.resolving: set[str] = set()  # guards against x = x + '...'

    def read(self) -> None:
        ast = self.ast
        try:
            tree = ast.parse(self.code)
        except (SyntaxError, ValueError) as error:
            self.findings.add("code.unparseable", None, f"python: {error}")
            return
        self._collect_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and _PY_DYN in node.id:
                self.findings.add("code.dynamic-eval", None, "python code built at run time")
            elif isinstance(node, ast.Call):
                self._call(node)

    def _collect_names(self, tree) -> None:
        ast = self.ast
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    if a.name == "*":
                        self.star_modules.append(node.module)
                    else:
                        self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name):  # an AugAssign counts as a second value
                        self.bindings.setdefault(t.id, []).append(node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                if isinstance(node.target, ast.Name):
                    self.loops[node.target.id] = node.iter
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                self.bindings.setdefault(node.optional_vars.id, []).append(node.context_expr)

    def _bound(self, name: str):
        values = self.bindings.get(name, [])
        return values[0] if len(values) == 1 and name not in self.resolving else None

    def qualname(self, node) -> str | None:
        """`shutil.rmtree` for `s.rmtree`, `rmtree`, `__import__('shutil').rmtree`, ..."""
        ast = self.ast
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.aliases:
                return self.aliases[name]
            bound = self._bound(name) or (self.loops.get(name) if name not in self.resolving else None)
            if bound is not None:
                self.resolving.add(name)
                try:
                    return self.qualname(bound)
                finally:
                    self.resolving.discard(name)
            starred = [f"{m}.{name}" for m in self.star_modules if f"{m}.{name}" in _PY_KNOWN]
            return starred[0] if starred else name
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return base and f"{base}.{node.attr}"
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
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes, int, float)):
            value = node.value.decode("utf-8", "replace") if isinstance(node.value, bytes) else str(node.value)
            return value.replace(_PY_DYN, DYN)
        if isinstance(node, ast.JoinedStr):
            return "".join(self.text(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values)
        if isinstance(node, ast.BinOp):
            left, right = self.text(node.left), self.text(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Div) and self.is_path(node.left):
                return f"{left}/{right}"
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
                return _PRINTF.sub(DYN, left)
            return DYN
        if isinstance(node, ast.Name):
            return self._name_text(node.id)
        if isinstance(node, ast.Subscript):
            if self.qualname(node.value) == "os.environ" and self.text(node.slice) == "HOME":
                return "~"
            step = node.slice.step if isinstance(node.slice, ast.Slice) else None
            if isinstance(step, ast.UnaryOp) and self.text(step.operand) == "1":
                return self.text(node.value)[::-1]  # 'fr- mr'[::-1]
            return DYN
        if isinstance(node, ast.Call):
            return self._call_text(node)
        return DYN

    def _name_text(self, name: str) -> str:
        bound = self._bound(name)
        loop = self.loops.get(name)
        if bound is None and loop is None or name in self.resolving:
            return DYN
        self.resolving.add(name)
        try:
            return self.text(bound) if bound is not None else self._loop_text(loop)
        finally:
            self.resolving.discard(name)

    def _loop_text(self, iterable) -> str:
        """What a loop variable stands for: the glob pattern it walks, when there is one."""
        ast = self.ast
        if isinstance(iterable, (ast.List, ast.Tuple)) and len(iterable.elts) == 1:
            return self.text(iterable.elts[0])
        if not isinstance(iterable, ast.Call) or not iterable.args:
            return DYN
        name, pattern = self.qualname(iterable.func) or "", self.text(iterable.args[0])
        if name in ("glob.glob", "glob.iglob"):
            return pattern
        if name == "os.listdir":
            return f"{pattern}/*"
        if isinstance(iterable.func, ast.Attribute) and self.is_path(iterable.func.value):
            sep = {"glob": "/", "rglob": "/**/"}.get(iterable.func.attr)
            return f"{self.text(iterable.func.value)}{sep}{pattern}" if sep else DYN
        return DYN

    def _call_text(self, node) -> str:
        ast = self.ast
        name = self.qualname(node.func) or ""
        args = [self.text(a) for a in node.args]
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name in _PY_PATH:
            return "/".join(args) or "."
        if name in _PY_PASSTHROUGH:
            return args[0] if args else DYN
        if name in ("pathlib.Path.home",) or name in ("os.getenv", "os.environ.get") and args[:1] == ["HOME"]:
            return "~"
        if name in ("os.getcwd", "pathlib.Path.cwd"):
            return "."
        if name == "chr" and args and args[0].isdigit():
            return chr(int(args[0]))
        if name in _PY_DECODERS:
            return DYN if not args or DYN in args[0] else _py_decode(name, args[0], (args[1:] or [""])[0])
        if isinstance(node.func, ast.Attribute):
            receiver = self.text(node.func.value)
            if attr == "join" and isinstance(node.func.value, ast.Constant) and node.args:
                items = self.argv(node.args[0])
                return receiver.join(items) if items is not None else DYN
            if attr == "format":
                return _FORMAT_FIELD.sub(DYN, receiver)
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
        if isinstance(node, ast.Name) and (bound := self._bound(node.id)) is not None:
            self.resolving.add(node.id)
            try:
                return self.argv(bound)
            finally:
                self.resolving.discard(node.id)
        if isinstance(node, ast.Call) and self.qualname(node.func) == "shlex.split" and node.args:
            line = self.text(node.args[0])
            return None if DYN in line else shlex.split(line)
        return None

    def _decoded(self, node) -> bool:
        """Whether `node` passes through a base64/hex decoder (directly or via a variable)."""
        for n in self.ast.walk(node):
            if isinstance(n, self.ast.Call) and self.qualname(n.func) in _PY_DECODERS:
                return True
            if isinstance(n, self.ast.Name) and (bound := self._bound(n.id)) is not None:
                self.resolving.add(n.id)
                try:
                    if self._decoded(bound):
                        return True
                finally:
                    self.resolving.discard(n.id)
        return False

    def _run(self, node, detail: str, shell: bool) -> None:
        if node is None:
            return
        items = self.argv(node)
        if items is None:  # a string: conservatively a shell line, even without shell=True
            line = self.text(node)
        else:
            line = (items[0] if items else "") if shell else _argv_line(items)
        self.findings.command(line, detail, self._decoded(node))

    def _call(self, node) -> None:
        ast, add = self.ast, self.findings.add
        name = self.qualname(node.func) or ""
        args, kw = node.args, {k.arg: k.value for k in node.keywords if k.arg}
        first = args[0] if args else None
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        attr = node.func.attr if receiver is not None else ""
        detail = (ast.get_source_segment(self.code, node) or name).replace(_PY_DYN, "$?")
        path = self.text(first) if first is not None else DYN
        if name in ("eval", "exec", "builtins.eval", "builtins.exec") and first is not None:
            code = self.text(first)
            if DYN in code or self._decoded(first):
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
            kind = "code.delete-tree" if attr == "rmtree" else "code.delete-file"
            add(kind, self.text(receiver), detail)
        elif attr in ("write_text", "write_bytes") and args and self.text(first) == "" and self.is_path(receiver):
            add("code.truncate-file", self.text(receiver), detail)
        elif name in ("open", "io.open", "builtins.open") or attr == "open" and self.is_path(receiver):
            target, modes = (path, args[1:2]) if receiver is None or name.endswith("open") and not self.is_path(receiver) else (self.text(receiver), args[:1])
            mode = self.text(modes[0] if modes else kw.get("mode", ast.Constant("r")))
            if "w" in mode and _CLOBBER.search(target):
                add("code.truncate-file", target, detail)
        elif name in _PY_SHELL_LINE:
            self._run(first or kw.get("cmd"), detail, shell=True)
        elif name in _PY_SUBPROCESS:
            shell = kw.get("shell")
            self._run(first or kw.get("args"), detail,
                      shell=shell is not None and not (isinstance(shell, ast.Constant) and not shell.value))
        elif (m := _PY_EXEC.match(name)) or name in ("pty.spawn", "asyncio.create_subprocess_exec"):
            if name == "pty.spawn":
                return self._run(first, detail, shell=False)
            offset = 1 if m and m.group(1) == "spawn" else 0
            program = self.text(args[offset]) if len(args) > offset else DYN
            if m is None or m.group(2) == "l":  # argv as separate arguments
                rest = [self.text(a) for a in args[offset:]][: -1 if m and m.group(3) else None]
            else:
                rest = (self.argv(args[offset + 1]) if len(args) > offset + 1 else None) or [program, DYN]
            self.findings.command(_argv_line([program] + rest[1:]), detail, any(map(self._decoded, args)))
        elif (url := self._http_delete_url(name, args, kw)) is not None:
            add("code.http-delete", url, detail)
        elif attr in ("execute", "executemany", "executescript", "exec_driver_sql") and first is not None:
            self.findings.sql(self.text(first))
        elif name in ("__import__", "importlib.import_module") and DYN in path:
            add("code.dynamic-eval", None, detail)
        elif name == "getattr" and len(args) > 1 and DYN in self.text(args[1]) and (
                self.qualname(first) or "").split(".")[0] in ("os", "shutil", "subprocess", "builtins", "pty"):
            add("code.dynamic-eval", None, detail)

    def _http_delete_url(self, name: str, args, kw) -> str | None:
        """The URL of the HTTP DELETE request this call makes; None if it makes none."""
        urls = [self.text(a) for a in args] + ([self.text(kw["url"])] if "url" in kw else [])
        tail = name.rpartition(".")[2]
        if tail == "delete":
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


# ---------------------------------------------------------------- other languages (tokens)
