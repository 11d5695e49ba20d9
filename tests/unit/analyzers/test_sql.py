"""What guardsh.analyzers.sql, .mongo and .redis find in SQL, mongosh JavaScript and redis-cli argv."""

import pytest

from guardsh.analyzers.mongo import classify_mongo
from guardsh.analyzers.redis import classify_redis_cli
from guardsh.analyzers.sql.read import classify_sql
from guardsh.model import DYN

DESTRUCTIVE_SQL = [
    # (text, dialect, expected kinds)
    ("DROP DATABASE app_production;", "postgres", {"sql.drop-database"}),
    ("dRoP tAbLe users", "postgres", {"sql.drop-table"}),
    ("drop table if exists public.users cascade;", "postgres", {"sql.drop-table"}),
    ("DROP SCHEMA app CASCADE", "postgres", {"sql.drop-schema"}),
    ("DROP OWNED BY app_user", "postgres", {"sql.drop-owned"}),
    ("DROP TYPE mood CASCADE", "postgres", {"sql.drop-other"}),
    ("DROP EXTENSION postgis CASCADE", "postgres", {"sql.drop-other"}),
    ("TRUNCATE TABLE orders;", "postgres", {"sql.truncate"}),
    ("DELETE FROM users;", "postgres", {"sql.delete-all"}),
    ("DELETE FROM sessions WHERE true;", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE 1=1", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE 'a' = 'a'", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE NOT false", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE id = id", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE id = 5 OR 2 > 1", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE name LIKE '%'", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t WHERE 't'::boolean", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t RETURNING *", "postgres", {"sql.delete-all"}),
    ("DELETE FROM t USING u", "postgres", {"sql.delete-all"}),
    ("UPDATE accounts SET balance = 0;", "postgres", {"sql.update-all"}),
    ("UPDATE t SET a = u.a FROM u", "postgres", {"sql.update-all"}),
    ("UPDATE t SET a = 1 WHERE 1 = 1", "postgres", {"sql.update-all"}),
    ("WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone", "postgres", {"sql.delete-all"}),
    ("MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", "postgres", {"sql.delete-all"}),
    ("ALTER TABLE users DROP COLUMN email;", "postgres", {"sql.alter-drop"}),
    ("ALTER TABLE users ADD COLUMN a int, DROP COLUMN b", "postgres", {"sql.alter-drop"}),
    ("EXPLAIN ANALYZE DELETE FROM t", "postgres", {"sql.delete-all"}),
    ("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "postgres", {"sql.update-all"}),
    ("EXPLAIN ANALYZE WITH x AS (DELETE FROM t RETURNING 1) SELECT 1", "postgres", {"sql.delete-all"}),
    ("BEGIN; DELETE FROM t; COMMIT;", "postgres", {"sql.delete-all"}),
    ("BEGIN; DROP TABLE t;", "postgres", {"sql.drop-table"}),
    ("BEGIN; DROP TABLE a; COMMIT; BEGIN; DELETE FROM b; ROLLBACK;", "postgres", {"sql.drop-table"}),
    ("BEGIN; DELETE FROM t; ROLLBACK TO SAVEPOINT s; COMMIT;", "postgres", {"sql.delete-all"}),
    ("DROP TABLE :tbl", "postgres", {"sql.drop-table"}),
    ("SELECT 1;\nDROP TABLE a;\nSELECT 2", "postgres", {"sql.drop-table"}),
    ("/* cleanup */ DROP TABLE a; -- done", "postgres", {"sql.drop-table"}),
    ("DO $$ BEGIN DELETE FROM t; END $$", "postgres", {"sql.delete-all"}),
    ("DO $body$ DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables LOOP "
     "EXECUTE 'DROP TABLE ' || quote_ident(r.tablename); END LOOP; END $body$", "postgres", {"sql.drop-table"}),
    ("DO $$ BEGIN EXECUTE format('TRUNCATE %I', t); END $$", "postgres", {"sql.truncate"}),
    ("DO $$ BEGIN EXECUTE q; END $$", "postgres", {"sql.unparseable"}),
    ("DO LANGUAGE plpython3u $$ plpy.execute('x') $$", "postgres", {"sql.unparseable"}),
    ("DO $$ BEGIN oops oops; END $$", "postgres", {"sql.unparseable"}),
    ("\\i drop_all.sql", "postgres", {"sql.unreadable"}),
    ("\\ir ./teardown.sql\n\\dt", "postgres", {"sql.unreadable"}),
    ("\\! rm -rf /var/lib/postgresql", "postgres", {"sql.unparseable"}),
    ("SELECT 'DROP TABLE ' || tablename FROM pg_tables \\gexec", "postgres", {"sql.unparseable"}),
    ("\\set x `cat /etc/passwd`", "postgres", {"sql.unparseable"}),
    ("SELECT format('DROP TABLE %I', tablename) FROM pg_tables\n\\gexec", "postgres", {"sql.unparseable"}),
    ("SELECT 1\n\\g\nDROP TABLE x", "postgres", {"sql.drop-table"}),
    ("\\x \\\\ DROP TABLE users", "postgres", {"sql.drop-table"}),  # psql: SQL after `\\`
    ("PREPARE wipe AS DELETE FROM t", "postgres", {"sql.delete-all"}),
    ("CREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM audit", "postgres", {"sql.delete-all"}),
    ("COPY t TO PROGRAM 'sh -c x'", "postgres", {"sql.unparseable"}),
    ("DELET FROM users", "postgres", {"sql.unparseable"}),
    ("SELECT 1; selec oops; DROP TABLE x", "postgres", {"sql.unparseable", "sql.drop-table"}),
    ("SELECT 'unterminated", "postgres", {"sql.unparseable"}),
    # MySQL, SQLite, DuckDB, ClickHouse, CockroachDB
    ("DROP DATABASE shop;", "mysql", {"sql.drop-database"}),
    ("DELETE t1, t2 FROM t1 INNER JOIN t2 WHERE 1", "mysql", {"sql.delete-all"}),
    ("DELETE t1 FROM t1 LEFT JOIN t2 ON t1.a = t2.a", "mysql", {"sql.delete-all"}),
    ("DELETE FROM `users` ORDER BY id LIMIT 1000", "mysql", {"sql.delete-all"}),
    ("UPDATE users SET active = 0 WHERE 1", "mysql", {"sql.update-all"}),
    ("TRUNCATE shop.orders", "mysql", {"sql.truncate"}),
    ("source wipe.sql", "mysql", {"sql.unreadable"}),
    ("SELECT 1 /*!; DROP TABLE users */", "mysql", {"sql.drop-table"}),  # MySQL runs /*! ... */
    ("selec oops", "mysql", {"sql.unparseable"}),
    (DYN, "mysql", {"sql.unparseable"}),
    ("DROP TABLE users;", "sqlite", {"sql.drop-table"}),
    ("ALTER TABLE t DROP COLUMN c", "sqlite", {"sql.alter-drop"}),
    ("DELETE FROM t WHERE x = x", "sqlite", {"sql.delete-all"}),
    (".read reset.sql", "sqlite", {"sql.unreadable"}),
    (".shell rm -rf data", "sqlite", {"sql.unparseable"}),
    ("CREATE OR REPLACE TABLE t AS SELECT 1", "duckdb", {"sql.drop-table"}),
    ("EXPLAIN ANALYZE DELETE FROM t", "duckdb", {"sql.delete-all"}),
    ("ALTER TABLE events DELETE WHERE 1", "clickhouse", {"sql.delete-all"}),
    ("ALTER TABLE events DROP PARTITION 202401", "clickhouse", {"sql.alter-drop"}),
    ("ALTER TABLE events UPDATE x = 1 WHERE 1", "clickhouse", {"sql.update-all"}),
    ("TRUNCATE TABLE db.events", "clickhouse", {"sql.truncate"}),
    ("DROP DATABASE app CASCADE", "cockroach", {"sql.drop-database"}),
    # parts only known at run time
    (DYN, "postgres", {"sql.unparseable"}),
    ("SELECT 1; " + DYN, "postgres", {"sql.unparseable"}),
    (f"DROP TABLE {DYN}", "postgres", {"sql.drop-table"}),
    (f"DELETE FROM t WHERE {DYN}", "postgres", {"sql.delete-all"}),
    (f"DROP TABLE {DYN}", "mysql", {"sql.drop-table"}),
]

HARMLESS_SQL = [
    ("\\dt", "postgres"),
    ("\\d users", "postgres"),
    ("\\c app\n\\x\nSELECT 1;", "postgres"),
    ("SELECT count(*) FROM users;", "postgres"),
    ("SELECT 'DROP TABLE x'", "postgres"),
    ("SELECT $tag$DROP TABLE x$tag$", "postgres"),
    ("-- DROP TABLE x\nSELECT 1", "postgres"),
    ("/* DROP DATABASE prod */", "postgres"),
    ("EXPLAIN SELECT * FROM orders WHERE user_id = 42;", "postgres"),
    ("EXPLAIN DELETE FROM t", "postgres"),
    ("EXPLAIN (ANALYZE false) DELETE FROM t", "postgres"),
    ("BEGIN; EXPLAIN ANALYZE DELETE FROM t; ROLLBACK;", "postgres"),
    ("SHOW search_path", "postgres"),
    ("INSERT INTO feature_flags (name, enabled) VALUES ('beta', true);", "postgres"),
    ("CREATE TABLE t (a int)", "postgres"),
    ("CREATE INDEX CONCURRENTLY i ON t (a)", "postgres"),
    ("CREATE FUNCTION f() RETURNS void AS $$ DELETE FROM t $$ LANGUAGE sql", "postgres"),
    ("ALTER TABLE users ADD COLUMN last_login timestamptz;", "postgres"),
    ("ALTER TABLE users DROP CONSTRAINT users_email_key", "postgres"),
    ("DROP INDEX CONCURRENTLY idx_a", "postgres"),
    ("DROP VIEW active_users", "postgres"),
    ("DROP FUNCTION f(int)", "postgres"),
    ("DELETE FROM sessions WHERE id = 5;", "postgres"),
    ("DELETE FROM t USING u WHERE t.id = u.id", "postgres"),
    ("DELETE FROM t WHERE 1 = 0 OR id = 3", "postgres"),
    ("UPDATE users SET name = 'Ann' WHERE id = 7;", "postgres"),
    ("COPY t TO STDOUT", "postgres"),
    ("COPY t FROM STDIN;\n1\tDROP TABLE x\n\\.\nSELECT 1;", "postgres"),
    ("GRANT SELECT ON t TO bob", "postgres"),
    ("VACUUM FULL t", "postgres"),
    ("DO $$ BEGIN UPDATE t SET a = 1 WHERE id = 2; PERFORM pg_sleep(1); END $$", "postgres"),
    ("DO $$ BEGIN EXECUTE 'SELECT count(*) FROM ' || quote_ident(t); END $$", "postgres"),
    ("SELECT :'var'", "postgres"),
    ("\\set id 5\nDELETE FROM t WHERE id = :id;", "postgres"),
    (f"DELETE FROM users WHERE id = {DYN}", "postgres"),
    (f"SELECT * FROM {DYN}", "postgres"),
    ("SHOW TABLES", "mysql"),
    ("DESCRIBE users", "mysql"),
    ("DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id", "mysql"),
    ("UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = 1", "mysql"),
    ("SELECT * FROM t\\G", "mysql"),
    ("SELECT 1 # DROP TABLE x", "mysql"),
    ("FLUSH PRIVILEGES", "mysql"),
    ("REPLACE INTO t VALUES (1)", "mysql"),
    ("ALTER TABLE t DROP INDEX i, DROP FOREIGN KEY fk", "mysql"),
    ("DROP USER bob", "mysql"),
    ("EXPLAIN DELETE FROM t", "mysql"),
    (".tables", "sqlite"),
    (".schema users", "sqlite"),
    ("PRAGMA table_info(users)", "sqlite"),
    ("DELETE FROM t WHERE id = 1", "duckdb"),
    ("CREATE OR REPLACE VIEW v AS SELECT 1", "duckdb"),
    ("ALTER TABLE t UPDATE x = 1 WHERE id = 1", "clickhouse"),
    ("OPTIMIZE TABLE t FINAL", "clickhouse"),
    ("SELECT * FROM t AS OF SYSTEM TIME '-10s'", "cockroach"),
]


@pytest.mark.parametrize("text, dialect, kinds", DESTRUCTIVE_SQL)
def test_destructive_sql(text, dialect, kinds):
    assert {e.kind for e in classify_sql(text, dialect)} == kinds


@pytest.mark.parametrize("text, dialect", HARMLESS_SQL)
def test_harmless_sql(text, dialect):
    assert classify_sql(text, dialect) == []


@pytest.mark.parametrize("text, dialect, expected", [
    ("DROP DATABASE app_production;", "postgres", [("sql.drop-database", "app_production")]),
    ("DROP TABLE public.users, audit", "postgres", [("sql.drop-table", "public.users, audit")]),
    ("TRUNCATE a, s.b", "postgres", [("sql.truncate", "a, s.b")]),
    ("ALTER TABLE users DROP COLUMN email", "postgres", [("sql.alter-drop", "users.email")]),
    ("DELETE FROM ONLY app.sessions", "postgres", [("sql.delete-all", "app.sessions")]),
    ("DROP DATABASE IF EXISTS shop", "mysql", [("sql.drop-database", "shop")]),
    ("\\i drop_all.sql", "postgres", [("sql.unreadable", "drop_all.sql")]),
    (f"DROP TABLE app_{DYN}", "postgres", [("sql.drop-table", None)]),
    (DYN, "postgres", [("sql.unparseable", None)]),
])
def test_targets(text, dialect, expected):
    assert [(e.kind, e.target) for e in classify_sql(text, dialect)] == expected


def test_details_quote_the_statement():
    [effect] = classify_sql("SELECT 1; EXPLAIN ANALYZE DELETE FROM t", "postgres")
    assert effect.detail == "EXPLAIN ANALYZE DELETE FROM t"
    [effect] = classify_sql(DYN, "postgres")
    assert "built at run time" in effect.detail
    [effect] = classify_sql(f"DROP TABLE {DYN}", "postgres")
    assert effect.detail == "DROP TABLE $?"


def test_unknown_dialect_is_refused():
    with pytest.raises(ValueError):
        classify_sql("SELECT 1", "klingon")


@pytest.mark.parametrize("js, expected", [
    ("db.dropDatabase()", [("mongo.drop-database", None)]),
    ("db.getSiblingDB('app').dropDatabase()", [("mongo.drop-database", "app")]),
    ("db.runCommand({dropDatabase: 1})", [("mongo.drop-database", None)]),
    ("db.users.drop()", [("mongo.drop-collection", "users")]),
    ("db . users . drop ( )", [("mongo.drop-collection", "users")]),
    ("db['users'].drop()", [("mongo.drop-collection", "users")]),
    ('db.getCollection("audit-log").drop()', [("mongo.drop-collection", "audit-log")]),
    ("db.runCommand({drop: 'users'})", [("mongo.drop-collection", "users")]),
    ("db.getCollectionNames().forEach(c => db[c].drop())", [("mongo.drop-collection", None)]),
    ("db.users.deleteMany({})", [("mongo.delete-all", "users")]),
    ("db.users.deleteMany( { } )", [("mongo.delete-all", "users")]),
    (f"db.users.deleteMany({DYN})", [("mongo.delete-all", "users")]),
    ("db.users.remove({})", [("mongo.delete-all", "users")]),
    ("db.users.updateMany({}, {$set: {active: false}})", [("mongo.update-all", "users")]),
    ("db.users.update({}, {$set: {a: 1}}, {multi: true})", [("mongo.update-all", "users")]),
    ("db.users.find().limit(5)", []),
    ("db.users.deleteOne({_id: 1})", []),
    ('db.users.deleteMany({status: "x"})', []),
    ("db.users.updateMany({plan: 'free'}, {$set: {a: 1}})", []),
    ("db.users.update({}, {$set: {a: 1}})", []),
    ("db.users.dropIndex('email_1')", []),
    ("db.users.countDocuments({})", []),
])
def test_mongo(js, expected):
    assert [(e.kind, e.target) for e in classify_mongo(js)] == expected


@pytest.mark.parametrize("argv, expected", [
    (["FLUSHALL"], [("redis.flush", "all databases")]),
    (["flushall", "ASYNC"], [("redis.flush", "all databases")]),
    (["-n", "3", "FLUSHDB"], [("redis.flush", "db 3")]),
    (["-u", "redis://cache:6379/4", "flushdb"], [("redis.flush", "db 4")]),
    (["-h", "db", "-p", "6380", "-a", "secret", "--tls", "--user", "u", "FlushAll"], [("redis.flush", "all databases")]),
    (["--cluster", "call", "10.0.0.1:7000", "FLUSHALL"], [("redis.flush", "all databases")]),
    (["DEL", "user:*"], [("redis.delete-pattern", "user:*")]),
    (["unlink", "a", "cache:*"], [("redis.delete-pattern", "cache:*")]),
    (["EVAL", "redis.call('FLUSHDB')", "0"], [("redis.flush", "db 0")]),
    (["EVAL", "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end", "0", "s:*"],
     [("redis.delete-pattern", None)]),
    (["PING"], []),
    (["GET", "user:42"], []),
    (["DEL", "session:abc123"], []),
    (["-a", "FLUSHALL", "GET", "x"], []),  # the password is not the command
    (["EVAL", "return redis.call('del', KEYS[1])", "1", "k"], []),
    (["--scan", "--pattern", "session:*"], []),
    (["KEYS", "*"], []),
    ([], []),
])
def test_redis_cli(argv, expected):
    assert [(e.kind, e.target) for e in classify_redis_cli(argv)] == expected
