r"""JavaScript and TypeScript read with tree-sitter: which sinks the code reaches, with
which values.

`read_javascript(code, findings, typescript=False, depth=0)` adds to `findings` (shaped like
interp's CodeFindings); `analyze_javascript(code, typescript=False)` returns a new one.

Found, with names resolved through `import`/`require` (aliases, destructuring, `node:`):
- child_process exec/execSync (a shell line), spawn/spawnSync/execFile/execFileSync/fork
  (argv; a shell line with `{shell: true}`), execa, zx/Bun `$\`...\``: `findings.command`;
- fs rm/rmSync/rmdir/rmdirSync/unlink/unlinkSync (and fs.promises, fs/promises), fs-extra
  remove/emptyDir, rimraf, del, Deno.remove: `code.delete-tree` / `code.delete-file`;
- fetch/node-fetch/undici, axios (and axios.create instances), got, ky, http(s).request:
  method, URL, headers and body, classified by the curl classifier (`sinks.http_request`);
- SQL reaching a driver (pg, mysql, mysql2, better-sqlite3, sqlite, knex.raw, prisma
  $executeRaw/$executeRawUnsafe/$queryRaw*, sequelize.query, postgres.js `sql\`...\``):
  `findings.sql`, or `code.unknown-sink` when the text is only known at run time;
- ORM mass deletes: prisma deleteMany without a where, typeorm clear()/delete({}),
  sequelize destroy({truncate: true} | {where: {}}) and sync({force: true}), knex(t).del()
  without where, mongoose/mongodb deleteMany({}): `sql.delete-all` / `sql.truncate` /
  `sql.drop-table` / `mongo.delete-all`;
- redis flushall/flushdb (node-redis, ioredis, sendCommand): `redis.flush`;
- cloud SDK calls by verb: `new DeleteBucketCommand(...)`, aws-sdk v2 `s3.deleteBucket`,
  @google-cloud / @azure / octokit methods named Delete/Terminate/Purge/Empty/Drop/Remove...:
  `code.sdk-delete`;
- eval / new Function / vm of a literal is read again; of run-time text, and require() of
  a computed name: `code.dynamic-eval`. Unparseable code: `code.unparseable`.
Values resolved: string, number and boolean literals, template literals (substitutions
resolved when constant, DYN otherwise), `+` concatenation, const bindings assigned once,
object and array literals, JSON.stringify, path.join/resolve, os.homedir(), process.env.HOME.
"""

from __future__ import annotations

import re

from ...model import DYN

from . import sinks

_MAX_DEPTH = 8
_PARSERS: dict[str, object] = {}

_DB_MODULES = {"pg", "pg-promise", "mysql", "mysql2", "mysql2/promise", "better-sqlite3", "sqlite3", "sqlite",
               "bun:sqlite", "@prisma/client", "knex", "sequelize", "postgres", "mssql", "tedious", "oracledb",
               "@neondatabase/serverless", "@vercel/postgres", "@planetscale/database", "@libsql/client",
               "duckdb", "typeorm", "kysely", "drizzle-orm", "slonik", "pg-pool", "mariadb"}
_STATEMENT_METHODS = {"get", "all", "run", "each", "iterate"}  # on a prepared statement: parameters, not SQL
_SQL_METHODS = {"query", "execute", "exec", "prepare", "run", "all", "get", "each", "raw", "unsafe", "none",
                "one", "many", "any", "oneOrNone", "manyOrNone", "$executeRaw", "$executeRawUnsafe",
                "$queryRaw", "$queryRawUnsafe", "executeQuery", "sql"}
_CLOUD_ROOTS = re.compile(r"^(?:@aws-sdk/|aws-sdk|@google-cloud/|@azure/|firebase-admin|@octokit/|octokit|"
                          r"@supabase/|cloudflare|@cloudflare/)")
_FS_MODULES = {"fs", "fs-extra", "graceful-fs", "fs/promises"}
_FS_TRUNCATE = {"truncate", "truncateSync", "ftruncate", "ftruncateSync"}
_FS_DELETE = {"rm": None, "rmSync": None, "rmdir": None, "rmdirSync": None, "unlink": False, "unlinkSync": False,
              "remove": True, "removeSync": True, "emptyDir": True, "emptyDirSync": True, "emptydir": True}
_FETCH = {"fetch", "node-fetch", "undici.fetch", "cross-fetch", "isomorphic-fetch", "globalThis.fetch",
          "window.fetch", "node-fetch.default", "ky"}
_VERB_METHODS = {"get", "delete", "del", "head", "options", "post", "put", "patch"}
_UNWRAP = {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
           "await_expression", "type_assertion"}


def _parser(typescript: bool, tsx: bool = False):
    key = "tsx" if tsx else "ts" if typescript else "js"
    if key not in _PARSERS:
        import tree_sitter

        if typescript:
            import tree_sitter_typescript as grammar

            language = grammar.language_tsx() if tsx else grammar.language_typescript()
        else:
            import tree_sitter_javascript as grammar

            language = grammar.language()
        _PARSERS[key] = tree_sitter.Parser(tree_sitter.Language(language))
    return _PARSERS[key]


