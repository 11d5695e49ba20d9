"""guardsh against a real PostgreSQL server: destructive SQL sent through psql
(by -c, -f, heredoc, pipe or redirect) and dropdb are refused without a terminal
and the data is still there afterwards; ordinary queries behave exactly as in bash."""

from __future__ import annotations

import os

import pytest

from helpers import guardsh_env, run_bash, run_guardsh
from pg_server import PostgresServer, find_bin_dir

pytestmark = pytest.mark.postgres

BIN_DIR = find_bin_dir()
if BIN_DIR is None:
    pytest.skip("PostgreSQL's initdb is not installed (not on PATH nor under /usr/lib/postgresql/*/bin)",
                allow_module_level=True)

BOOKINGS = "1|Ada\n2|Grace\n3|Linus"


@pytest.fixture(scope="session")
def server():
    server = PostgresServer(BIN_DIR)
    try:
        server.start()
        server.psql("CREATE DATABASE shop")
        yield server
    finally:
        server.stop()


@pytest.fixture
def shop(server):
    """Database `shop` with table `bookings` holding three rows, fresh for each test."""
    if not server.psql("SELECT 1 FROM pg_database WHERE datname = 'shop'"):
        server.psql("CREATE DATABASE shop")  # so one test that lost it does not fail the rest
    server.psql("DROP TABLE IF EXISTS bookings; CREATE TABLE bookings (id int PRIMARY KEY, guest text);"
                "INSERT INTO bookings VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus')", database="shop")
    return server


def bookings(server) -> str:
    return server.psql("SELECT id, guest FROM bookings ORDER BY id", database="shop")


# The cluster's own psql and dropdb come first on PATH, for guardsh and bash alike.
SHELL_PATH = {"PATH": f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}"}


REFUSED = [
    pytest.param("psql {conn} shop -c 'DROP TABLE bookings'", {}, "sql.drop", id="drop-table-via-c"),
    pytest.param("psql {conn} shop -f drop.sql", {"drop.sql": "DROP TABLE bookings;\n"}, "sql.drop",
                 id="drop-table-from-sql-file"),
    pytest.param("psql {conn} shop <<'SQL'\nDROP TABLE bookings;\nSQL", {}, "sql.drop", id="drop-table-from-heredoc"),
    pytest.param("psql {conn} shop -c 'TRUNCATE bookings'", {}, "sql.truncate", id="truncate"),
    pytest.param("psql {conn} shop -c 'DELETE FROM bookings'", {}, "sql.delete-all-rows", id="delete-without-where"),
    pytest.param("echo 'DELETE FROM bookings WHERE true' | psql {conn} shop", {}, "sql.delete-all-rows",
                 id="piped-delete-where-true"),
    pytest.param("psql {conn} shop < wipe.sql", {"wipe.sql": "UPDATE bookings SET guest = NULL;\n"},
                 "sql.delete-all-rows", id="update-without-where-from-redirected-file"),
]


@pytest.mark.parametrize("command, files, rule", REFUSED)
def test_destructive_sql_is_refused_and_bookings_survive(command, files, rule, shop, isolated_home, project):
    for name, content in files.items():
        (project / name).write_text(content)
    result = run_guardsh(["-c", command.format(conn=shop.connection_args())], isolated_home,
                         env_extra=SHELL_PATH)
    assert result.returncode == 126, result.stderr.decode()
    assert rule in result.stderr.decode()
    assert result.stdout == b""
    assert bookings(shop) == BOOKINGS


def test_dropdb_is_refused_and_database_survives(shop, isolated_home):
    result = run_guardsh(["-c", f"dropdb {shop.connection_args()} shop"], isolated_home,
                         env_extra=SHELL_PATH)
    assert result.returncode == 126, result.stderr.decode()
    assert "sql.drop-database-tool" in result.stderr.decode()
    assert shop.psql("SELECT datname FROM pg_database WHERE datname = 'shop'") == "shop"
    assert bookings(shop) == BOOKINGS


def guardsh_and_bash(command: str, home, project):
    """Run one command line through guardsh and through bash, in the same environment."""
    args = ["-c", command]
    ours = run_guardsh(args, home, env_extra=SHELL_PATH)
    theirs = run_bash(args, project, env=guardsh_env(home, **SHELL_PATH))
    return ours, theirs


def test_select_behaves_exactly_as_bash(shop, isolated_home, project):
    ours, theirs = guardsh_and_bash(f"psql {shop.connection_args()} shop -c 'SELECT count(*) FROM bookings'",
                                    isolated_home, project)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
    assert (theirs.returncode, theirs.stdout.split(b"\n")[2]) == (0, b"     3")  # the server really answered


def test_failing_query_behaves_exactly_as_bash(shop, isolated_home, project):
    ours, theirs = guardsh_and_bash(f"psql {shop.connection_args()} shop -c 'SELECT * FROM missing_table'",
                                    isolated_home, project)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
    assert theirs.returncode == 1 and b'relation "missing_table" does not exist' in theirs.stderr


def test_delete_of_one_row_runs_and_deletes_only_that_row(shop, isolated_home):
    result = run_guardsh(["-c", f"psql {shop.connection_args()} shop -c 'DELETE FROM bookings WHERE id = 1'"],
                         isolated_home, env_extra=SHELL_PATH)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"DELETE 1\n", b"")
    assert bookings(shop) == "2|Grace\n3|Linus"
