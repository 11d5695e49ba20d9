"""Library sinks in Python code, read from an `ast` tree: HTTP clients, cloud SDKs, redis,
database drivers and ORMs, file deletion.

Two ways in:
- `PythonSinks(findings, qualname, text, binding).call(node, detail) -> bool`, one call per
  `ast.Call`, with the resolution of the reader that walks the tree (interp's
  `_PythonReader.qualname` / `.text`, and `binding(name)`: the one value node assigned to a
  name, else None). It returns True when the call was a sink it judged.
- `read_python_sinks(tree, findings, constants=None, code="")`: walks a tree on its own with
  a small resolver (imports, names assigned once, `constants`: name -> string known from
  elsewhere); `analyze_python_sinks(code)` parses and returns a new CodeFindings.

Found:
- requests / httpx / urllib3 / aiohttp / urllib.request.Request: method, URL, headers and
  json= / data= / content= / body= body, classified by the curl classifier
  (`http.delete`, `http.graphql-destructive`, `http.unknown-method`, ...);
- boto3 / aioboto3 / google.cloud / azure: a client method whose first word is a
  destructive verb (delete_*, terminate_*, purge_*, empty_*, ...), a resource's
  `.delete()` (`bucket.objects.all().delete()`, `Bucket('x').delete()`): `code.sdk-delete`;
- redis-py flushall/flushdb and execute_command('FLUSHALL'): `redis.flush`;
- DB-API and SQLAlchemy execute/executemany/executescript/exec_driver_sql (sqlite3,
  psycopg, pymysql, ...; sqlalchemy text()): `findings.sql`, or `code.unknown-sink` when
  the SQL is only known at run time; `session.execute(delete(X))` without where:
  `sql.delete-all`; `metadata.drop_all()`: `sql.drop-table`;
- Django `X.objects.all().delete()` / `.filter().delete()` with no filter, SQLAlchemy
  `session.query(X).delete()` with no filter: `sql.delete-all`;
- with files=True: shutil.rmtree, os.remove/unlink/rmdir/removedirs, Path.unlink/rmdir:
  `code.delete-tree` / `code.delete-file`.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Callable
from urllib.parse import urlencode

from ...model import DYN

from . import sinks

_HTTP_ROOTS = {"requests", "httpx", "urllib3", "aiohttp"}
_VERBS = {"get", "post", "put", "patch", "delete", "head", "options"}
_CLOUD_ROOTS = ("boto3", "aioboto3", "botocore", "google.cloud", "azure", "kubernetes", "elasticsearch",
                "opensearchpy", "github")
_MONGO_ROOTS = ("pymongo", "motor", "mongoengine")
_DB_ROOTS = ("sqlite3", "psycopg", "psycopg2", "pymysql", "MySQLdb", "mysql.connector", "sqlalchemy",
             "sqlmodel", "django.db", "asyncpg", "aiosqlite", "duckdb", "databases", "peewee", "cx_Oracle",
             "oracledb", "pyodbc", "snowflake.connector", "clickhouse_driver", "aiomysql", "aiopg", "pg8000")
_DB_NAME = re.compile(r"(?:^|[._])(?:cur|cursor|conn|connection|con|db|database|session|engine|tx|txn|pool)"
                      r"(?:\d*|_\w*)(?:\(\))?$", re.I)
_SQL_CALLS = {"execute", "executemany", "executescript", "exec_driver_sql", "execute_sql", "fetch", "fetchrow",
              "fetchval", "mogrify"}
_FILTERS = {"filter", "filter_by", "where", "exclude", "get", "join", "limit", "having", "in_"}


class PythonSinks:
    def __init__(self, findings, qualname: Callable, text: Callable, binding: Callable = lambda _name: None,
                 files: bool = False):
        self.findings, self.qualname, self.text, self.binding, self.files = findings, qualname, text, binding, files

    # ------------------------------------------------------------ values
    def value(self, node, depth: int = 0):
        """A literal dict/list/str/number as Python data (DYN where unknown)."""
        if node is None or depth > 20:
            return DYN
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):  # {**other}: keys only known at run time
                return {**{self.text(k): self.value(v, depth + 1) for k, v in zip(node.keys, node.values)
                           if k is not None}, DYN: DYN}
            return {self.text(k): self.value(v, depth + 1) for k, v in zip(node.keys, node.values)}
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e, depth + 1) for e in node.elts]
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, bool):
                return node.value
            if isinstance(node.value, (int, float)):
                return node.value
            return self.text(node)
        if isinstance(node, ast.Name):
            bound = self.binding(node.id)
            if isinstance(bound, (ast.Dict, ast.List, ast.Tuple, ast.Constant)):
                return self.value(bound, depth + 1)
            return self.text(node)
        if isinstance(node, ast.Call) and (self.qualname(node.func) or "") == "dict" and not node.args:
            return {k.arg: self.value(k.value, depth + 1) for k in node.keywords if k.arg}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("encode", "decode"):
            return self.value(node.func.value, depth + 1)  # json.dumps(...).encode(): the same text
        if isinstance(node, ast.Call) and (self.qualname(node.func) or "") == "json.dumps" and node.args:
            return sinks.to_json(self.value(node.args[0], depth + 1))
        return self.text(node)

    # ------------------------------------------------------------ dispatch
    def call(self, node: ast.Call, detail: str) -> bool:
        name = self.qualname(node.func) or ""
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        receiver = node.func.value if attr else None
        receiver_name = (self.qualname(receiver) or "") if receiver is not None else ""
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        root = name.split(".")[0]
        if root in _HTTP_ROOTS or name in ("urllib.request.Request", "urllib.request.urlopen"):
            return self._http(name, attr or name.rsplit(".", 1)[-1], node.args, kw, detail)
        if attr.lower() in ("flushall", "flushdb"):
            sinks.redis_command(self.findings, [attr.upper()], detail)
            return True
        if attr == "execute_command" and node.args:
            words = [self.text(a) for a in node.args]
            if words[0].upper() in ("FLUSHALL", "FLUSHDB"):
                sinks.redis_command(self.findings, [words[0].upper()] + words[1:], detail)
                return True
        if name.startswith(_CLOUD_ROOTS) and attr and sinks.destructive_operation(attr):
            resource = self._resource(kw) or self._chain_resource(receiver)
            operation = "DeleteObjects" if attr == "delete" and ".objects." in f"{receiver_name}." else attr
            sinks.sdk_delete(self.findings, operation, resource, detail)
            return True
        if attr in ("delete_many", "remove", "drop", "drop_database", "drop_collection") and \
                receiver_name.startswith(_MONGO_ROOTS):
            return self._mongo(attr, node.args, kw, receiver, detail)
        if attr == "delete" and not node.args and not kw:
            model, filtered = self._orm_chain(receiver)
            if model is not None:
                if not filtered:
                    sinks.delete_all(self.findings, model, detail)
                return True
        if attr == "drop_all" and ("metadata" in receiver_name or receiver_name.startswith(
                ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")) or receiver_name.rsplit(".", 1)[-1] in ("db", "database")):
            self.findings.add("sql.drop-table", "every table in the metadata", detail)
            return True
        if attr in _SQL_CALLS and (node.args or "statement" in kw or "sql" in kw):
            return self._sql(node.args[0] if node.args else kw.get("statement", kw.get("sql")),
                             receiver_name, detail)
        if self.files:
            return self._files(name, attr, receiver, node.args, detail)
        return False

    # ------------------------------------------------------------ families
    def _http(self, name: str, tail: str, args, kw, detail: str) -> bool:
        if name == "urllib.request.urlopen":
            return False  # the Request it opens is judged where it is built; a bare URL is a GET
        args = list(args)
        if tail in _VERBS:
            method = tail.upper()
        elif tail in ("request", "Request", "stream", "urlopen", "build_request") or name == "urllib.request.Request":
            if name == "urllib.request.Request":
                method = self.text(kw["method"]) if "method" in kw else "POST" if "data" in kw else "GET"
            elif "method" in kw:
                method = self.text(kw["method"])
            elif args:
                method = self.text(args.pop(0))
            else:
                method = DYN
        else:
            return False
        url = self.text(kw["url"]) if "url" in kw else self.text(args[0]) if args else DYN
        headers = self.value(kw["headers"]) if "headers" in kw else {}
        headers = {str(k): v if isinstance(v, str) else DYN for k, v in headers.items() if k != DYN} \
            if isinstance(headers, dict) else {}
        body, json_body = None, False
        if "json" in kw:
            body, json_body = sinks.to_json(self.value(kw["json"])), True
        for key in ("data", "content", "body"):
            if key in kw:
                data = self.value(kw[key])
                if isinstance(data, dict) and DYN not in data:
                    body = urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()})
                    headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
                else:
                    body = data if isinstance(data, str) else DYN
        if body is not None and DYN not in body and body.lstrip()[:1] in ("{", "["):
            json_body = True
        sinks.http_request(self.findings, method, url, body, headers, json_body, detail)
        return True

    def _mongo(self, attr: str, args, kw, receiver, detail: str) -> bool:
        collection = receiver.attr if isinstance(receiver, ast.Attribute) else (
            self.text(receiver.slice) if isinstance(receiver, ast.Subscript) else None)
        if attr == "drop_database":
            self.findings.add("mongo.drop-database", self.text(args[0]) if args else None, detail)
        elif attr in ("drop", "drop_collection"):
            name = self.text(args[0]) if attr == "drop_collection" and args else collection
            self.findings.add("mongo.drop-collection", name if name and DYN not in name else None, detail)
        else:
            where = self.value(args[0]) if args else self.value(kw.get("filter")) if "filter" in kw else {}
            if where == {}:
                sinks.delete_all(self.findings, collection, detail, mongo=True)
            elif not isinstance(where, dict):
                sinks.unknown_sink(self.findings, attr, detail)
        return True

    def _sql(self, statement, receiver_name: str, detail: str) -> bool:
        if statement is None:
            return False
        if isinstance(statement, ast.Call):
            built = self._statement_object(statement)
            if built is not None:  # a SQLAlchemy statement object, not text
                kind, table, filtered = built
                if kind == "delete" and not filtered:
                    sinks.delete_all(self.findings, table, detail)
                return True
            called = self.qualname(statement.func) or ""
            if called.endswith(("text", "sql.SQL")) and statement.args:
                statement = statement.args[0]
        driver = receiver_name.startswith(_DB_ROOTS) or bool(_DB_NAME.search(receiver_name))
        sinks.sql(self.findings, self.text(statement), receiver_name or "execute", detail, driver)
        return True

    def _statement_object(self, node) -> tuple[str, str | None, bool] | None:
        """(select|insert|update|delete, table, filtered) for `delete(User).where(...)` and the
        like from sqlalchemy/sqlmodel; None for anything else."""
        filtered = False
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
                node.func.value, ast.Call):  # a method of a statement: .where(...), .values(...)
            filtered = filtered or node.func.attr in ("where", "filter", "filter_by")
            node = node.func.value
        if not isinstance(node, ast.Call):
            return None
        called = self.qualname(node.func) or ""
        kind = called.rsplit(".", 1)[-1]
        if not called.startswith(("sqlalchemy", "sqlmodel")) or kind not in ("select", "insert", "update", "delete"):
            return None
        table = node.args[0] if node.args else None
        name = table.id if isinstance(table, ast.Name) else self.text(table) if table is not None else None
        return kind, name, filtered

    def _orm_chain(self, receiver) -> tuple[str | None, bool]:
        """For `X.objects.all().delete()` / `session.query(X).filter(..).delete()`: the model and
        whether a filter narrows it; (None, False) when the chain is no ORM query."""
        filtered, node = False, receiver
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method == "query" and node.args:  # sqlalchemy session.query(X)
                first = node.args[0]
                return (first.id if isinstance(first, ast.Name) else self.text(first)), filtered
            if method in _FILTERS:
                filtered = filtered or bool(node.args or node.keywords)
            elif method not in ("all", "order_by", "select_related", "prefetch_related", "using", "distinct"):
                return None, False
            node = node.func.value
        if isinstance(node, ast.Attribute) and node.attr == "objects":  # Django's manager
            model = node.value
            return (model.id if isinstance(model, ast.Name) else self.qualname(model) or DYN), filtered
        return None, False

    def _resource(self, kw) -> str | None:
        for key in sorted(kw, key=lambda k: (0 if k in ("Bucket", "QueueUrl", "TableName") else
                                             1 if k.endswith(("Identifier", "Name")) else 2)):
            value = self.value(kw[key])
            if isinstance(value, list):
                value = ", ".join(map(str, value))
            if isinstance(value, str) and DYN not in value and key[:1].isupper():
                return value
        return None

    def _chain_resource(self, node) -> str | None:
        """`s3.Bucket('prod').objects.all()` -> prod: the first literal argument along the chain."""
        while node is not None:
            if isinstance(node, ast.Call):
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                        and not (isinstance(node.func, ast.Attribute) and node.func.attr in ("client", "resource")):
                    return node.args[0].value
                node = node.func
            elif isinstance(node, ast.Attribute):
                node = node.value
            elif isinstance(node, ast.Name):
                node = self.binding(node.id)
            else:
                return None
        return None

    def _files(self, name: str, attr: str, receiver, args, detail: str) -> bool:
        path = self.text(args[0]) if args else DYN
        if name == "shutil.rmtree":
            sinks.delete_path(self.findings, path, True, detail)
        elif name in ("os.remove", "os.unlink", "os.rmdir", "os.removedirs"):
            sinks.delete_path(self.findings, path, False, detail)
        elif attr in ("unlink", "rmdir") and not args and receiver is not None and \
                (self.qualname(receiver) or "").startswith("pathlib."):
            sinks.delete_path(self.findings, self.text(receiver), False, detail)
        else:
            return False
        return True


# ---------------------------------------------------------------- on its own
class _Resolver:
    """Enough name resolution to read a tree without interp's reader: imports, names
    assigned exactly once, f-strings, `+`, and the constants given."""

    def __init__(self, tree, constants: dict[str, str]):
        self.aliases: dict[str, str] = {}
        self.bindings: dict[str, list] = {}
        self.constants = constants
        self.resolving: set[str] = set()
        self.calls: list[ast.Call] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.calls.append(node)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")[0]
                    self.aliases[a.asname or top] = a.name if a.asname else top
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        self.bindings.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                self.bindings.setdefault(node.optional_vars.id, []).append(node.context_expr)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name):
                self.bindings.setdefault(node.target.id, []).append(None)
            elif isinstance(node, ast.arg):
                self.bindings.setdefault(node.arg, []).append(None)

    def binding(self, name: str):
        values = self.bindings.get(name, [])
        return values[0] if len(values) == 1 and name not in self.resolving else None

    def _through(self, name: str, read, default):
        value = self.binding(name)
        if value is None:
            return default
        self.resolving.add(name)
        try:
            return read(value)
        finally:
            self.resolving.discard(name)

    def qualname(self, node) -> str | None:
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return self._through(node.id, self.qualname, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return base and f"{base}.{node.attr}"
        if isinstance(node, ast.Await):
            return self.qualname(node.value)
        if isinstance(node, ast.Subscript):  # client["shop"]["users"]: the same as client.shop.users
            base = self.qualname(node.value)
            return base and f"{base}.{self.text(node.slice)}"
        if isinstance(node, ast.Call):
            func = self.qualname(node.func)
            return func and f"{func}()"
        return None

    def text(self, node) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes, int, float)):
            return node.value.decode("utf-8", "replace") if isinstance(node.value, bytes) else str(node.value)
        if isinstance(node, ast.JoinedStr):
            return "".join(self.text(v.value) if isinstance(v, ast.FormattedValue) else self.text(v)
                           for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.text(node.left) + self.text(node.right)
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return self.constants[node.id]
            return self._through(node.id, self.text, DYN)
        if isinstance(node, ast.Call):
            name = self.qualname(node.func) or ""
            if name.split(".")[-1] in ("text", "str", "dedent", "expanduser", "Path") and node.args:
                return self.text(node.args[0])
        return DYN


def read_python_sinks(tree, findings, constants: dict[str, str] | None = None, code: str = "",
                      files: bool = True) -> None:
    resolver = _Resolver(tree, constants or {})
    reader = PythonSinks(findings, resolver.qualname, resolver.text, resolver.binding, files=files)
    lines = code.splitlines()
    for node in resolver.calls:
        line = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
        if line:  # the call as written, its first line (ast's offsets count UTF-8 bytes)
            end = node.end_col_offset if node.end_lineno == node.lineno else None
            detail = line.encode()[node.col_offset:end].decode("utf-8", "replace")
        else:
            detail = ast.unparse(node)
        reader.call(node, detail[:200])


def analyze_python_sinks(code: str, constants: dict[str, str] | None = None):
    from .findings import CodeFindings

    findings = CodeFindings()
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as error:
        findings.add("code.unparseable", None, f"python: {error}")
        return findings
    read_python_sinks(tree, findings, constants, code)
    return findings