_QUERY_COMMON = """
(call_expression) @call (new_expression) @call (import_statement) @import (variable_declarator) @decl
(assignment_expression) @assign (augmented_assignment_expression) @assign
(arrow_function parameter: (identifier) @param) (catch_clause parameter: (identifier) @param)
"""
_QUERY_PARAMS = {"js": "(formal_parameters (identifier) @param)",
                 "ts": "(required_parameter pattern: (identifier) @param) (optional_parameter pattern: (identifier) @param)"}
_QUERIES: dict[str, object] = {}


def _query(key: str):
    if key not in _QUERIES:
        import tree_sitter

        language = _parser(key != "js", tsx=key == "tsx").language
        _QUERIES[key] = tree_sitter.Query(language, _QUERY_COMMON + _QUERY_PARAMS["js" if key == "js" else "ts"])
    return _QUERIES[key]


def analyze_javascript(code: str, typescript: bool = False):
    from .findings import CodeFindings

    findings = CodeFindings()
    read_javascript(code, findings, typescript)
    return findings


# Stands for DYN while tree-sitter parses: a NUL is a syntax error to it. Inside a string it
# becomes DYN again; as code of its own it is code known only at run time.
_JS_DYN = "__guardsh_dyn__"


def read_javascript(code: str, findings, typescript: bool = False, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        findings.add("code.dynamic-eval", None, "eval nested too deep to follow")
        return
    if DYN in code:
        code = code.replace(DYN, _JS_DYN)
    _JsReader(code, findings, typescript, depth).read()


def _module(name: str) -> str:
    name = name.removeprefix("node:")
    # fs/promises keeps its name: fs's functions under it are read as fs's (_FS_MODULES)
    return {"child_process/promises": "child_process"}.get(name, name)


class _JsReader:
    def __init__(self, code: str, findings, typescript: bool, depth: int):
        self.code, self.findings, self.typescript, self.depth = code, findings, typescript, depth
        self.source = code.encode("utf-8", "surrogatepass")
        self.aliases: dict[str, str] = {}  # local name -> qualified name, from imports
        self.bindings: dict[str, list] = {}  # name -> every value node assigned to it
        self.resolving: set[str] = set()
        self.calls: list = []

    # ------------------------------------------------------------ reading
    def read(self) -> None:
        self.key = "ts" if self.typescript else "js"
        tree = _parser(self.typescript).parse(self.source)
        if tree.root_node.has_error and self.typescript:  # TSX: TypeScript's grammar refuses JSX
            other = _parser(True, tsx=True).parse(self.source)
            if not other.root_node.has_error:
                tree, self.key = other, "tsx"
        if _JS_DYN in self.code and self._dynamic_code(tree.root_node):
            self.findings.add("code.dynamic-eval", None, "javascript code built at run time")
        if tree.root_node.has_error and self._errors_hide_calls(tree.root_node):
            self.findings.add("code.unparseable", None, "javascript: syntax error")
        try:
            self._collect(tree.root_node, self.key)
        except RecursionError:
            self.findings.add("code.unparseable", None, "javascript: nested too deeply")
            return
        for node in self.calls:
            try:
                if node.type == "new_expression":
                    self._new(node)
                else:
                    self._call(node)
            except RecursionError:
                self.findings.add("code.unparseable", None, "javascript: nested too deeply")

    @staticmethod
    def _dynamic_code(root) -> bool:
        """A run-time part outside any string: the code itself is only known at run time."""
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type in ("string", "template_string", "comment", "regex"):
                continue
            if not node.children and _JS_DYN.encode() in node.text:
                return True
            stack.extend(node.children)
        return False

    def _errors_hide_calls(self, root) -> bool:
        """An ERROR node holding what may be a call: the code is not read whole."""
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type == "ERROR" or node.is_missing:
                return True
            if node.has_error:
                stack.extend(node.children)
        return False

    def _collect(self, root, key: str) -> None:
        """Calls, imports and bindings, found by a tree-sitter query (in C: a Python walk of
        every node costs several times the parse)."""
        import tree_sitter

        captures = tree_sitter.QueryCursor(_query(key)).captures(root)
        for node in captures.get("import", ()):
            self._import(node)
        for node in sorted(captures.get("decl", ()), key=lambda n: n.start_byte):
            self._declare(node.child_by_field_name("name"), node.child_by_field_name("value"))
        for node in captures.get("assign", ()):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                self.bindings.setdefault(self._text(left), []).append(None)
        for node in captures.get("param", ()):  # a parameter: its value comes from the caller
            self.bindings.setdefault(self._text(node), []).append(None)
        self.calls = sorted(captures.get("call", ()), key=lambda n: n.start_byte)

    def _import(self, node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        module = _module(self._string(source))
        for clause in (c for c in node.children if c.type == "import_clause"):
            for part in clause.children:
                if part.type == "identifier":  # default import
                    self.aliases[self._text(part)] = module
                elif part.type == "namespace_import":
                    ident = next((c for c in part.children if c.type == "identifier"), None)
                    if ident is not None:
                        self.aliases[self._text(ident)] = module
                elif part.type == "named_imports":
                    for spec in (c for c in part.children if c.type == "import_specifier"):
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        self.aliases[self._text(alias)] = f"{module}.{self._text(name)}"

    def _declare(self, name, value) -> None:
        if name is None:
            return
        if name.type == "identifier":
            self.bindings.setdefault(self._text(name), []).append(value)
        elif name.type == "object_pattern" and value is not None:  # const {execSync: run} = require('cp')
            base = self.qualname(value)
            for part in name.children:
                if part.type == "shorthand_property_identifier_pattern":
                    key = local = self._text(part)
                elif part.type == "pair_pattern":
                    key_node, local_node = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if local_node is None or local_node.type != "identifier":
                        continue
                    key, local = self._text(key_node).strip("'\""), self._text(local_node)
                else:
                    continue
                if base:
                    self.aliases[local] = f"{base}.{key}"
                else:
                    self.bindings.setdefault(local, []).append(None)

    # ------------------------------------------------------------ names and values
    def _text(self, node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace").replace(_JS_DYN, DYN)

    def _detail(self, node) -> str:
        return self._text(node).split("\n", 1)[0][:200]

    def _string(self, node) -> str:
        parts = []
        for child in node.children:
            if child.type == "string_fragment":
                parts.append(self._text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self._text(child)))
        return "".join(parts)

    def _single(self, name: str):
        values = self.bindings.get(name, [])
        return values[0] if len(values) == 1 and values[0] is not None and name not in self.resolving else None

    def qualname(self, node) -> str | None:
        """`child_process.execSync` for `cp.execSync`, `run`, `require('node:child_process').execSync`."""
        if node is None:
            return None
        kind = node.type
        if kind in _UNWRAP:
            return self.qualname(node.named_children[0]) if node.named_children else None
        if kind == "identifier":
            name = self._text(node)
            if name in self.aliases:
                return self.aliases[name]
            value = self._single(name)
            if value is not None and value.type in ("call_expression", "new_expression", "member_expression",
                                                     "identifier", "await_expression", "as_expression",
                                                     "parenthesized_expression", "non_null_expression"):
                self.resolving.add(name)
                try:
                    return self.qualname(value) or name
                finally:
                    self.resolving.discard(name)
            return name
        if kind == "member_expression":
            base = self.qualname(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            return base and prop is not None and f"{base}.{self._text(prop)}"
        if kind == "subscript_expression":
            base, index = self.qualname(node.child_by_field_name("object")), node.child_by_field_name("index")
            key = self.value(index) if index is not None else DYN
            return base and isinstance(key, str) and DYN not in key and f"{base}.{key}" or None
        if kind == "this":
            return "this"
        if kind in ("call_expression", "new_expression"):
            func = node.child_by_field_name("function" if kind == "call_expression" else "constructor")
            args = node.child_by_field_name("arguments")
            if func is not None and func.type in ("identifier", "import") and self._text(func) in ("require", "import") \
                    and args is not None and args.named_children:
                module = self.value(args.named_children[0])
                return _module(module) if isinstance(module, str) and DYN not in module else None
            base = self.qualname(func)
            if base and base.rsplit(".", 1)[-1] == "promisify" and args is not None and args.named_children:
                return self.qualname(args.named_children[0])  # promisify(exec) runs what exec runs
            return base and f"{base}()"
        return None

    def value(self, node):
        """What `node` evaluates to: str (DYN for run-time parts), number, bool, None, dict,
        list; DYN when unknown."""
        if node is None:
            return DYN
        kind = node.type
        if kind in _UNWRAP:
            return self.value(node.named_children[0]) if node.named_children else DYN
        if kind == "string":
            return self._string(node)
        if kind == "template_string":
            parts = []
            for child in node.children:
                if child.type == "string_fragment":
                    parts.append(self._text(child))
                elif child.type == "escape_sequence":
                    parts.append(_unescape(self._text(child)))
                elif child.type == "template_substitution":
                    inner = self.value(child.named_children[0]) if child.named_children else DYN
                    parts.append(inner if isinstance(inner, str) else
                                 str(inner).lower() if isinstance(inner, bool) else
                                 str(inner) if isinstance(inner, (int, float)) else DYN)
            return "".join(parts)
        if kind == "number":
            text = self._text(node).replace("_", "")
            try:
                return int(text, 0) if re.fullmatch(r"0[xob][\da-f]+|\d+", text, re.I) else float(text)
            except ValueError:
                return DYN
        if kind in ("true", "false"):
            return kind == "true"
        if kind in ("null", "undefined"):
            return None
        if kind == "identifier":
            name = self._text(node)
            if name == "undefined":
                return None
            value = self._single(name)
            if value is None:
                return DYN
            self.resolving.add(name)
            try:
                return self.value(value)
            finally:
                self.resolving.discard(name)
        if kind == "object":
            out: dict = {}
            for part in node.named_children:
                if part.type == "pair":
                    key = part.child_by_field_name("key")
                    key_text = self._string(key) if key.type == "string" else (
                        self.value(key.named_children[0]) if key.type == "computed_property_name"
                        and key.named_children else self._text(key))
                    out[key_text if isinstance(key_text, str) else DYN] = self.value(part.child_by_field_name("value"))
                elif part.type == "shorthand_property_identifier":
                    out[self._text(part)] = self.value_of_name(self._text(part))
                elif part.type == "spread_element":
                    spread = self.value(part.named_children[0]) if part.named_children else DYN
                    if isinstance(spread, dict):
                        out.update(spread)
                    else:
                        out[DYN] = DYN  # keys only known at run time
                elif part.type == "method_definition":
                    out[self._text(part.child_by_field_name("name"))] = DYN
            return out
        if kind == "array":
            return [DYN if c.type == "spread_element" else self.value(c) for c in node.named_children]
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and self._text(operator) == "+":
                left, right = self.value(node.child_by_field_name("left")), self.value(node.child_by_field_name("right"))
                if isinstance(left, str) or isinstance(right, str):
                    return _as_text(left) + _as_text(right)
            return DYN
        if kind == "member_expression":
            name = self.qualname(node)
            if name in ("process.env.HOME", "Bun.env.HOME"):
                return "~"
            base = self.value(node.child_by_field_name("object"))
            prop = self._text(node.child_by_field_name("property"))
            if isinstance(base, dict) and prop in base:
                return base[prop]
            if isinstance(base, (str, list)) and prop == "length":
                return len(base)
            return DYN
        if kind == "subscript_expression":
            base, index = self.value(node.child_by_field_name("object")), self.value(node.child_by_field_name("index"))
            if isinstance(base, dict) and isinstance(index, str) and index in base:
                return base[index]
            return DYN
        if kind == "call_expression":
            return self._call_value(node)
        return DYN

    def value_of_name(self, name: str):
        value = self._single(name)
        if value is None:
            return DYN
        self.resolving.add(name)
        try:
            return self.value(value)
        finally:
            self.resolving.discard(name)

    def _call_value(self, node):
        func = node.child_by_field_name("function")
        name = self.qualname(func) or ""
        args = self._args(node)
        if name == "JSON.stringify" and args:
            return sinks.to_json(self.value(args[0]))
        if name in ("os.homedir", "os.homedir()") or name.endswith("os.homedir"):
            return "~"
        if name.split(".")[-1] in ("join", "resolve") and name.split(".")[0] in ("path", "node:path", "path.posix") \
                and args:
            return "/".join(_as_text(self.value(a)) for a in args)
        if name in ("String", "decodeURIComponent", "encodeURIComponent") and args:
            return _as_text(self.value(args[0]))
        if name in ("atob", "Buffer.from", "buffer.Buffer.from") and args:
            encoding = self.value(args[1]) if len(args) > 1 else "base64" if name == "atob" else "utf8"
            if encoding in ("base64", "base64url", "hex"):  # hidden text: say so, and still read it
                self.findings.add("code.dynamic-eval", None, self._detail(node))
                return _decode(_as_text(self.value(args[0])), encoding)
            return self.value(args[0])
        if func is not None and func.type == "member_expression":
            method = self._text(func.child_by_field_name("property"))
            receiver = func.child_by_field_name("object")
            if method in ("toString", "trim", "toUpperCase", "toLowerCase", "valueOf"):
                base = self.value(receiver)
                if isinstance(base, str):
                    return {"toUpperCase": base.upper(), "toLowerCase": base.lower(), "trim": base.strip()}.get(
                        method, base)
            if method == "join" and receiver is not None and receiver.type == "array":
                sep = self.value(args[0]) if args else ","
                items = self.value(receiver)
                if isinstance(sep, str) and isinstance(items, list):
                    return sep.join(_as_text(i) for i in items)
        return DYN

    def text(self, node) -> str:
        return _as_text(self.value(node))

    def _args(self, node) -> list:
        args = node.child_by_field_name("arguments")
        if args is None or args.type == "template_string":
            return []
        return [c for c in args.named_children if c.type != "comment"]

    # ------------------------------------------------------------ sinks
    def _new(self, node) -> None:
        ctor = node.child_by_field_name("constructor")
        if ctor is None:
            return
        name = self.qualname(ctor) or ""
        short = self._text(ctor).rsplit(".", 1)[-1]
        args = self._args(node)
        detail = self._detail(node)
        if short.endswith("Command") and sinks.destructive_operation(short):  # AWS SDK v3
            inputs = self.value(args[0]) if args else DYN
            sinks.sdk_delete(self.findings, short.removesuffix("Command"), _resource(inputs), detail)
        elif name == "Function" or short == "Function":
            self._eval(args[-1] if args else None, detail)
        elif name in ("vm.Script",):
            self._eval(args[0] if args else None, detail)
        elif name in ("Deno.Command",):
            program = self.text(args[0]) if args else DYN
            options = self.value(args[1]) if len(args) > 1 else {}
            items = options.get("args", []) if isinstance(options, dict) else DYN
            self._argv([program] + (items if isinstance(items, list) else [DYN]), detail)

    def _call(self, node) -> None:
        func = node.child_by_field_name("function")
        while func is not None and func.type in _UNWRAP and func.named_children:  # TS reads `await a.b<T>()`
            func = func.named_children[0]  # as a call of `await a.b`
        if func is None:
            return
        arguments = node.child_by_field_name("arguments")
        if arguments is not None and arguments.type == "template_string":
            self._tagged(func, arguments, node)
            return
        name = self.qualname(func) or ""
        args = self._args(node)
        detail = self._detail(node)
        method = self._text(func.child_by_field_name("property")) if func.type == "member_expression" else ""
        receiver = func.child_by_field_name("object") if method else None
        receiver_name = (self.qualname(receiver) or "") if receiver is not None else ""
        module = name.split(".")[0] if name else ""
        tail = name.rsplit(".", 1)[-1]

        if name in ("eval", "globalThis.eval") or name.startswith("vm.runIn"):
            self._eval(args[0] if args else None, detail)
        elif name in ("require", "import") or func.type == "import":
            if args and not isinstance(self.value(args[0]), str) or args and DYN in _as_text(self.value(args[0])):
                self.findings.add("code.dynamic-eval", None, detail)
        elif module in ("child_process",) or name in ("execa", "execa.execa", "execa.execaSync", "execa.execaCommand",
                                                       "execa.execaCommandSync", "execa.command", "execa.sync"):
            self._child_process(tail, args, detail)
        elif (module in _FS_MODULES or name.startswith("fs.promises.")) and tail in _FS_DELETE:
            self._fs_delete(tail, args, detail)
        elif module in ("rimraf", "del") or tail in ("rimraf", "rimrafSync", "deleteSync", "deleteAsync") \
                and module in ("rimraf", "del", tail):
            for target in self._paths(args[0]) if args else [DYN]:
                sinks.delete_path(self.findings, target, True, detail)
        elif name in ("Deno.remove", "Deno.removeSync"):
            options = self.value(args[1]) if len(args) > 1 else {}
            recursive = not isinstance(options, dict) or options.get("recursive") is True
            sinks.delete_path(self.findings, self.text(args[0]) if args else DYN, recursive, detail)
        elif name in ("Bun.spawn", "Bun.spawnSync"):
            items = self.value(args[0]) if args else DYN
            if isinstance(items, dict):
                items = items.get("cmd", DYN)
            self._argv(items if isinstance(items, list) else [DYN], detail)
        elif tail in ("writeFileSync", "writeFile") and module in _FS_MODULES and len(args) > 1 \
                and self.value(args[1]) == "" or tail in _FS_TRUNCATE and module in _FS_MODULES \
                and (len(args) < 2 or self.value(args[1]) in (0, DYN)):
            self.findings.add("code.truncate-file", self.text(args[0]) if args else DYN, detail)
        elif name in ("Deno.run",):
            options = self.value(args[0]) if args else DYN
            items = options.get("cmd", DYN) if isinstance(options, dict) else DYN
            self._argv(items if isinstance(items, list) else [DYN], detail)
        elif tail == "ajax" and module in ("$", "jQuery", "jquery"):
            options = self.value(args[-1]) if args else DYN
            url = self.value(args[0]) if len(args) > 1 else options.get("url", DYN) if isinstance(options, dict) else DYN
            if isinstance(options, dict) and "type" in options and "method" not in options:
                options = {**options, "method": options["type"]}
            self._request("GET", url, options, detail)
        elif name in _FETCH:
            self._fetch(args, detail)
        elif module in ("axios",) or receiver_name.endswith("axios.create()") or name == "axios":
            self._axios(name, tail, args, detail, receiver)
        elif module in ("got", "ky", "superagent"):
            self._got(tail if tail != module else "", args, detail)
        elif module in ("http", "https") and tail in ("request", "get"):
            self._node_http(module, tail, args, detail)
        else:
            self._library(node, func, name, method, receiver, receiver_name, args, detail)

    def _library(self, node, func, name, method, receiver, receiver_name, args, detail) -> None:
        """Database drivers, ORMs, redis and cloud SDK clients: called as methods."""
        if not method:
            return
        root = receiver_name.split(".")[0] if receiver_name else ""
        root_module = next((m for m in _DB_MODULES if receiver_name == m or receiver_name.startswith(m + ".")), "")
        prisma = root_module == "@prisma/client" or "prisma" in root.lower()
        lower = method.lower()
        if lower in ("flushall", "flushdb"):
            sinks.redis_command(self.findings, [lower.upper()], detail)
        elif lower in ("sendcommand", "call", "command") and args:
            words = self.value(args[0])
            words = words if isinstance(words, list) else [self.value(a) for a in args]
            if words and isinstance(words[0], str) and words[0].upper() in ("FLUSHALL", "FLUSHDB"):
                sinks.redis_command(self.findings, [_as_text(w) for w in words], detail)
        elif method == "deleteMany":
            self._delete_many(args, receiver, detail, prisma)
        elif method == "destroy" and args:
            options = self.value(args[0])
            if isinstance(options, dict) and options.get("truncate") is True:
                sinks.delete_all(self.findings, self._model(receiver), detail, truncate=True)
            elif isinstance(options, dict) and options.get("where") == {}:
                sinks.delete_all(self.findings, self._model(receiver), detail)
        elif method in ("sync", "drop") and ("sequelize" in receiver_name.lower()) and (
                method == "drop" or _option(self.value(args[0]) if args else {}, "force") is True):
            self.findings.add("sql.drop-table", "every model's table", detail)
        elif method == "clear" and re.search(r"getRepository|Repository|manager|getCustomRepository|typeorm",
                                             receiver_name + self._text(receiver), re.I):
            model = self._text(args[0]) if args else self._model(receiver)
            sinks.delete_all(self.findings, model, detail, truncate=True)
        elif method == "delete" and args and self.value(args[0]) == {} and args[0].type in ("object", "identifier"):
            sinks.delete_all(self.findings, self._model(receiver), detail)  # typeorm repo.delete({})
        elif method in ("del", "delete", "truncate") and not args and self._knex_table(receiver) is not None:
            table, filtered = self._knex_table(receiver)
            if method == "truncate" or not filtered:
                sinks.delete_all(self.findings, table, detail, truncate=method == "truncate")
        elif method in ("delete", "del") and args and re.match(r"https?://", self.text(args[0])):
            sinks.http_request(self.findings, "DELETE", self.text(args[0]), None, {}, False, detail)  # any client
        elif method == "open" and len(args) > 1 and isinstance(verb := self.value(args[0]), str) \
                and verb.upper() in ("DELETE", "POST", "PUT", "PATCH"):  # XMLHttpRequest.open(method, url)
            sinks.http_request(self.findings, verb, self.text(args[1]), None, {}, False, detail)
        elif method in ("dropDatabase",):
            self.findings.add("mongo.drop-database", None, detail)
        elif method in _SQL_METHODS and not (method in _STATEMENT_METHODS and receiver_name.endswith("prepare()")):
            # without a driver seen, only text that reads as SQL counts
            self._sql(method, args, receiver_name or name, detail, driver=bool(root_module or prisma))
        elif sinks.destructive_operation(method) and _CLOUD_ROOTS.match(receiver_name):
            inputs = self.value(args[0]) if args else None
            sinks.sdk_delete(self.findings, method, _resource(inputs), detail)

    # ------------------------------------------------------------ families
    def _eval(self, node, detail: str) -> None:
        code = self.text(node) if node is not None else DYN
        if DYN in code:
            self.findings.add("code.dynamic-eval", None, detail)
        else:
            read_javascript(code, self.findings, False, self.depth + 1)

    def _argv(self, items: list, detail: str, shell: bool = False) -> None:
        from .findings import argv_line as _argv_line  # a shell-quoting join

        words = [_as_text(i) for i in items]
        if not words:
            return
        line = " ".join(words) if shell else _argv_line(words)
        self.findings.command(line, detail)

    def _child_process(self, tail: str, args: list, detail: str) -> None:
        first = self.value(args[0]) if args else DYN
        if tail in ("exec", "execSync", "execaCommand", "execaCommandSync", "command"):
            self.findings.command(_as_text(first), detail)
            return
        if tail not in ("spawn", "spawnSync", "execFile", "execFileSync", "fork", "execa", "execaSync", "sync"):
            return
        rest = self.value(args[1]) if len(args) > 1 else []
        options = self.value(args[2]) if len(args) > 2 else rest if isinstance(rest, dict) else {}
        items = rest if isinstance(rest, list) else [] if isinstance(rest, dict) else [DYN]
        if tail == "fork":  # a node module run as a child: its code is not on this line
            self.findings.command(_argv_line_safe(["node", _as_text(first)] + [_as_text(i) for i in items]), detail)
            return
        shell = isinstance(options, dict) and options.get("shell") not in (None, False)
        self._argv([first] + items, detail, shell=shell)

    def _fs_delete(self, tail: str, args: list, detail: str) -> None:
        recursive = _FS_DELETE[tail]
        if recursive is None:  # rm/rmdir: recursive only when told (an options variable may tell)
            callback = len(args) > 1 and args[1].type in ("arrow_function", "function_expression", "function")
            options = self.value(args[1]) if len(args) > 1 and not callback else {}
            recursive = options == DYN or isinstance(options, dict) and options.get("recursive") not in (None, False)
        sinks.delete_path(self.findings, self.text(args[0]) if args else DYN, recursive, detail)

    def _paths(self, node) -> list[str]:
        value = self.value(node)
        if isinstance(value, list):
            return [_as_text(v) for v in value] or [DYN]
        return [_as_text(value)]

    def _request(self, method, url, options, detail: str, body=None, json_body=False) -> None:
        """One HTTP request: options is the fetch init / axios config / got options (a dict or DYN)."""
        headers: dict = {}
        if options == DYN:
            method = DYN  # the method may hide in options only known at run time
            body = DYN if body is None else body
        elif isinstance(options, dict):
            method = options.get("method", method)
            raw_headers = options.get("headers")
            headers = {str(k): _as_text(v) for k, v in raw_headers.items() if k != DYN} \
                if isinstance(raw_headers, dict) else {}
            for key in ("json", "data"):
                if key in options:
                    value = options[key]
                    body, json_body = (value, False) if isinstance(value, str) and key == "data" else (
                        sinks.to_json(value), True)
            if "body" in options:
                value = options["body"]
                body = value if isinstance(value, str) else sinks.to_json(value) if value != DYN else DYN
        if body is not None and body != DYN and body.lstrip()[:1] in ("{", "["):
            json_body = True
        method_text = DYN if method == DYN or not isinstance(method, str) or DYN in method else method
        sinks.http_request(self.findings, method_text if method is not None else None, _as_text(url),
                           body, headers, json_body, detail)

    def _fetch(self, args: list, detail: str) -> None:
        url = self.value(args[0]) if args else DYN
        options = self.value(args[1]) if len(args) > 1 else {}
        if isinstance(url, dict):  # a Request-like object
            url, options = url.get("url", DYN), url
        self._request("GET", url, options, detail)

    def _axios(self, name: str, tail: str, args: list, detail: str, receiver) -> None:
        base = ""
        if receiver is not None and (self.qualname(receiver) or "").endswith("axios.create()"):
            created = self._creation(receiver)
            config = self.value(self._args(created)[0]) if created is not None and self._args(created) else {}
            base = _as_text(config.get("baseURL", "")) if isinstance(config, dict) else DYN
            name = "axios." + tail
        verb = tail if name != "axios" and tail in _VERB_METHODS else None
        if verb:
            url = base + self.text(args[0]) if args else DYN
            if verb in ("post", "put", "patch"):
                data = self.value(args[1]) if len(args) > 1 else None
                config = self.value(args[2]) if len(args) > 2 else {}
                body = None if data is None else data if isinstance(data, str) else sinks.to_json(data)
                self._request(verb, url, config, detail, body=body, json_body=not isinstance(data, str))
            else:
                self._request(verb, url, self.value(args[1]) if len(args) > 1 else {}, detail)
        elif tail in ("request",) or name == "axios" or tail == "axios":
            first = self.value(args[0]) if args else DYN
            config = first if isinstance(first, dict) else self.value(args[1]) if len(args) > 1 else {}
            url = first if isinstance(first, str) else config.get("url", DYN) if isinstance(config, dict) else DYN
            if first == DYN:
                config = DYN
            self._request("GET", base + _as_text(url), config, detail)

    def _got(self, verb: str, args: list, detail: str) -> None:
        if verb and verb not in _VERB_METHODS:
            return
        url = self.value(args[0]) if args else DYN
        options = self.value(args[1]) if len(args) > 1 else {}
        if isinstance(url, dict):
            url, options = url.get("url", DYN), url
        self._request({"del": "delete"}.get(verb, verb) or "GET", url, options, detail)

    def _node_http(self, module: str, tail: str, args: list, detail: str) -> None:
        first = self.value(args[0]) if args else DYN
        options = self.value(args[1]) if len(args) > 1 and isinstance(first, str) else first
        if isinstance(first, str):
            url = first
        elif isinstance(options, dict):
            host = options.get("hostname", options.get("host", DYN))
            url = f"{_as_text(options.get('protocol', module + ':'))}//{_as_text(host)}{_as_text(options.get('path', '/'))}"
        else:
            url = DYN
        self._request("GET", url, options if tail == "request" else {}, detail)

    def _sql(self, method: str, args: list, sink: str, detail: str, driver: bool) -> None:
        if not args:
            return
        value = self.value(args[0])
        if isinstance(value, dict):  # {text: 'SELECT ...', values: [...]} (pg), {sql: ...} (mysql)
            value = value.get("text", value.get("sql", DYN))
        text = value if isinstance(value, str) else DYN
        sinks.sql(self.findings, text, sink, detail, driver)

    def _tagged(self, func, template, node) -> None:
        tag = self._text(func)
        name = self.qualname(func) or tag
        tail = tag.rsplit(".", 1)[-1]
        text = self._template_text(template)
        if tag == "$" or name in ("zx.$", "bun.$", "execa.$"):
            self.findings.command(text, self._detail(node))
        elif tail in ("$executeRaw", "$queryRaw", "sql", "raw", "unsafe") or name.startswith("postgres"):
            sinks.sql(self.findings, text, name, self._detail(node))

    def _template_text(self, template) -> str:
        """A tagged template's text: substitutions are parameters, each one DYN value."""
        parts = []
        for child in template.children:
            if child.type == "string_fragment":
                parts.append(self._text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self._text(child)))
            elif child.type == "template_substitution":
                parts.append(DYN)
        return "".join(parts)

    def _delete_many(self, args: list, receiver, detail: str, prisma: bool) -> None:
        model = self._model(receiver)
        where = self.value(args[0]) if args else {}
        if where == DYN:
            sinks.unknown_sink(self.findings, "deleteMany", detail)
            return
        if prisma and isinstance(where, dict):
            where = where.get("where", {})
        if where == {} or where is None:
            sinks.delete_all(self.findings, model, detail, mongo=not prisma)

    def _model(self, receiver) -> str | None:
        """The model or table a call acts on: `prisma.user` -> user, `User` -> User."""
        if receiver is None:
            return None
        if receiver.type == "member_expression":
            return self._text(receiver.child_by_field_name("property"))
        if receiver.type == "call_expression":  # getRepository(User), db.collection('users')
            args = self._args(receiver)
            return (self.text(args[0]) if args and args[0].type == "string" else self._text(args[0])) if args else None
        return self._text(receiver)

    def _knex_table(self, receiver) -> tuple[str | None, bool] | None:
        """(table, filtered) for a knex chain `knex('t').where(...).del()`; None if not knex."""
        filtered, node = False, receiver
        while node is not None and node.type == "call_expression":
            func = node.child_by_field_name("function")
            if func is not None and func.type == "member_expression":
                prop = self._text(func.child_by_field_name("property"))
                filtered = filtered or prop.lower().startswith(("where", "join", "limit", "having"))
                if prop in ("from", "table", "into"):
                    args = self._args(node)
                    root = self.qualname(func.child_by_field_name("object")) or ""
                    if root.startswith("knex") or "knex" in root:
                        return (self.text(args[0]) if args else None), filtered
                node = func.child_by_field_name("object")
                continue
            name = self.qualname(func) or ""
            if name.split(".")[0] == "knex" or "knex" in self._text(func).lower():
                args = self._args(node)
                return (self.text(args[0]) if args else None), filtered
            return None
        return None

    def _creation(self, receiver):
        """The call a variable was made by: `api` -> `axios.create({...})`."""
        node = receiver
        while node is not None and node.type == "identifier":
            node = self._single(self._text(node))
        while node is not None and node.type in _UNWRAP and node.named_children:
            node = node.named_children[0]
        return node if node is not None and node.type == "call_expression" else None


def _option(value, key: str):
    return value.get(key) if isinstance(value, dict) else DYN


def _resource(inputs) -> str | None:
    """The resource an SDK call names: Bucket, *Identifier, *Name, *Id(s), QueueUrl, ..."""
    if not isinstance(inputs, dict):
        return None
    def rank(key: str) -> int:
        k = key.lower()
        return 0 if k in ("bucket", "queueurl", "tablename", "repo", "name") else 1 if k.endswith(("identifier", "name")) else \
            2 if k.endswith(("id", "ids", "arn", "url")) else 3
    for key in sorted((k for k in inputs if k != DYN), key=rank):
        value = inputs[key]
        if isinstance(value, list):
            value = ", ".join(_as_text(v) for v in value)
        if isinstance(value, str) and DYN not in value:
            return value
    return None


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    return DYN


def _decode(text: str, encoding: str) -> str:
    import base64
    import binascii

    if DYN in text:
        return DYN
    try:
        data = bytes.fromhex(text) if encoding == "hex" else base64.b64decode(text + "=" * (-len(text) % 4),
                                                                            altchars=b"-_" if encoding == "base64url" else None)
    except (ValueError, binascii.Error):
        return DYN
    return data.decode("utf-8", "replace")


def _argv_line_safe(items: list[str]) -> str:
    from .findings import argv_line as _argv_line

    return _argv_line(items)


_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\\0"}  # NUL is DYN inside guardsh: keep it as written


def _unescape(escape: str) -> str:
    body = escape[1:]
    if body[:1] in _JS_ESCAPES and len(body) == 1:
        return _JS_ESCAPES[body]
    if body[:1] == "x" and len(body) == 3:
        return chr(int(body[1:], 16))
    if body[:1] == "u":
        digits = body[1:].strip("{}")
        try:
            return chr(int(digits, 16))
        except ValueError:
            return escape
    if body[:1] in "\r\n":
        return ""
    return body
