"""Keep PostgreSQL objects with pg_dump before a statement destroys them, on
servers the user has declared local development servers (setting
`local_postgres`, "host:port"; empty by default, because a port forwarded to
production looks exactly like localhost). Every other server is Unkeepable.

Kept: the named tables (DROP/TRUNCATE/DELETE without WHERE), the named
schemas (DROP SCHEMA), or a whole database (DROP DATABASE), in pg_dump's custom
format, within max_bytes. Restored with pg_restore --clean --if-exists in one
transaction (a database: --create, from the maintenance database). MySQL is
not kept yet."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from .errors import Deadline, SnapshotError, Unkeepable


@dataclass(frozen=True)
class PostgresTarget:
    """Objects a statement would destroy on one server. Tables as "schema.table" or "table" (public)."""

    host: str
    port: int
    database: str
    user: str | None = None
    tables: tuple[str, ...] = ()
    schemas: tuple[str, ...] = ()
    whole_database: bool = False

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def _declared_local(target: PostgresTarget, settings) -> bool:
    declared = {s.strip().lower() for s in settings.local_postgres}
    return target.server.lower() in declared


def _tools() -> tuple[str, str, str] | None:
    found = [shutil.which(name) for name in ("pg_dump", "pg_restore", "psql")]
    return tuple(found) if all(found) else None  # type: ignore[return-value]


def _conn(target: PostgresTarget, database: str | None = None) -> list[str]:
    args = ["-h", target.host, "-p", str(target.port), "-d", database or target.database]
    return args + (["-U", target.user] if target.user else [])


def _env() -> dict:
    # Never a password prompt: guardsh runs before the line, maybe with no terminal.
    return {**os.environ, "PGCONNECT_TIMEOUT": "5"}


def _run(argv: list[str], deadline: Deadline | None, what: str) -> str:
    try:
        result = subprocess.run([*argv, "--no-password"] if argv[0].endswith(("pg_dump", "pg_restore")) else argv,
                                capture_output=True, text=True, env=_env(), stdin=subprocess.DEVNULL,
                                timeout=deadline.remaining() if deadline else 60)
    except subprocess.TimeoutExpired:
        raise SnapshotError(f"timed out while {what}") from None
    if result.returncode != 0:
        raise SnapshotError(f"{what}: {result.stderr.strip()}")
    return result.stdout


def _psql(target: PostgresTarget, sql: str, deadline: Deadline | None, database: str | None = None) -> str:
    psql = _tools()[2]
    return _run([psql, "-X", "-At", "-w", "-v", "ON_ERROR_STOP=1", *_conn(target, database), "-c", sql],
                deadline, f"asking {target.server}").strip()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _split_table(name: str) -> tuple[str, str]:
    schema, _, table = name.rpartition(".")
    return (schema or "public"), table


def survey(target: PostgresTarget, settings) -> dict | Unkeepable:
    if not _declared_local(target, settings):
        return Unkeepable(f"PostgreSQL at {target.server} is not declared a local development server "
                          f"(setting local_postgres); guardsh keeps only those")
    if not (target.tables or target.schemas or target.whole_database):
        return Unkeepable("no PostgreSQL objects were named to keep")
    if _tools() is None:
        return Unkeepable("pg_dump, pg_restore or psql is not installed")
    try:
        if target.whole_database:
            size = int(_psql(target, f"SELECT pg_database_size({_literal(target.database)})", None, "postgres"))
            present_tables, absent_tables = [], []
        else:
            present_tables, absent_tables = [], []
            for name in target.tables:
                schema, table = _split_table(name)
                exists = _psql(target, f"SELECT count(*) FROM pg_tables WHERE schemaname = {_literal(schema)} "
                                       f"AND tablename = {_literal(table)}", None)
                (present_tables if exists == "1" else absent_tables).append((schema, table))
            size = 0
            for schema, table in present_tables:
                size += int(_psql(target, f"SELECT pg_total_relation_size("
                                          f"{_literal(_ident(schema) + '.' + _ident(table))}::regclass)", None))
            for schema in target.schemas:
                size += int(_psql(target, "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                                          "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                                          f"AND n.nspname = {_literal(schema)}", None))
    except (SnapshotError, ValueError) as e:
        return Unkeepable(f"cannot measure what to keep on {target.server}: {e}")
    limit = min(settings.max_bytes, settings.total_bytes)
    if size > limit:
        return Unkeepable(f"{size} bytes of PostgreSQL data on {target.server}, over the limit of {limit} (max_bytes)")
    what = ("database " + target.database if target.whole_database else
            ", ".join([f"{s}.{t}" for s, t in present_tables] + [f"schema {s}" for s in target.schemas]) or "nothing")
    return {"bytes": size, "present_tables": present_tables, "absent_tables": absent_tables,
            "describe": f"PostgreSQL {target.server}/{target.database}: {what}"}


def keep(target: PostgresTarget, dest: str, index: int, settings, deadline: Deadline) -> dict:
    facts = survey(target, settings)
    if isinstance(facts, Unkeepable):
        raise SnapshotError(facts.reason)
    part = {"kind": "postgres", "host": target.host, "port": target.port, "database": target.database,
            "user": target.user, "tables": [f"{s}.{t}" for s, t in facts["present_tables"]],
            "absent_tables": [f"{s}.{t}" for s, t in facts["absent_tables"]], "schemas": list(target.schemas),
            "whole_database": target.whole_database, "stored": None, "files": 1}
    selection = []
    for schema, table in facts["present_tables"]:
        selection += ["-t", f"{_ident(schema)}.{_ident(table)}"]
    for schema in target.schemas:
        selection += ["-n", _ident(schema)]
    if selection or target.whole_database:
        stored = f"postgres-{index}.dump"
        out = os.path.join(dest, stored)
        pg_dump = _tools()[0]
        _run([pg_dump, *_conn(target), "--format=custom", "--file", out,
              *(["--create"] if target.whole_database else []), *selection], deadline,
             f"pg_dump of {facts['describe']}")
        size = os.path.getsize(out)
        if size > min(settings.max_bytes, settings.total_bytes):
            raise SnapshotError(f"the dump of {facts['describe']} is {size} bytes, over the limit (max_bytes)")
        part["stored"] = stored
    part["bytes"] = os.path.getsize(os.path.join(dest, part["stored"])) if part["stored"] else 0
    part["kept"] = facts["describe"]
    return part


def _target_of(part: dict) -> PostgresTarget:
    return PostgresTarget(part["host"], part["port"], part["database"], part["user"],
                          tables=tuple(part["tables"]) + tuple(part["absent_tables"]),
                          schemas=tuple(part["schemas"]), whole_database=part["whole_database"])


def restore_target(part: dict) -> PostgresTarget:
    """What restoring `part` overwrites: the same objects, as they are now."""
    return _target_of(part)


def restore(part: dict, snapshot_dir: str, settings, deadline: Deadline) -> str:
    target = _target_of(part)
    if not _declared_local(target, settings):
        raise SnapshotError(f"PostgreSQL at {target.server} is no longer declared a local development server")
    if _tools() is None:
        raise SnapshotError("pg_restore or psql is not installed")
    pg_restore = _tools()[1]
    if part["absent_tables"]:
        # They did not exist when the snapshot was taken: restoring that state removes them.
        drops = "; ".join(f"DROP TABLE IF EXISTS {_ident(s)}.{_ident(t)}"
                          for s, t in map(_split_table, part["absent_tables"]))
        _psql(target, drops, deadline)
    if part["stored"] is None:
        return f"PostgreSQL {target.server}/{target.database}: dropped {', '.join(part['absent_tables'])}"
    dump = os.path.join(snapshot_dir, part["stored"])
    if part["whole_database"]:
        _run([pg_restore, *_conn(target, "postgres"), "--clean", "--if-exists", "--create", dump], deadline,
             f"pg_restore of database {target.database}")
        return f"PostgreSQL {target.server}: database {target.database}"
    _run([pg_restore, *_conn(target), "--clean", "--if-exists", "--single-transaction", dump], deadline,
         f"pg_restore into {target.database}")
    return f"PostgreSQL {target.server}/{target.database}: {', '.join(part['tables'] + part['schemas'])}"
