"""Python code, read with `ast`: import aliases and single assignments resolved."""

from __future__ import annotations

import re
import shlex

from ...model import DYN
from .findings import URL, CodeFindings, argv_line


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
_PY_EVAL = {"eval", "exec", "builtins.eval", "builtins.exec"}
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


class PythonReader:
    def __init__(self, code: str, findings: CodeFindings, depth: int, analyze):
        self.analyze = analyze  # the caller's reader, for eval'd code in any language
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
        except SyntaxError as error:
            # A program that does not compile runs nothing: Python refuses it
            # whole before the first statement. Only when all of it is known:
            # a part filled in at run time could make it compile.
            if _PY_DYN in self.code:
                self.findings.add("code.unparseable", None, f"python: {error}")
            return
        except ValueError as error:
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
        from .python_sinks import PythonSinks  # library sinks: HTTP clients, SDKs, drivers, ORMs

        self.sinks = PythonSinks(self.findings, self.qualname, self.text, self._binding)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and _PY_DYN in node.id:
                self.findings.add("code.dynamic-eval", None, "python code built at run time")
            elif isinstance(node, ast.Call):
                self._call(node)

    def _bind(self, target, value) -> None:
        if isinstance(target, self.ast.Name):
            self.bindings.setdefault(target.id, []).append(value)

    def _binding(self, name: str):
        """The one value assigned to `name`, else None."""
        values = self.bindings.get(name, [])
        return values[0] if len(values) == 1 and name not in self.resolving else None

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

    def _each(self, node, text: str) -> list[str]:
        """Each value a loop variable takes over a literal list (`for d in ['build', 'dist']:
        shutil.rmtree(d)` deletes build and dist), else [text]."""
        ast = self.ast
        if isinstance(node, ast.Name) and len(values := self.bindings.get(node.id, [])) == 1 and \
                isinstance(values[0], ast.Starred) and isinstance(values[0].value, (ast.List, ast.Tuple)) and \
                1 < len(values[0].value.elts) <= 50:
            return [self.text(e) for e in values[0].value.elts]
        return [text]

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
            line = (items[0] if items else "") if shell else argv_line(items)
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
        if name not in _PY_KNOWN and name not in _PY_EVAL and self.sinks.call(node, detail):
            return  # a library sink (requests, boto3, redis, a driver's execute, an ORM delete)
        if name in _PY_EVAL and first is not None:
            self.decoded = False
            code = self.text(first)
            if DYN in code or self.decoded:
                add("code.dynamic-eval", None, detail)
            if DYN not in code:
                self.analyze("python", code, self.findings, self.depth + 1)
        elif name == "shutil.rmtree":
            for each in self._each(first, path):
                add("code.delete-tree", each, detail)
        elif name in _PY_DELETE_FILE:
            for each in self._each(first, path):
                add("code.delete-file", each, detail)
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
            self.findings.command(argv_line([self.text(a) for a in args]), detail)
        elif m := _PY_EXEC.match(name):
            offset = 1 if m.group(1) == "spawn" else 0  # spawn* take a mode first
            program = self.text(args[offset]) if len(args) > offset else DYN
            if m.group(2) == "l":  # argv as separate arguments, then env for the *e forms
                argv = [self.text(a) for a in args[offset + 1:]][: -1 if m.group(3) else None]
            else:
                argv = (self.argv(args[offset + 1]) if len(args) > offset + 1 else None) or [DYN, DYN]
            # argv[0] is only a label: the program run is the path argument
            self.findings.command(argv_line([program] + argv[1:]), detail)
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
            if name.split(".")[0] in _PY_HTTP_MODULES or urls and URL.match(urls[0]):
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
        return next((u for u in urls if URL.match(u)), urls[0] if urls else DYN)
