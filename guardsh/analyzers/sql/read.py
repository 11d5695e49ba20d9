"""Read SQL the way the server will, with a real parser. `classify_sql` returns one
`Effect` per destructive statement; PostgreSQL is read here (pglast; DO bodies and
EXECUTE strings come back through classify_sql), other dialects in dialects.py (sqlglot),
mongosh in analyzers/mongo.py and redis-cli in analyzers/redis.py.

Kinds (target: the name the human must type, None when only known at run time; detail: the
statement, `$?` where DYN stood):
  sql.drop-database, sql.drop-schema, sql.drop-table (also CREATE OR REPLACE TABLE),
  sql.drop-owned: target the names as written (`public.users`; several joined by ", ").
  sql.drop-other: DROP TYPE/DOMAIN/EXTENSION ... CASCADE, which drops the columns using them.
    DROP of a view, index, function, sequence, role... loses no data: nothing.
  sql.truncate.  sql.delete-all / sql.update-all: no WHERE, or an always-true one (true, 1,
    1=1, 'a'='a', NOT false, x = x, 2 > 1, LIKE '%', a wholly-DYN condition); USING/FROM,
    RETURNING, CTEs, MySQL multi-table (an inner JOIN ... ON filters; LIMIT does not),
    ClickHouse ALTER ... DELETE, MERGE ... ON true.
  sql.alter-drop: ALTER TABLE ... DROP COLUMN (target `table.column`) or DROP PARTITION; a
    dropped constraint, index or default loses no data: nothing.
  sql.unreadable: psql \\i \\ir \\include, mysql source / \\., sqlite .read (target: the file).
  sql.unparseable: what the parser cannot read (unless its first word is harmless: SELECT,
    SHOW, EXPLAIN without ANALYZE, SET, GRANT...); a statement built wholly at run time; DO in
    another language; what runs a shell command or query output (\\!, \\gexec, backticks,
    `\\o |cmd`, COPY ... PROGRAM, .shell, .system) and sqlite .restore.
  MySQL runs what /*! ... */ holds; psql fills in :variables (as DYN).
  EXPLAIN ANALYZE runs its statement: that statement's kind. DO bodies are parsed as PL/pgSQL,
  EXECUTE strings rebuilt from their literals. Writes between BEGIN and ROLLBACK emit nothing
  (postgres). CREATE RULE / PREPARE / BEGIN ATOMIC bodies holding a write are reported.
  mongo.drop-database, mongo.drop-collection, mongo.delete-all, mongo.update-all.
  redis.flush: FLUSHALL, FLUSHDB, EVAL calling them. redis.delete-pattern: DEL/UNLINK of a key
    holding `*` (redis does not expand it, but the agent means a mass deletion), or EVAL
    deleting what KEYS/SCAN returned.

Parsers (Python 3.11, both imported lazily). pglast 8.8, PostgreSQL's own grammar, for
postgres/cockroach: import 39 ms, 19 us per statement parsed; reads DO bodies (PL/pgSQL),
EXPLAIN options, DROP OWNED. sqlglot 30.30 for mysql/sqlite/duckdb/clickhouse and the cockroach
syntax pglast rejects: import 110 ms, 70 us per statement; on postgres it turns DO, EXPLAIN,
DROP OWNED, VACUUM into opaque Commands (8 of 39 tricky statements) and reads junk such as
`selec oops` as an expression. On the 96 postgres rows of tests/unit/analyzers/test_sql.py this module
is right on 96 with pglast, 84 with sqlglot in its place (7 misses from the parser: 5 DO bodies,
PREPARE, CREATE RULE), and about 6x slower per payload (137-245 vs 22-39 us).
DYN is taken for one token (a unique identifier): `WHERE id = $ID` is a real filter,
`DROP TABLE $T` a drop of an unknown target.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ...model import DYN, Effect
from .common import (CASCADE_DROPS, DROP_KINDS, INCLUDE_COMMANDS, PLACEHOLDER, SHELL_COMMANDS, SQLGLOT_DIALECTS,
                     TRAILING_META, known_name, make_effect, split_at_semicolons, unparseable)
from .dialects import classify_sqlglot


def classify_sql(text: str, dialect: str = "postgres") -> list[Effect]:
    """Effects of running `text` (statements, client meta-commands, comments) on `dialect`:
    postgres, mysql, sqlite, duckdb, clickhouse or cockroach."""
    if dialect != "postgres" and dialect not in SQLGLOT_DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}")
    sql, effects = _strip_client_commands(text, dialect)
    if dialect == "mysql":  # MySQL runs what `/*! ... */` and `/*!80000 ... */` hold
        sql = re.sub(r"(?s)/\*!\d*(.*?)\*/", r" \1 ", sql)
    numbers = iter(range(1, 1 << 30))  # distinct placeholders, so `$A = $B` is not `x = x`
    sql = re.sub(f"{DYN}+", lambda _: f"{PLACEHOLDER}{next(numbers)}", sql)
    try:
        if dialect in ("postgres", "cockroach"):
            return effects + _classify_pg(sql, fallback=dialect == "cockroach")
        return effects + classify_sqlglot(sql, SQLGLOT_DIALECTS[dialect])
    except Exception as error:  # a parse tree shaped as not foreseen: fail closed, never crash
        return effects + [make_effect("sql.unparseable", None, f"{sql} (analyser error: {error!r})")]


def _strip_client_commands(text: str, dialect: str) -> tuple[str, list[Effect]]:
    """Blank out the client's own commands (psql `\\dt`, sqlite `.tables`, mysql `source f`),
    which the server never sees; report those that include files, run shell commands or
    (sqlite .restore) overwrite the database."""
    effects, lines, in_copy_data = [], [], False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_copy_data:  # rows of COPY ... FROM STDIN, up to `\.`
            in_copy_data = stripped != "\\."
            lines.append("")
            continue
        sql_after = ""
        if stripped.startswith("\\"):
            command, _, sql_after = stripped[1:].partition("\\\\")  # psql: `\x \\ SQL...`
        elif stripped.startswith(".") and dialect in ("sqlite", "duckdb"):
            command = stripped[1:]
        elif dialect == "mysql" and re.match(r"(?i)(source|system)\s", stripped):
            command = stripped
        else:
            trailing = TRAILING_META.search(line)
            if trailing:
                if trailing.group(1) == "gexec":
                    effects.append(make_effect("sql.unparseable", None, "client command: " + stripped))
                line = line[:trailing.start()] + ";"
            in_copy_data = bool(re.search(r"(?i)\bcopy\b.*\bfrom\s+stdin\b", line))
            lines.append(line)
            continue
        name, _, argument = command.partition(" ")
        sends_query = TRAILING_META.match(stripped)  # `\g` on its own line ends the statement
        lines.append((";" if sends_query else "") + sql_after)
        if name.lower() in INCLUDE_COMMANDS:
            effects.append(make_effect("sql.unreadable", known_name(argument.strip()), stripped))
        elif name == "gexec" or SHELL_COMMANDS.match(command) or "`" in command:
            effects.append(make_effect("sql.unparseable", None, "client command: " + stripped))
    return "\n".join(lines), effects


# ---------------------------------------------------------------- PostgreSQL (pglast)

def _classify_pg(sql: str, fallback: bool) -> list[Effect]:
    from pglast.parser import ParseError

    try:
        statements = _pg_statements(sql)
    except ParseError:  # unscannable (an unterminated quote): a harmless first word proves nothing
        return [make_effect("sql.unparseable", None, sql)]
    effects: list[Effect] = []
    pending: list[Effect] | None = None  # writes after BEGIN: kept unless ROLLBACK undoes them
    for text, stmt in statements:
        transaction = (stmt or {}).get("TransactionStmt", {}).get("kind")
        if transaction in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
            effects, pending = effects + (pending or []), []
        elif transaction == "TRANS_STMT_ROLLBACK":
            pending = None
        elif transaction in ("TRANS_STMT_COMMIT", "TRANS_STMT_PREPARE"):
            effects, pending = effects + (pending or []), None
        if stmt is not None:
            found = list(_pg_walk(stmt, text))
        else:
            found = classify_sqlglot(text, "postgres") if fallback else unparseable(text)
        (effects if pending is None else pending).extend(found)
    return effects + (pending or [])


def _pg_statements(sql: str) -> list[tuple[str, dict | None]]:
    """(text, parse tree or None when unparseable) of each statement."""
    from pglast.parser import ParseError, parse_sql_json, scan

    raw = sql.encode()  # statement offsets are in bytes
    try:
        statements = []
        for stmt in json.loads(parse_sql_json(sql))["stmts"]:
            start = stmt.get("stmt_location", 0)
            end = start + stmt["stmt_len"] if stmt.get("stmt_len") else len(raw)  # 0: to the end
            statements.append((raw[start:end].decode().strip(), stmt["stmt"]))
        return statements
    except ParseError:
        pass
    # Parse statement by statement, so one error hides nothing else. The scanner raises
    # ParseError when it cannot even find the statements' boundaries.
    tokens = [(t.start, t.end, t.name == "ASCII_59") for t in scan(sql) if not t.name.endswith("COMMENT")]
    statements = []
    for text in split_at_semicolons(sql, tokens):
        # psql fills in its variables (:name, :'name', :"name") before the server parses
        with_values = re.sub(r"(?<![:\w]):(['\"]?)[A-Za-z_]\w*\1", PLACEHOLDER + "0", text)
        try:
            statements += [(text, s["stmt"]) for s in json.loads(parse_sql_json(with_values))["stmts"]]
        except ParseError:
            statements.append((text, None))
    return statements


def _pg_walk(value, statement: str) -> Iterator[Effect]:
    if isinstance(value, list):
        for item in value:
            yield from _pg_walk(item, statement)
        return
    for key, node in value.items() if isinstance(value, dict) else ():
        if not isinstance(node, dict | list):
            continue
        if key == "ExplainStmt":  # only ANALYZE runs the statement
            options = {o["DefElem"]["defname"]: _pg_sval(o["DefElem"].get("arg"))
                       for o in node.get("options", [])}
            if "analyze" in options and (options["analyze"] or "on").lower() not in ("false", "off", "0"):
                yield from _pg_walk(node["query"], statement)
        elif key == "DoStmt":
            yield from _pg_do_block(node, statement)
        else:
            yield from _pg_node(key, node, statement)
            yield from _pg_walk(node, statement)


def _pg_node(key: str, node: dict, statement: str) -> Iterator[Effect]:
    if key == "DropdbStmt":
        yield make_effect("sql.drop-database", known_name(node.get("dbname")), statement)
    elif key == "DropStmt":
        object_type = node.get("removeType", "").removeprefix("OBJECT_")
        names = known_name(", ".join(".".join(_pg_strings(o)) for o in node.get("objects", [])))
        if object_type in DROP_KINDS:
            yield make_effect(DROP_KINDS[object_type], names, statement)
        elif object_type in CASCADE_DROPS and node.get("behavior") == "DROP_CASCADE":
            yield make_effect("sql.drop-other", names, statement)
    elif key == "DropOwnedStmt":
        yield make_effect("sql.drop-owned", known_name(", ".join(_pg_strings(node.get("roles")))), statement)
    elif key == "TruncateStmt":
        yield make_effect("sql.truncate", known_name(", ".join(map(_pg_relation, node["relations"]))), statement)
    elif key in ("DeleteStmt", "UpdateStmt") and _pg_truth(node.get("whereClause")):
        kind = "sql.delete-all" if key == "DeleteStmt" else "sql.update-all"
        yield make_effect(kind, known_name(_pg_relation(node["relation"])), statement)
    elif key == "MergeStmt" and _pg_truth(node.get("joinCondition")):
        for clause in (c["MergeWhenClause"] for c in node.get("mergeWhenClauses", [])):
            command = clause.get("commandType")
            if command in ("CMD_DELETE", "CMD_UPDATE") and _pg_truth(clause.get("condition")):
                kind = "sql.delete-all" if command == "CMD_DELETE" else "sql.update-all"
                yield make_effect(kind, known_name(_pg_relation(node["relation"])), statement)
    elif key == "AlterTableStmt" and node.get("objtype") == "OBJECT_TABLE":
        for command in (c["AlterTableCmd"] for c in node.get("cmds", [])):
            if command.get("subtype") == "AT_DropColumn":
                column = f"{_pg_relation(node['relation'])}.{command.get('name')}"
                yield make_effect("sql.alter-drop", known_name(column), statement)
    elif key == "CopyStmt" and node.get("is_program"):
        yield make_effect("sql.unparseable", None, "COPY ... PROGRAM runs a shell command: " + statement)


def _pg_strings(node) -> list[str]:
    """Every name part under `node`, in order (the parts of a qualified name)."""
    if isinstance(node, list):
        return [s for item in node for s in _pg_strings(item)]
    if not isinstance(node, dict):
        return []
    for key in ("sval", "rolename"):
        if isinstance(node.get(key), str):
            return [node[key]]
    return [s for key, item in node.items() if key not in ("objargs", "objfuncargs")  # skip f(int)'s int
            for s in _pg_strings(item)]


def _pg_sval(node) -> str | None:
    return node["String"].get("sval") if node and "String" in node else None


def _pg_relation(node: dict) -> str:
    node = node.get("RangeVar", node)
    return ".".join(node[k] for k in ("catalogname", "schemaname", "relname") if node.get(k))


def _pg_constant(node: dict):
    const = node.get("A_Const") or node.get("TypeCast", {}).get("arg", {}).get("A_Const")
    for key, cast in (("ival", int), ("fval", float), ("boolval", bool), ("sval", str)):
        if const and not const.get("isnull") and key in const:
            return cast(const[key].get(key, cast()))  # libpg_query omits zero, false, ''
    return None


def _pg_truth(node: dict | None) -> bool | None:
    """True when a condition holds for every row (a missing WHERE does), False when it never
    does, None when it depends on the data."""
    if node is None:
        return True
    (key, fields), = node.items()
    if key in ("A_Const", "TypeCast"):
        value = _pg_constant(node)
        if isinstance(value, str):
            return value.lower() in ("t", "true", "y", "yes", "on", "1") or None
        return None if value is None else bool(value)
    if key == "ColumnRef":  # a condition that is wholly DYN may be `1=1`
        return len(fields["fields"]) == 1 and PLACEHOLDER in "".join(_pg_strings(fields)) or None
    if key == "BoolExpr":
        values = [_pg_truth(arg) for arg in fields["args"]]
        if fields["boolop"] == "NOT_EXPR":
            return None if values[0] is None else not values[0]
        decisive = fields["boolop"] == "OR_EXPR"  # one True decides an OR, one False an AND
        return decisive if decisive in values else (None if None in values else not decisive)
    if key == "NullTest" and "A_Const" in fields["arg"]:
        return fields["arg"]["A_Const"].get("isnull", False) == (fields["nulltesttype"] == "IS_NULL")
    if key == "A_Expr" and fields.get("lexpr") and fields.get("rexpr"):
        op, left, right = "".join(_pg_strings(fields["name"])), fields["lexpr"], fields["rexpr"]
        if op in ("~~", "~~*"):  # LIKE '%'
            pattern = _pg_constant(right)
            return isinstance(pattern, str) and set(pattern) == {"%"} or None
        if fields.get("kind") == "AEXPR_OP":
            left_text, right_text = (re.sub(r'"location": -?\d+', "", json.dumps(e)) for e in (left, right))
            return _compare(op, _pg_constant(left), _pg_constant(right), left_text == right_text)
    return None


def _compare(op: str, left, right, same_expression: bool) -> bool | None:
    if same_expression and left is None:  # x = x
        return {"=": True, ">=": True, "<=": True, "<>": False, "!=": False}.get(op)
    if left is None or right is None or isinstance(left, str) != isinstance(right, str):
        return None
    return {"=": left == right, "<>": left != right, "!=": left != right, "<": left < right,
            ">": left > right, "<=": left <= right, ">=": left >= right}.get(op)


def _pg_do_block(node: dict, statement: str) -> Iterator[Effect]:
    """A DO block runs PL/pgSQL: classify each statement of its body, static or EXECUTEd."""
    from pglast.parser import ParseError, parse_plpgsql_json

    args = {a["DefElem"]["defname"]: _pg_sval(a["DefElem"].get("arg")) for a in node.get("args", [])}
    try:
        if (args.get("language") or "plpgsql").lower() != "plpgsql":
            raise ParseError("not PL/pgSQL")
        function = json.loads(parse_plpgsql_json(  # the parser reads function bodies, so make one
            f"CREATE FUNCTION guardsh_do() RETURNS void LANGUAGE plpgsql AS $gd${args.get('as') or ''}$gd$"))
    except ParseError:
        yield make_effect("sql.unparseable", None, statement)
        return
    for sql, dynamic in _plpgsql_statements(function):
        if dynamic and not (sql := _pg_string_expression(sql)).replace(DYN, "").strip():
            yield make_effect("sql.unparseable", None, "EXECUTE of SQL built at run time: " + statement)
            continue
        for effect in classify_sql(sql, "postgres"):
            yield Effect(effect.kind, effect.target, "in DO block: " + effect.detail)


def _plpgsql_statements(tree) -> Iterator[tuple[str, bool]]:
    """(text, dynamic) of each statement a PL/pgSQL body runs; dynamic text is an expression."""
    for key, node in tree.items() if isinstance(tree, dict) else enumerate(tree):
        if key == "PLpgSQL_expr":
            if node.get("parseMode", 0) == 0:  # a whole statement (others are expressions)
                yield node["query"], False
            continue
        if isinstance(key, str) and key.startswith("PLpgSQL_stmt_dyn"):  # EXECUTE, FOR ... EXECUTE
            dynamic = node.get("query")
        elif key in ("PLpgSQL_stmt_open", "PLpgSQL_stmt_return_query"):  # ... FOR EXECUTE
            dynamic = node.get("dynquery")
        else:
            dynamic = None
        if dynamic:
            yield dynamic["PLpgSQL_expr"]["query"], True
        if isinstance(node, dict | list):
            yield from _plpgsql_statements(node)


def _pg_string_expression(expression: str) -> str:
    """The text a string expression builds, literals kept and everything else DYN:
    `'DROP TABLE ' || quote_ident(t)` -> "DROP TABLE \\x00", format('... %I', t) likewise."""
    from pglast.parser import ParseError, parse_sql_json

    def text_of(node: dict) -> str:
        (key, fields), = node.items()
        if key == "A_Const" and "sval" in fields:
            return fields["sval"].get("sval", "")
        if key == "TypeCast":
            return text_of(fields["arg"])
        if key == "A_Expr" and _pg_strings(fields.get("name")) == ["||"]:
            return text_of(fields["lexpr"]) + text_of(fields["rexpr"])
        if key == "FuncCall" and _pg_strings(fields["funcname"])[-1] == "format" and fields.get("args"):
            return re.sub(r"%[-\d$]*[ILs]", DYN, text_of(fields["args"][0])).replace("%%", "%")
        return DYN

    try:
        return text_of(json.loads(parse_sql_json(f"SELECT {expression}"))["stmts"][0]["stmt"]
                       ["SelectStmt"]["targetList"][0]["ResTarget"]["val"])
    except (ParseError, KeyError, IndexError):
        return DYN
