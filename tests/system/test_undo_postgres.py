"""PostgreSQL objects kept by pg_dump on a declared local development server
(the project's throw-away cluster), then really dropped, then restored."""

from __future__ import annotations

import os

import pytest
from pg_server import PostgresServer, find_bin_dir

from guardsh.outcome.snapshot import PostgresTarget, Settings, plan, restore, take

pytestmark = pytest.mark.postgres

BIN_DIR = find_bin_dir()
if BIN_DIR is None:
    pytest.skip("PostgreSQL's initdb is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    server = PostgresServer(BIN_DIR)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def shop(server):
    server.psql("DROP DATABASE IF EXISTS shop")
    server.psql("CREATE DATABASE shop")
    server.psql("CREATE TABLE bookings (id int PRIMARY KEY, guest text);"
                "INSERT INTO bookings VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus');"
                "CREATE TABLE rooms (n int); INSERT INTO rooms VALUES (101), (102)", database="shop")
    return server


def local(server) -> Settings:
    return Settings(local_postgres=(f"{server.host}:{server.port}",))


def target(server, **objects) -> PostgresTarget:
    return PostgresTarget(server.host, server.port, "shop", server.user, **objects)


def rows(server, table="bookings") -> str:
    return server.psql(f"SELECT * FROM {table} ORDER BY 1", database="shop")


@pytest.mark.parametrize("statement", ["DROP TABLE bookings", "TRUNCATE bookings", "DELETE FROM bookings",
                                       "UPDATE bookings SET guest = NULL"])
def test_destroyed_table_is_restored(shop, statement):
    before = rows(shop)
    settings = local(shop)
    snap = take(plan([target(shop, tables=("bookings",))], settings), statement, "/", settings)
    shop.psql(statement, database="shop")
    restore(snap.id, settings)
    assert rows(shop) == before
    assert rows(shop, "rooms") == "101\n102"


def test_undo_of_the_undo(shop):
    settings = local(shop)
    snap = take(plan([target(shop, tables=("public.bookings",))], settings), "DROP TABLE bookings", "/", settings)
    shop.psql("DROP TABLE bookings", database="shop")
    first = restore(snap.id, settings)
    assert rows(shop) == "1|Ada\n2|Grace\n3|Linus"
    restore(first.kept_current.id, settings)
    assert shop.psql("SELECT to_regclass('public.bookings') IS NULL", database="shop") == "t"


def test_dropped_database_is_restored(shop):
    settings = local(shop)
    snap = take(plan([target(shop, whole_database=True)], settings), "dropdb shop", "/", settings)
    shop.psql("DROP DATABASE shop")
    restore(snap.id, settings, keep_current=False)
    assert rows(shop) == "1|Ada\n2|Grace\n3|Linus" and rows(shop, "rooms") == "101\n102"


def test_a_server_not_declared_local_is_unkeepable(shop):
    verdict = plan([target(shop, tables=("bookings",))], Settings())
    assert not verdict and "not declared a local development server" in verdict.reason


def test_over_the_size_limit_is_unkeepable(shop):
    settings = Settings(local_postgres=(f"{shop.host}:{shop.port}",), max_bytes=1000)
    verdict = plan([target(shop, tables=("bookings",))], settings)
    assert not verdict and "max_bytes" in verdict.reason


def test_a_drop_on_a_declared_local_server_runs_unasked_and_is_undone(shop, isolated_home, project):
    """Through guardsh -c with no terminal, as an agent runs it: declared local,
    the table is dumped, dropped without asking, and `guardsh undo` brings it back."""
    from helpers import run_guardsh, write_rules

    write_rules(isolated_home, f'[settings.undo]\nlocal_postgres = ["{shop.host}:{shop.port}"]\n')
    before = shop.psql("SELECT id, guest FROM bookings ORDER BY id", database="shop")
    result = run_guardsh(["-c", f"psql {shop.connection_args()} shop -c 'DROP TABLE bookings'"], isolated_home)
    assert result.returncode == 0, result.stderr.decode()
    line = result.stderr.decode().strip().splitlines()[0]
    assert line.startswith("guardsh: kept a copy first (") and "bookings" in line
    assert not shop.psql("SELECT 1 FROM pg_tables WHERE tablename = 'bookings'", database="shop")
    snapshot_id = line.rsplit(" ", 1)[-1]
    undone = run_guardsh(["undo", snapshot_id], isolated_home)
    assert undone.returncode == 0, undone.stderr.decode()
    assert shop.psql("SELECT id, guest FROM bookings ORDER BY id", database="shop") == before


def test_an_undeclared_server_is_asked_about_and_nothing_is_dropped(shop, isolated_home, project):
    from helpers import run_guardsh

    result = run_guardsh(["-c", f"psql {shop.connection_args()} shop -c 'DROP TABLE bookings'"], isolated_home)
    assert result.returncode == 126
    assert shop.psql("SELECT count(*) FROM bookings", database="shop") == "3"
