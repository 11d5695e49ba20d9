"""Payloads handed to a program no pack reads: destructive SQL or a destructive GraphQL
mutation in any argument, `--opt=VALUE`, here-string, heredoc, stdin text, a .sql/.graphql
file named on the line, or a JSON or URL-encoded body field. `sqlcmd -Q 'DROP DATABASE
Shop'`, `bq query 'DELETE FROM t WHERE true'`, `heroku pg:psql -c 'TRUNCATE users'`, SQL in
the JSON body or query string of an SQL-over-HTTP request, are judged as psql's would be.

Cost: a keyword pre-filter (one regex per text) runs first; the SQL and GraphQL parsers are
imported only for text that starts a destructive statement or holds a `mutation`, so an
ordinary command pays a regex search per argument. Only what the parser reads as a
destructive statement counts: text that merely starts like one (`delete from the list`) and
does not parse is not SQL, and says nothing."""

from __future__ import annotations

import re

from ..model import DYN, Command, Effect

# A destructive statement starting the text or following `;` / a line break.
SQL_HINT = re.compile(
    r"(?is)(?:^|[;\n])\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:"
    r"DROP\s+(?:TABLE|DATABASE|SCHEMA|KEYSPACE|OWNED|TYPE|DOMAIN|EXTENSION)\b|TRUNCATE\b|DELETE\s+(?:FROM\s+)?[\w\"`\[]|"
    r"UPDATE\s+[\w.\"`\[\]]+\s+SET\b|ALTER\s+TABLE\b|CREATE\s+OR\s+REPLACE\s+TABLE\b|MERGE\s+INTO\b|"
    r"(?:WITH|EXPLAIN\s+ANALYZE)\b.*\b(?:DELETE|UPDATE|TRUNCATE)\b)")
GRAPHQL_HINT = re.compile(r"\bmutation\b[^{]*\{", re.I)
# The first, cheap look at every word: a keyword of a destructive statement anywhere in it.
LOOSE_HINT = re.compile(r"(?i)\b(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER|MERGE|mutation)\b")
PAYLOAD_FILE = re.compile(r"\.(?:sql|cql|hql|psql|graphql|gql)$", re.I)

# Programs that write, search or show text and never run it: SQL in their arguments is text
# (a commit message, a grep pattern, a line echoed into a file that is judged where it runs).
TEXT_PROGRAMS = {
    "echo": "prints", "printf": "prints", "print": "prints", "cat": "prints", "tac": "prints",
    "grep": "searches", "egrep": "searches", "fgrep": "searches", "rg": "searches", "ag": "searches",
    "ack": "searches", "git": "stores text (commit messages, grep patterns)", "gh": "posts text to GitHub",
    "glab": "posts text to GitLab", "jq": "filters JSON", "yq": "filters YAML", "sed": "edits text",
    "tee": "copies text", "head": "prints", "tail": "prints", "less": "shows", "more": "shows",
    "sort": "sorts", "uniq": "filters", "wc": "counts", "cut": "cuts", "tr": "translates", "diff": "compares",
    "man": "shows", "tldr": "shows", "test": "compares", "[": "compares", "[[": "compares", "expr": "computes",
    "read": "reads a variable", "export": "sets a variable", "declare": "sets a variable",
    "local": "sets a variable", "readonly": "sets a variable", "notify-send": "shows a notification",
    "say": "speaks", "logger": "writes the system log", "wl-copy": "copies to the clipboard",
    "xclip": "copies to the clipboard", "pbcopy": "copies to the clipboard", "code": "opens an editor",
    "vim": "opens an editor", "nano": "opens an editor", "sqlfluff": "lints SQL", "pgformatter": "formats SQL",
    "pg_format": "formats SQL", "sql-formatter": "formats SQL", "base64": "encodes", "gzip": "compresses",
    "openssl": "encrypts or hashes", "sha256sum": "hashes", "md5sum": "hashes", "column": "formats",
}
# Program -> the SQL dialect it speaks, for those no pack reads; others are tried as postgres,
# then mysql and T-SQL (a text that parses in none is not SQL).
DIALECTS = {"sqlcmd": "tsql", "bcp": "tsql", "osql": "tsql", "isql": "tsql", "bq": "bigquery",
            "snowsql": "snowflake", "trino": "trino", "presto": "trino", "clickhouse-client": "clickhouse",
            "clickhouse": "clickhouse", "duckdb": "duckdb", "spark-sql": "spark", "beeline": "hive",
            "hive": "hive", "sqlplus": "oracle", "mysqlsh": "mysql", "mycli": "mysql", "litecli": "sqlite",
            "turso": "sqlite", "wrangler": "sqlite", "d1": "sqlite"}
