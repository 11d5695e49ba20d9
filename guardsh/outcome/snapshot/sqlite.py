"""Keep a SQLite database file by SQLite's online backup API: a consistent
copy even while another process writes (WAL or rollback journal), which a
plain file copy is not. Restoring writes it back through the same API, inside
SQLite's own locking.

DuckDB files are not kept: DuckDB has no backup API usable from here without
the duckdb package, and a file copy beside a running writer is not
consistent. plan() answers Unkeepable for them."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass

from .errors import Deadline, SnapshotError, Unkeepable

SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at offset 8


@dataclass(frozen=True)
class SqliteTarget:
    """A SQLite file a line will change destructively (DROP TABLE, DELETE without WHERE ...)."""

    path: str


def survey(target: SqliteTarget, settings) -> dict | Unkeepable:
    path = os.path.abspath(target.path)
    try:
        st = os.stat(path)
        with open(path, "rb") as f:
            header = f.read(16)
    except FileNotFoundError:
        return {"path": path, "absent": True, "bytes": 0}
    except OSError as e:
        return Unkeepable(f"cannot read {path}: {e.strerror or e}")
    if header[8:12] == DUCKDB_MAGIC:
        return Unkeepable(f"{path} is a DuckDB database; guardsh keeps SQLite files only")
    if header and header != SQLITE_MAGIC:
        return Unkeepable(f"{path} is not a SQLite database")
    size = st.st_size + _size(path + "-wal")
    limit = min(settings.max_bytes, settings.total_bytes)
    if size > limit:
        return Unkeepable(f"{path} holds {size} bytes, over the limit of {limit} (max_bytes)")
    return {"path": path, "absent": False, "bytes": size, "mode": stat.S_IMODE(st.st_mode)}


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def keep(target: SqliteTarget, dest: str, index: int, settings, deadline: Deadline) -> dict:
    facts = survey(target, settings)
    if isinstance(facts, Unkeepable):
        raise SnapshotError(facts.reason)
    path = facts["path"]
    part = {"kind": "sqlite", "path": path, "stored": None, "bytes": facts["bytes"], "files": 1}
    if facts["absent"]:
        part["kept"] = f"sqlite {path}: did not exist"
        return part
    stored = os.path.join("sqlite", f"{index}.db")
    os.makedirs(os.path.join(dest, "sqlite"), mode=0o700, exist_ok=True)
    try:
        _backup(f"file:{_uri_path(path)}?mode=ro", os.path.join(dest, stored), deadline)
    except sqlite3.Error as e:
        raise SnapshotError(f"copying the SQLite database {path}: {e}") from e
    part.update(stored=stored, mode=facts["mode"], kept=f"sqlite {path} ({facts['bytes']} bytes)")
    return part


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path)


def _backup(source_uri: str, destination: str, deadline: Deadline) -> None:
    timeout = max(0.1, deadline.remaining())
    source = sqlite3.connect(source_uri, uri=True, timeout=timeout)
    try:
        target = sqlite3.connect(destination, timeout=timeout)
        try:
            # All pages in one step: a step-wise copy restarts whenever a writer commits.
            source.backup(target, pages=-1)
        finally:
            target.close()
    finally:
        source.close()


def restore(part: dict, snapshot_dir: str, deadline: Deadline) -> str:
    path = part["path"]
    if part["stored"] is None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(path + suffix)
            except FileNotFoundError:
                pass
        return f"sqlite {path}: removed (it did not exist)"
    existed = os.path.exists(path)
    try:
        stored = os.path.join(snapshot_dir, part["stored"])
        _backup(f"file:{_uri_path(stored)}?mode=ro", path, deadline)
    except sqlite3.Error as e:
        raise SnapshotError(f"restoring the SQLite database {path}: {e}") from e
    if not existed and part.get("mode") is not None:
        os.chmod(path, part["mode"])
    return f"sqlite {path}"
