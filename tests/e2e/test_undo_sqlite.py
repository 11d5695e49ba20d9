"""SQLite files kept through the backup API, then a real DROP TABLE / DELETE / rm, then restored."""

from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest

from guardsh.outcome.snapshot import SqliteTarget, plan, restore, take


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.executescript("PRAGMA journal_mode=WAL; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
                      "INSERT INTO users VALUES (1, 'ada'), (2, 'grace'); CREATE INDEX by_name ON users(name);")
    con.commit()
    con.close()
    return path


def dump(path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def sqlite_cli(path, sql):
    subprocess.run(["sqlite3", str(path), sql], check=True, capture_output=True, timeout=30)


def test_drop_table_is_undone(db):
    before = dump(db)
    snap = take(plan([SqliteTarget(str(db))]), f"sqlite3 {db} 'DROP TABLE users'", str(db.parent))
    sqlite_cli(db, "DROP TABLE users")
    assert dump(db) != before
    restore(snap.id)
    assert dump(db) == before


def test_rows_committed_only_to_the_wal_are_kept(db):
    # A writer that keeps its connection open: its commits sit in app.db-wal, not yet in app.db.
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO users VALUES (3, 'linus')")
    writer.commit()
    try:
        before = dump(db)
        assert len([line for line in before if "linus" in line]) == 1
        snap = take(plan([SqliteTarget(str(db))]), "DELETE FROM users", str(db.parent))
        writer.execute("DELETE FROM users")
        writer.commit()
    finally:
        writer.close()
    restore(snap.id)
    assert dump(db) == before


def test_deleted_database_file_is_recreated_with_its_mode(db):
    os.chmod(db, 0o640)
    before = dump(db)
    snap = take(plan([SqliteTarget(str(db))]), "rm app.db", str(db.parent))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.unlink(f"{db}{suffix}")
    restore(snap.id)
    assert dump(db) == before
    assert os.stat(db).st_mode & 0o777 == 0o640


def test_undo_of_the_undo(db):
    snap = take(plan([SqliteTarget(str(db))]), "DROP TABLE users", str(db.parent))
    sqlite_cli(db, "DROP TABLE users; CREATE TABLE other (x)")
    after = dump(db)
    first = restore(snap.id)
    restore(first.kept_current.id)
    assert dump(db) == after


def test_not_a_sqlite_file_is_unkeepable(tmp_path):
    (tmp_path / "notes.db").write_text("just text, not a database\n")
    verdict = plan([SqliteTarget(str(tmp_path / "notes.db"))])
    assert not verdict and "not a SQLite database" in verdict.reason


def test_duckdb_file_is_unkeepable(tmp_path):
    # DuckDB's header: 8 bytes of checksum, then the magic "DUCK".
    (tmp_path / "warehouse.duckdb").write_bytes(b"\0" * 8 + b"DUCK" + b"\0" * 4084)
    verdict = plan([SqliteTarget(str(tmp_path / "warehouse.duckdb"))])
    assert not verdict and "DuckDB" in verdict.reason
