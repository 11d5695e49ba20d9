"""Read database payloads the way the server will: SQL (with a real parser), mongosh
JavaScript, redis-cli argv. Each function returns one `Effect` per destructive statement.

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
`selec oops` as an expression. On the 96 postgres rows of tests/test_analyzer_sql.py this module
is right on 96 with pglast, 84 with sqlglot in its place (7 misses from the parser: 5 DO bodies,
PREPARE, CREATE RULE), and about 6x slower per payload (137-245 vs 22-39 us).
DYN is taken for one token (a unique identifier): `WHERE id = $ID` is a real filter,
`DROP TABLE $T` a drop of an unknown target.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from guardsh.model import DYN, Effect

PLACEHOLDER = "guardsh_dyn"
SQLGLOT_DIALECTS = {"mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb",
                    "clickhouse": "clickhouse", "cockroach": "postgres"}
DROP_KINDS = {"DATABASE": "sql.drop-database", "SCHEMA": "sql.drop-schema",
              "TABLE": "sql.drop-table", "OWNED": "sql.drop-owned"}
CASCADE_DROPS = {"TYPE", "DOMAIN", "EXTENSION"}
HARMLESS_FIRST_WORDS = set(
    "SELECT SHOW DESCRIBE DESC VALUES USE SET RESET VACUUM ANALYZE ANALYSE OPTIMIZE "
    "REINDEX CHECKPOINT GRANT REVOKE COMMENT REFRESH LISTEN NOTIFY BEGIN START COMMIT END "
    "ROLLBACK SAVEPOINT RELEASE PRAGMA CHECK LOCK UNLOCK ATTACH DETACH INSTALL LOAD FLUSH CALL "
    "RENAME KILL EXPORT SYSTEM EXCHANGE".split())
HARMLESS_UNLESS_DESTRUCTIVE = {"ALTER", "CREATE", "REPLACE"}  # when no destructive word follows
DESTRUCTIVE_WORDS = re.compile(r"(?i)\b(DROP|DELETE|UPDATE|TRUNCATE|REPLACE\s+TABLE)\b")
INCLUDE_COMMANDS = {"i", "ir", "include", "include_relative", ".", "read", "source"}
SHELL_COMMANDS = re.compile(  # \! cmd, \o |cmd, \copy ... program, sqlite .shell/.system/.restore
    r"(?i)(!|shell\b|system\b|restore\b|(o|out|g\w*|w|write)\s*\||copy\b.*\bprogram\b)")
TRAILING_META = re.compile(r"\\(gexec|gx|gset|g|G|watch|crosstabview)\b[^'\"\n]*$")
EXPLAIN_PREFIX = re.compile(r"(?is)^(?P<opts>(?:\([^)]*\)|\s|(?!(?:WITH|SELECT|INSERT|UPDATE|DELETE"
                            r"|MERGE|CREATE|DROP|TRUNCATE|ALTER|TABLE)\b)\w+(?:\s*=\s*\w+)?)*)(?P<stmt>.*)$")


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
        return effects + _classify_sqlglot(sql, SQLGLOT_DIALECTS[dialect])
    except Exception as error:  # a parse tree shaped as not foreseen: fail closed, never crash
        return effects + [_effect("sql.unparseable", None, f"{sql} (analyser error: {error!r})")]


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
                    effects.append(_effect("sql.unparseable", None, "client command: " + stripped))
                line = line[:trailing.start()] + ";"
            in_copy_data = bool(re.search(r"(?i)\bcopy\b.*\bfrom\s+stdin\b", line))
            lines.append(line)
            continue
        name, _, argument = command.partition(" ")
        sends_query = TRAILING_META.match(stripped)  # `\g` on its own line ends the statement
        lines.append((";" if sends_query else "") + sql_after)
        if name.lower() in INCLUDE_COMMANDS:
            effects.append(_effect("sql.unreadable", _known(argument.strip()), stripped))
        elif name == "gexec" or SHELL_COMMANDS.match(command) or "`" in command:
            effects.append(_effect("sql.unparseable", None, "client command: " + stripped))
    return "\n".join(lines), effects


def _known(name: str | None) -> str | None:
    """A name as the human will see it, or None when any of it is only known at run time."""
    return None if not name or PLACEHOLDER in name or DYN in name else name


def _effect(kind: str, target: str | None, statement: str) -> Effect:
    detail = re.sub(rf"{PLACEHOLDER}\d+", "$?", " ".join(statement.split()))
    return Effect(kind, target, detail[:300])


def _unparseable(statement: str) -> list[Effect]:
    if re.fullmatch(rf"\s*{PLACEHOLDER}\d+\s*;?\s*", statement):
        return [Effect("sql.unparseable", None, "statement built at run time")]
    first = (re.findall(r"\w+", statement.upper()) or [""])[0]
    if first == "EXPLAIN":  # EXPLAIN ANALYZE runs the statement
        harmless = not re.search(r"(?i)\banaly[sz]e\b|\(", statement)
    elif first in HARMLESS_UNLESS_DESTRUCTIVE:
        harmless = not DESTRUCTIVE_WORDS.search(statement)
    else:
        harmless = first in HARMLESS_FIRST_WORDS
    return [] if harmless else [_effect("sql.unparseable", None, statement)]


def _split_at_semicolons(sql: str, tokens: list[tuple[int, int, bool]]) -> Iterator[str]:
    """Statement texts, from (start, inclusive end, is_semicolon) of each non-comment token."""
    span: list[int] = []
    for start, end, semicolon in tokens + [(0, 0, True)]:
        if semicolon and span:
            yield sql[span[0]:span[1] + 1]
        span = [] if semicolon else [span[0] if span else start, end]


# ---------------------------------------------------------------- PostgreSQL (pglast)

def _classify_pg(sql: str, fallback: bool) -> list[Effect]:
    from pglast.parser import ParseError

    try:
        statements = _pg_statements(sql)
    except ParseError:  # unscannable (an unterminated quote): a harmless first word proves nothing
        return [_effect("sql.unparseable", None, sql)]
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
            found = _classify_sqlglot(text, "postgres") if fallback else _unparseable(text)
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
    for text in _split_at_semicolons(sql, tokens):
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
        yield _effect("sql.drop-database", _known(node.get("dbname")), statement)
    elif key == "DropStmt":
        object_type = node.get("removeType", "").removeprefix("OBJECT_")
        names = _known(", ".join(".".join(_pg_strings(o)) for o in node.get("objects", [])))
        if object_type in DROP_KINDS:
            yield _effect(DROP_KINDS[object_type], names, statement)
        elif object_type in CASCADE_DROPS and node.get("behavior") == "DROP_CASCADE":
            yield _effect("sql.drop-other", names, statement)
    elif key == "DropOwnedStmt":
        yield _effect("sql.drop-owned", _known(", ".join(_pg_strings(node.get("roles")))), statement)
    elif key == "TruncateStmt":
        yield _effect("sql.truncate", _known(", ".join(map(_pg_relation, node["relations"]))), statement)
    elif key in ("DeleteStmt", "UpdateStmt") and _pg_truth(node.get("whereClause")):
        kind = "sql.delete-all" if key == "DeleteStmt" else "sql.update-all"
        yield _effect(kind, _known(_pg_relation(node["relation"])), statement)
    elif key == "MergeStmt" and _pg_truth(node.get("joinCondition")):
        for clause in (c["MergeWhenClause"] for c in node.get("mergeWhenClauses", [])):
            command = clause.get("commandType")
            if command in ("CMD_DELETE", "CMD_UPDATE") and _pg_truth(clause.get("condition")):
                kind = "sql.delete-all" if command == "CMD_DELETE" else "sql.update-all"
                yield _effect(kind, _known(_pg_relation(node["relation"])), statement)
    elif key == "AlterTableStmt" and node.get("objtype") == "OBJECT_TABLE":
        for command in (c["AlterTableCmd"] for c in node.get("cmds", [])):
            if command.get("subtype") == "AT_DropColumn":
                column = f"{_pg_relation(node['relation'])}.{command.get('name')}"
                yield _effect("sql.alter-drop", _known(column), statement)
    elif key == "CopyStmt" and node.get("is_program"):
        yield _effect("sql.unparseable", None, "COPY ... PROGRAM runs a shell command: " + statement)


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
        yield _effect("sql.unparseable", None, statement)
        return
    for sql, dynamic in _plpgsql_statements(function):
        if dynamic and not (sql := _pg_string_expression(sql)).replace(DYN, "").strip():
            yield _effect("sql.unparseable", None, "EXECUTE of SQL built at run time: " + statement)
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


# ---------------------------------------------------------------- other dialects (sqlglot)

def _classify_sqlglot(sql: str, dialect: str) -> list[Effect]:
    import logging

    from sqlglot import ParseError, TokenError, exp, parse_one
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it warns on every opaque Command
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except (TokenError, ParseError):  # no statement boundaries: a harmless first word proves nothing
        return [_effect("sql.unparseable", None, sql)]
    effects: list[Effect] = []
    boundaries = [(t.start, t.end, t.token_type == TokenType.SEMICOLON) for t in tokens]
    for text in _split_at_semicolons(sql, boundaries):
        try:
            tree = parse_one(text, read=dialect)
        except (TokenError, ParseError):
            tree = None
        # sqlglot reads a bare expression (`FLUSHALL`, `selec oops`, DYN) as if it were a statement
        if tree is None or isinstance(tree, exp.Condition | exp.Alias):
            effects += _unparseable(text)
        else:
            effects += _sqlglot_walk(tree, text, dialect)
    return effects


def _sqlglot_walk(node, statement: str, dialect: str) -> list[Effect]:
    from sqlglot import exp

    def names(tables) -> str | None:
        return _known(", ".join(".".join(p.name for p in t.parts) if isinstance(t, exp.Table) else t.sql()
                                for t in tables))

    if isinstance(node, exp.Describe):  # EXPLAIN: only EXPLAIN ANALYZE runs the statement
        return _sqlglot_walk(node.this, statement, dialect) if node.args.get("style") == "ANALYZE" else []
    if isinstance(node, exp.Command):
        rest = node.expression
        rest = rest.name if isinstance(rest, exp.Expression) else str(rest or "")
        return _sqlglot_command(node.name.upper(), rest.strip(), statement, dialect)
    if isinstance(node, exp.Drop) and (node.kind in DROP_KINDS
                                       or node.kind in CASCADE_DROPS and node.args.get("cascade")):
        dropped = names(node.args.get("tables") or [node.this])
        return [_effect(DROP_KINDS.get(node.kind, "sql.drop-other"), dropped, statement)]
    if isinstance(node, exp.Create) and node.args.get("replace") and node.kind == "TABLE":
        return [_effect("sql.drop-table", names([node.this]), statement)]  # OR REPLACE drops the data
    if isinstance(node, exp.TruncateTable):
        return [_effect("sql.truncate", names(node.expressions), statement)]
    effects = []
    if isinstance(node, exp.Alter):
        for action in node.args.get("actions") or []:
            if isinstance(action, exp.Drop) and action.kind == "COLUMN":
                column = next((c.name for c in action.args.get("tables") or [action.this] if c), None)
                effects.append(_effect("sql.alter-drop", _known(column and f"{names([node.this])}.{column}"),
                                       statement))
            elif isinstance(action, exp.DropPartition):
                effects.append(_effect("sql.alter-drop", names([node.this]), statement))
            elif isinstance(action, exp.Delete | exp.Update) and _sqlglot_truth(action.args.get("where")):
                kind = "sql.delete-all" if isinstance(action, exp.Delete) else "sql.update-all"
                effects.append(_effect(kind, names([node.this]), statement))
        return effects
    if isinstance(node, exp.Delete | exp.Update) and _sqlglot_truth(node.args.get("where")):
        sources = [node.this, *(node.args.get("using") or []), node.args.get("from_")]
        joins = [j for s in sources if isinstance(s, exp.Expression) for j in s.args.get("joins") or []]
        if not any(j.args.get("on") and not j.side and not _sqlglot_truth(j.args["on"]) for j in joins):
            kind = "sql.delete-all" if isinstance(node, exp.Delete) else "sql.update-all"
            effects.append(_effect(kind, names(node.args.get("tables") or [node.this]), statement))
    for child in node.iter_expressions():
        effects += _sqlglot_walk(child, statement, dialect)
    return effects


def _sqlglot_command(keyword: str, rest: str, statement: str, dialect: str) -> list[Effect]:
    """Statements sqlglot keeps as opaque text: EXPLAIN, unusual DROPs, anything else."""
    if keyword == "EXPLAIN":
        match = EXPLAIN_PREFIX.match(rest)
        if re.search(r"(?i)\banaly[sz]e\b(?!\s*(false|off|0)\b)", match["opts"]):
            return [_effect(e.kind, e.target, statement) for e in _classify_sqlglot(match["stmt"], dialect)]
        return []
    if keyword == "DROP":
        object_type = (rest.split() + [""])[0].upper()
        target = re.sub(r"(?i)^\w+\s+(BY\s+|IF\s+EXISTS\s+)?", "", rest).split(" ")[0]
        if object_type in DROP_KINDS or object_type in CASCADE_DROPS and "CASCADE" in rest.upper():
            return [_effect(DROP_KINDS.get(object_type, "sql.drop-other"), _known(target), statement)]
        return []
    clickhouse_update = re.match(r"(?is)TABLE\s+(\S+)(?:\s+ON\s+CLUSTER\s+\S+)?\s+UPDATE\s+(.*)", rest)
    if keyword == "ALTER" and clickhouse_update:  # a mutation: UPDATE t SET ... WHERE ...
        return [_effect(e.kind, e.target, statement) for e in _classify_sqlglot(
            f"UPDATE {clickhouse_update[1]} SET {clickhouse_update[2]}", dialect)]
    return _unparseable(statement)


def _sqlglot_truth(where) -> bool:
    """Whether a WHERE (or JOIN ... ON) holds for every row; a missing one does."""
    from sqlglot import exp
    from sqlglot.optimizer.simplify import simplify

    if where is None:
        return True
    try:
        condition = simplify((where.this if isinstance(where, exp.Where) else where).copy())
    except Exception:  # simplify is best effort: an unreadable condition counts as a real one
        return False
    condition = condition.unnest() if isinstance(condition, exp.Paren) else condition
    if isinstance(condition, exp.Boolean):
        return bool(condition.this)
    if isinstance(condition, exp.Literal):  # MySQL/SQLite: WHERE 1, WHERE '1'
        return re.fullmatch(r"\s*0*[1-9]\d*(\.\d*)?\s*", condition.this) is not None
    if isinstance(condition, exp.Column):
        return condition.name.startswith(PLACEHOLDER)
    if isinstance(condition, exp.Or | exp.And):
        combine = any if isinstance(condition, exp.Or) else all
        return combine(_sqlglot_truth(c) for c in (condition.this, condition.expression))
    if isinstance(condition, exp.EQ | exp.GTE | exp.LTE):
        return condition.this == condition.expression
    if isinstance(condition, exp.Like | exp.ILike):
        return isinstance(condition.expression, exp.Literal) and set(condition.expression.this) == {"%"}
    return False


# ---------------------------------------------------------------- MongoDB and Redis

MONGO_CALL = re.compile(
    r"""(?:\.\s*(?P<name>[A-Za-z_$][\w$]*)|\[\s*(?P<q>['"`])(?P<quoted>[^'"`]*)(?P=q)\s*\]"""
    r"""|getCollection\s*\(\s*(?P<q2>['"`])(?P<named>[^'"`]*)(?P=q2)\s*\))?"""
    r"""\s*\.\s*(?P<method>dropDatabase|drop|deleteMany|remove|updateMany|update)\s*\("""
    r"""(?P<no_filter>\s*(?:\{\s*\}|\x00+)?\s*(?=[,)]))?""")  # `()`, `({})`, `(DYN)`
MONGO_RUN_COMMAND = re.compile(
    r"""runCommand\s*\(\s*\{\s*['"]?(?P<command>dropDatabase|drop)['"]?\s*:\s*['"]?(?P<name>[\w.-]*)""")


def classify_mongo(js: str) -> list[Effect]:
    """Effects of mongosh/mongo `--eval` JavaScript: a conservative scan of the calls."""
    effects = []
    for match in MONGO_CALL.finditer(js):
        method, collection = match["method"], _known(match["name"] or match["quoted"] or match["named"])
        detail = re.match(r"[^;\n]*", js[match.start():])[0].replace(DYN, "$?")
        if method == "dropDatabase":
            database = re.search(r"""getSiblingDB\s*\(\s*['"`]([^'"`]+)['"`]\s*\)\s*$""", js[:match.start()])
            effects.append(Effect("mongo.drop-database", _known(database and database[1]), detail))
        elif method == "drop":
            effects.append(Effect("mongo.drop-collection", collection, detail))
        elif match["no_filter"] is None:
            continue
        elif method in ("deleteMany", "remove"):
            effects.append(Effect("mongo.delete-all", collection, detail))
        elif method == "updateMany" or re.search(r"\bmulti\s*:\s*true", detail):
            effects.append(Effect("mongo.update-all", collection, detail))
    for match in MONGO_RUN_COMMAND.finditer(js):
        kind = "mongo.drop-database" if match["command"] == "dropDatabase" else "mongo.drop-collection"
        effects.append(Effect(kind, _known(match["name"]) if kind.endswith("collection") else None, match[0]))
    return effects


REDIS_OPTIONS_WITH_VALUE = set(
    "-h -p -s -a -u -r -i -n -d -D -t --user --pass --sni --cacert --cacertdir --tls-ciphers "
    "--tls-ciphersuites --cert --key --rdb --functions-rdb --pipe-timeout --memkeys-samples "
    "--pattern --quoted-pattern --count --intrinsic-latency --eval --show-pushes --lru-test".split())


def classify_redis_cli(argv: list[str]) -> list[Effect]:
    """Effects of `redis-cli ARGV...` (argv without the program name, options included)."""
    database, index = "0", 0
    while index < len(argv) and argv[index].startswith("-") and len(argv[index]) > 1:
        option = argv[index]
        if option == "--cluster":  # `--cluster call HOST:PORT CMD...` runs CMD on every node
            if argv[index + 1:index + 2] != ["call"]:
                return []
            database, index = "0 on every node", index + 3
            break
        if option == "-n" and index + 1 < len(argv):
            database = argv[index + 1]
        elif option == "-u" and index + 1 < len(argv) and re.search(r"/(\d+)$", argv[index + 1]):
            database = re.search(r"/(\d+)$", argv[index + 1])[1]
        index += 2 if option in REDIS_OPTIONS_WITH_VALUE else 1
    command = argv[index:]
    name = command[0].upper() if command else ""
    shown = " ".join(command).replace(DYN, "$?")
    flushed = {"FLUSHALL": "all databases", "FLUSHDB": _known(f"db {database}")}
    if name in flushed:
        return [Effect("redis.flush", flushed[name], shown)]
    if name in ("DEL", "UNLINK"):
        # A pattern, or keys only known at run time (`--scan | xargs redis-cli del`): mass deletion.
        return [Effect("redis.delete-pattern", _known(key), shown) for key in command[1:] if "*" in key or DYN in key]
    if name == "EVAL" and len(command) > 1:
        called = {c.lower() for c in re.findall(r"""redis\.p?call\s*\(\s*['"](\w+)['"]""", command[1])}
        if called & {"flushall", "flushdb"}:
            return [Effect("redis.flush", flushed["FLUSHALL" if "flushall" in called else "FLUSHDB"], shown)]
        if called & {"del", "unlink"} and called & {"keys", "scan"}:
            return [Effect("redis.delete-pattern", None, shown)]
    return []
