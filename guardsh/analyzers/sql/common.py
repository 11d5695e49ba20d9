"""What the SQL readers share: the kinds by object, what is harmless, and
the helpers that make an Effect."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import DYN, Effect


PLACEHOLDER = "guardsh_dyn"
SQLGLOT_DIALECTS = {"mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb",
                    "clickhouse": "clickhouse", "cockroach": "postgres",
                    # spoken by clients no pack reads (analyzers/payloads.py)
                    "tsql": "tsql", "bigquery": "bigquery", "snowflake": "snowflake", "trino": "trino",
                    "spark": "spark", "hive": "hive", "oracle": "oracle"}
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


def known_name(name: str | None) -> str | None:
    """A name as the human will see it, or None when any of it is only known at run time."""
    return None if not name or PLACEHOLDER in name or DYN in name else name


def make_effect(kind: str, target: str | None, statement: str) -> Effect:
    detail = re.sub(rf"{PLACEHOLDER}\d+", "$?", " ".join(statement.split()))
    return Effect(kind, target, detail[:300])


def unparseable(statement: str) -> list[Effect]:
    if re.fullmatch(rf"\s*{PLACEHOLDER}\d+\s*;?\s*", statement):
        return [Effect("sql.unparseable", None, "statement built at run time")]
    first = (re.findall(r"\w+", statement.upper()) or [""])[0]
    if first == "EXPLAIN":  # EXPLAIN ANALYZE runs the statement
        harmless = not re.search(r"(?i)\banaly[sz]e\b|\(", statement)
    elif first in HARMLESS_UNLESS_DESTRUCTIVE:
        harmless = not DESTRUCTIVE_WORDS.search(statement)
    else:
        harmless = first in HARMLESS_FIRST_WORDS
    return [] if harmless else [make_effect("sql.unparseable", None, statement)]


def split_at_semicolons(sql: str, tokens: list[tuple[int, int, bool]]) -> Iterator[str]:
    """Statement texts, from (start, inclusive end, is_semicolon) of each non-comment token."""
    span: list[int] = []
    for start, end, semicolon in tokens + [(0, 0, True)]:
        if semicolon and span:
            yield sql[span[0]:span[1] + 1]
        span = [] if semicolon else [span[0] if span else start, end]