_DESTRUCTIVE_SQL = {"sql.drop-database", "sql.drop-schema", "sql.drop-table", "sql.drop-owned", "sql.drop-other",
                    "sql.truncate", "sql.delete-all", "sql.update-all", "sql.alter-drop"}


def sniff(cmd: Command, scan, reads: str | None) -> None:
    """Add the effects of destructive payloads in `cmd`'s words, stdin and payload files.
    `reads`: what the program's pack already reads (http: its GraphQL is read there)."""
    if cmd.name in TEXT_PROGRAMS or not cmd.argv:
        return
    texts = list(_texts(cmd, scan))
    if not texts:
        return
    dialect = DIALECTS.get(cmd.name)
    for text, where in texts:
        for candidate in _candidates(text):
            if SQL_HINT.search(candidate):
                cmd.effects.extend(_sql(candidate, dialect, where))
            if reads != "http" and GRAPHQL_HINT.search(candidate):
                from .http.graphql import classify_graphql

                cmd.effects.extend(e for e in classify_graphql(candidate, where)
                                   if e.kind == "http.graphql-destructive")


def _texts(cmd: Command, scan):
    for word in cmd.args:
        text = word.text
        if text.startswith("-") and "=" in text:  # --query=TEXT
            option, _, text = text.partition("=")
            if _hinted(text):
                yield text, option
        elif _hinted(text):
            yield text, "the command line"
        if PAYLOAD_FILE.search(text) and DYN not in text:
            content = scan.read_file(text, cmd.stdin)
            if content is not None and _hinted(content):
                yield content, text
    if cmd.stdin is not None:
        content = scan.stdin_text(cmd.stdin)
        if content and _hinted(content):
            yield content, "stdin"


def _hinted(text: str) -> bool:
    return bool(text) and (LOOSE_HINT.search(text) is not None or "=" in text and re.search(
        r"(?i)\b(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER)(?:\+|%20)", text) is not None)


def _candidates(text: str) -> list[str]:
    """The text, and what a JSON body or URL query string holds: {"sql": "..."}, ?query=..."""
    found = [text]
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        import json

        try:
            found += list(_strings(json.loads(stripped)))
        except ValueError:
            pass
    if "=" in text and ("?" in text or "&" in text or text.startswith(("query=", "sql=", "q="))):
        from urllib.parse import parse_qsl

        query = text.split("?", 1)[1] if "?" in text else text
        found += [value for _, value in parse_qsl(query)]
    return found


def _strings(value, depth: int = 0):
    if depth > 20:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, depth + 1)


# For a program whose language is not known, SQL must look like SQL beyond its first words:
# `oneliner -e "delete node_modules recursively"` parses as a DELETE but is prose.
_SQL_SHAPED = re.compile(r"\b(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER|MERGE)\b|(?i:\b(?:table|database|schema|where|set|"
                         r"cascade|keyspace)\b)|;\s*$")


def _sql(text: str, dialect: str | None, where: str) -> list[Effect]:
    from .sql.read import classify_sql

    if dialect is None and not _SQL_SHAPED.search(text):
        return []
    for tried in ([dialect] if dialect else ["postgres", "mysql", "tsql"]):
        effects = [e for e in classify_sql(text, tried) if e.kind in _DESTRUCTIVE_SQL]
        if effects:
            for effect in effects:
                if where != "the command line" and where not in (effect.detail or ""):
                    effect.detail = f"{effect.detail} (in {where})"
            return effects
    return []
