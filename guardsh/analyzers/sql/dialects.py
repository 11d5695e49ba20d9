"""SQL of the dialects pglast does not read (mysql, sqlite, duckdb, clickhouse,
and cockroach syntax pglast rejects), with sqlglot."""

from __future__ import annotations

import re

from ...model import Effect
from .common import (CASCADE_DROPS, DROP_KINDS, EXPLAIN_PREFIX, PLACEHOLDER, known_name, make_effect,
                     split_at_semicolons, unparseable)


def classify_sqlglot(sql: str, dialect: str) -> list[Effect]:
    import logging

    from sqlglot import ParseError, TokenError, exp, parse_one
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it warns on every opaque Command
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except (TokenError, ParseError):  # no statement boundaries: a harmless first word proves nothing
        return [make_effect("sql.unparseable", None, sql)]
    effects: list[Effect] = []
    boundaries = [(t.start, t.end, t.token_type == TokenType.SEMICOLON) for t in tokens]
    for text in split_at_semicolons(sql, boundaries):
        try:
            tree = parse_one(text, read=dialect)
        except (TokenError, ParseError):
            tree = None
        # sqlglot reads a bare expression (`FLUSHALL`, `selec oops`, DYN) as if it were a statement
        if tree is None or isinstance(tree, exp.Condition | exp.Alias):
            effects += unparseable(text)
        else:
            effects += _sqlglot_walk(tree, text, dialect)
    return effects


def _sqlglot_walk(node, statement: str, dialect: str) -> list[Effect]:
    from sqlglot import exp

    def names(tables) -> str | None:
        return known_name(", ".join(".".join(p.name for p in t.parts) if isinstance(t, exp.Table) else t.sql()
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
        return [make_effect(DROP_KINDS.get(node.kind, "sql.drop-other"), dropped, statement)]
    if isinstance(node, exp.Create) and node.args.get("replace") and node.kind == "TABLE":
        return [make_effect("sql.drop-table", names([node.this]), statement)]  # OR REPLACE drops the data
    if isinstance(node, exp.TruncateTable):
        return [make_effect("sql.truncate", names(node.expressions), statement)]
    effects = []
    if isinstance(node, exp.Alter):
        for action in node.args.get("actions") or []:
            if isinstance(action, exp.Drop) and action.kind == "COLUMN":
                column = next((c.name for c in action.args.get("tables") or [action.this] if c), None)
                effects.append(make_effect("sql.alter-drop", known_name(column and f"{names([node.this])}.{column}"),
                                       statement))
            elif isinstance(action, exp.DropPartition):
                effects.append(make_effect("sql.alter-drop", names([node.this]), statement))
            elif isinstance(action, exp.Delete | exp.Update) and _sqlglot_truth(action.args.get("where")):
                kind = "sql.delete-all" if isinstance(action, exp.Delete) else "sql.update-all"
                effects.append(make_effect(kind, names([node.this]), statement))
        return effects
    if isinstance(node, exp.Delete | exp.Update) and _sqlglot_truth(node.args.get("where")):
        sources = [node.this, *(node.args.get("using") or []), node.args.get("from_")]
        joins = [j for s in sources if isinstance(s, exp.Expression) for j in s.args.get("joins") or []]
        if not any(j.args.get("on") and not j.side and not _sqlglot_truth(j.args["on"]) for j in joins):
            kind = "sql.delete-all" if isinstance(node, exp.Delete) else "sql.update-all"
            effects.append(make_effect(kind, names(node.args.get("tables") or [node.this]), statement))
    for child in node.iter_expressions():
        effects += _sqlglot_walk(child, statement, dialect)
    return effects


def _sqlglot_command(keyword: str, rest: str, statement: str, dialect: str) -> list[Effect]:
    """Statements sqlglot keeps as opaque text: EXPLAIN, unusual DROPs, anything else."""
    if keyword == "EXPLAIN":
        match = EXPLAIN_PREFIX.match(rest)
        if re.search(r"(?i)\banaly[sz]e\b(?!\s*(false|off|0)\b)", match["opts"]):
            return [make_effect(e.kind, e.target, statement) for e in classify_sqlglot(match["stmt"], dialect)]
        return []
    if keyword == "DROP":
        object_type = (rest.split() + [""])[0].upper()
        target = re.sub(r"(?i)^\w+\s+(BY\s+|IF\s+EXISTS\s+)?", "", rest).split(" ")[0]
        if object_type in DROP_KINDS or object_type in CASCADE_DROPS and "CASCADE" in rest.upper():
            return [make_effect(DROP_KINDS.get(object_type, "sql.drop-other"), known_name(target), statement)]
        return []
    clickhouse_update = re.match(r"(?is)TABLE\s+(\S+)(?:\s+ON\s+CLUSTER\s+\S+)?\s+UPDATE\s+(.*)", rest)
    if keyword == "ALTER" and clickhouse_update:  # a mutation: UPDATE t SET ... WHERE ...
        return [make_effect(e.kind, e.target, statement) for e in classify_sqlglot(
            f"UPDATE {clickhouse_update[1]} SET {clickhouse_update[2]}", dialect)]
    return unparseable(statement)


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
