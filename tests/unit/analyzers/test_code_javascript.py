"""JavaScript/TypeScript read with tree-sitter: each sink family finds its destructive form,
and a harmless lookalike (a GET, a SELECT, a POST that creates, code that only reads) gives nothing."""

from __future__ import annotations

import pytest

from code_judge import PROJECT_CREATE, RAILWAY_URL, VOLUME_DELETE, judged
from guardsh.analyzers.code.javascript import analyze_javascript

DESTRUCTIVE = [
    # the incident, by node fetch with the same JSON body as curl's
    (f'await fetch("{RAILWAY_URL}", {{method: "POST", headers: {{"Content-Type": "application/json"}}, '
     f'body: JSON.stringify({{query: "{VOLUME_DELETE}"}})}})', ("http.graphql-destructive", "vol-123")),
    (f'const body = {{query: "{VOLUME_DELETE}"}};\nconst res = await fetch("{RAILWAY_URL}", '
     f'{{method: "POST", body: JSON.stringify(body)}});', ("http.graphql-destructive", "vol-123")),
    (f'import fetch from "node-fetch";\nfetch("{RAILWAY_URL}", {{method: "POST", '
     f'body: JSON.stringify({{query: "mutation($id: String!) {{ volumeDelete(volumeId: $id) }}", '
     f'variables: {{id: "vol-9"}}}})}})', ("http.graphql-destructive", "vol-9")),
    # child_process
    ('const cp = require("child_process"); cp.execSync("rm -rf ~/work")', ("shell", "rm -rf ~/work")),
    ('import { exec as run } from "node:child_process"; run(`git push --force origin main`)',
     ("shell", "git push --force origin main")),
    ('const { spawnSync } = require("child_process"); spawnSync("rm", ["-rf", "/srv/data"])',
     ("shell", "rm -rf /srv/data")),
    ('require("child_process").spawn("dropdb prod", [], {shell: true})', ("shell", "dropdb prod")),
    ('import { promisify } from "util"; import { exec } from "child_process";\n'
     'const run = promisify(exec); await run("rm -rf dist ~/.cache")', ("shell", "rm -rf dist ~/.cache")),
    ('const { execFileSync } = require("child_process"); execFileSync(cmd, args)', ("code.dynamic-shell", "$? $?")),
    # fs deletion
    ('import fs from "fs"; fs.rmSync("dist", { recursive: true, force: true })', ("code.delete-tree", "dist")),
    ('import { rm } from "node:fs/promises"; await rm("/var/lib/app", {recursive: true})',
     ("code.delete-tree", "/var/lib/app")),
    ('const fs = require("fs"); fs.promises.unlink("prod.db")', ("code.delete-file", "prod.db")),
    ('const fse = require("fs-extra"); fse.emptyDirSync("uploads")', ("code.delete-tree", "uploads")),
    ('import { rimraf } from "rimraf"; await rimraf("node_modules/../data")', ("code.delete-tree", "node_modules/../data")),
    ('const os = require("os"); const path = require("path"); require("fs").rmSync(path.join(os.homedir(), "work"), '
     '{recursive: true})', ("code.delete-tree", "~/work")),
    ('require("fs").truncateSync("app.sqlite")', ("code.truncate-file", "app.sqlite")),
    ('Deno.run({ cmd: ["rm", "-rf", "/data"] })', ("shell", "rm -rf /data")),
    # HTTP
    ('import axios from "axios"; await axios.delete("https://api.example.com/v1/projects/42")',
     ("http.delete", "https://api.example.com/v1/projects/42")),
    ('const api = axios.create({ baseURL: "https://api.example.com" }); await api.delete("/v1/users/7")',
     ("http.delete", "https://api.example.com/v1/users/7")),
    ('import got from "got"; await got.delete("https://api.example.com/items/1")',
     ("http.delete", "https://api.example.com/items/1")),
    ('await fetch("https://api.example.com/items/1", { method: "DELETE" })',
     ("http.delete", "https://api.example.com/items/1")),
    ('const https = require("https"); https.request({hostname: "api.example.com", path: "/v1/db", method: "DELETE"})',
     ("http.delete", "https://api.example.com/v1/db")),
    ('await fetch(url, opts)', ("http.unknown-method", "$?")),
    ('await axios({ method: "delete", url: "https://api.example.com/v2/x" })', ("http.delete", "https://api.example.com/v2/x")),
    ('$.ajax({ url: "https://api.example.com/v3/y", type: "DELETE" })', ("http.delete", "https://api.example.com/v3/y")),
    ('const xhr = new XMLHttpRequest(); xhr.open("DELETE", "https://api.example.com/v4/z"); xhr.send()',
     ("http.delete", "https://api.example.com/v4/z")),
    ('import superagent from "superagent"; await superagent.del("https://api.example.com/v5/w")',
     ("http.delete", "https://api.example.com/v5/w")),
    ('await someClient.delete("https://api.example.com/v6/v")', ("http.delete", "https://api.example.com/v6/v")),
    # SQL reaching a driver
    ('const { Client } = require("pg"); const client = new Client(); await client.query("DROP TABLE users")',
     ("sql.drop-table", "users")),
    ('import Database from "better-sqlite3"; const db = new Database("app.db"); db.exec("DELETE FROM sessions")',
     ("sql.delete-all", "sessions")),
    ('const mysql = require("mysql2/promise"); const conn = await mysql.createConnection(cfg);\n'
     'await conn.execute("TRUNCATE TABLE orders")', ("sql.truncate", "orders")),
    ('await knex.raw("DROP TABLE audit_log")', ("sql.drop-table", "audit_log")),
    ('await prisma.$executeRawUnsafe("DROP TABLE \\"User\\"")', ("sql.drop-table", "User")),
    ('await prisma.$executeRaw`TRUNCATE TABLE accounts`', ("sql.truncate", "accounts")),
    ('await sequelize.query("DELETE FROM users")', ("sql.delete-all", "users")),
    ('const { Pool } = require("pg"); const pool = new Pool(); await pool.query(buildQuery(req))',
     ("code.unknown-sink", "pg.Pool()")),
    # ORM mass deletes
    ('await prisma.user.deleteMany({})', ("sql.delete-all", "user")),
    ('await prisma.post.deleteMany()', ("sql.delete-all", "post")),
    ('await dataSource.getRepository(User).clear()', ("sql.truncate", "User")),
    ('await userRepository.delete({})', ("sql.delete-all", "userRepository")),
    ('await User.destroy({ truncate: true })', ("sql.truncate", "User")),
    ('await User.destroy({ where: {} })', ("sql.delete-all", "User")),
    ('await sequelize.sync({ force: true })', ("sql.drop-table", "every model's table")),
    ('await knex("users").del()', ("sql.delete-all", "users")),
    ('await User.deleteMany({})', ("mongo.delete-all", "User")),
    ('await db.collection("events").deleteMany({})', ("mongo.delete-all", "events")),
    # redis
    ('import { createClient } from "redis"; const r = createClient(); await r.flushAll()', ("redis.flush", "all databases")),
    ('const Redis = require("ioredis"); new Redis().flushdb()', ("redis.flush", "db 0")),
    ('await client.sendCommand(["FLUSHALL"])', ("redis.flush", "all databases")),
    # AWS SDK v3 and other cloud SDKs, by verb
    ('import { S3Client, DeleteBucketCommand } from "@aws-sdk/client-s3";\n'
     'await new S3Client({}).send(new DeleteBucketCommand({ Bucket: "prod-assets" }))',
     ("code.sdk-delete", "DeleteBucket prod-assets")),
    ('await s3.send(new DeleteObjectsCommand({Bucket: "b", Delete: {Objects: keys}}))', ("code.sdk-delete", "DeleteObjects b")),
    ('await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: "prod-db", SkipFinalSnapshot: true }))',
     ("code.sdk-delete", "DeleteDBInstance prod-db")),
    ('await ec2.send(new TerminateInstancesCommand({ InstanceIds: ["i-1", "i-2"] }))',
     ("code.sdk-delete", "TerminateInstances i-1, i-2")),
    ('await sqs.send(new PurgeQueueCommand({ QueueUrl: q }))', ("code.sdk-delete", "PurgeQueue")),
    ('const AWS = require("aws-sdk"); const s3 = new AWS.S3(); await s3.deleteBucket({Bucket: "x"}).promise()',
     ("code.sdk-delete", "deleteBucket x")),
    ('const { Octokit } = require("@octokit/rest"); const o = new Octokit(); await o.rest.repos.delete({owner: "me", repo: "app"})',
     ("code.sdk-delete", "delete app")),
    # eval
    ('eval("require(\'child_process\').execSync(\'rm -rf /tmp/w\')")', ("shell", "rm -rf /tmp/w")),
    ('eval(atob(payload))', ("code.dynamic-eval", None)),
]

HARMLESS = [
    f'await fetch("{RAILWAY_URL}", {{method: "POST", body: JSON.stringify({{query: "{PROJECT_CREATE}"}})}})',
    f'await fetch("{RAILWAY_URL}", {{method: "POST", body: JSON.stringify({{query: "query {{ me {{ id }} }}"}})}})',
    'const res = await fetch("https://api.example.com/items"); const data = await res.json();',
    'import axios from "axios"; const { data } = await axios.get("https://api.example.com/users");',
    'await axios.post("https://api.example.com/users", { name: "ann" })',
    'const { Client } = require("pg"); const c = new Client(); await c.query("SELECT * FROM users WHERE id = $1", [id])',
    'import Database from "better-sqlite3"; const db = new Database("app.db"); db.prepare("SELECT * FROM t").all()',
    'await prisma.user.deleteMany({ where: { email: { endsWith: "@test.local" } } })',
    'import Database from "better-sqlite3"; const db = new Database("a.db"); const stmt = db.prepare("SELECT * FROM t WHERE id = ?");\n'
    'const row = stmt.get(id); db.prepare("INSERT INTO t VALUES (?)").run(value);',
    'await prisma.user.findMany({})',
    'await knex("users").where({ id: 3 }).del()',
    'await User.destroy({ where: { id: 1 } })',
    'await User.deleteMany({ createdAt: { $lt: cutoff } })',
    'await sequelize.sync()',
    'const r = createClient(); await r.get("k"); await r.del("session:1")',
    'await s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })); await s3.send(new PutObjectCommand({Bucket: "b"}))',
    'const m = new Map(); m.delete("k"); m.clear(); const s = new Set(); s.clear(); /x+/.exec(text)',
    'const fs = require("fs"); const text = fs.readFileSync("package.json", "utf8"); fs.writeFileSync("out.json", text)',
    'const cache = {}; cache.clear?.(); list.filter(Boolean).map((x: number) => x * 2);',
    'console.log("rm -rf /"); const s = "DROP TABLE users";',
    'const xhr = new XMLHttpRequest(); xhr.open("GET", "https://api.example.com/a"); fs.open("x", "r", cb)',
    '$.ajax({ url: "https://api.example.com/a", type: "GET" }); require("fs").truncateSync("log.txt", 100)',
    'function remove(id: string) { return items.delete(id) }\nexport const deleteUser = (id) => api.remove(id);',
]


@pytest.mark.parametrize("code, expected", DESTRUCTIVE, ids=[c[:60] for c, _ in DESTRUCTIVE])
def test_destructive_javascript_is_found(code, expected):
    assert expected in judged(analyze_javascript(code, typescript=True))


@pytest.mark.parametrize("code, expected", DESTRUCTIVE[:12], ids=[c[:60] for c, _ in DESTRUCTIVE[:12]])
def test_plain_javascript_grammar_reads_the_same(code, expected):
    assert expected in judged(analyze_javascript(code, typescript=False))


@pytest.mark.parametrize("code", HARMLESS, ids=[c[:60] for c in HARMLESS])
def test_harmless_lookalike_gives_nothing(code):
    assert judged(analyze_javascript(code, typescript=True)) == []


def test_typescript_syntax_is_read():
    code = ('import { Client } from "pg";\ninterface Row { id: number }\n'
            'const client: Client = new Client() as Client;\n'
            'const q: string = "DROP TABLE users";\n'
            'export async function wipe(): Promise<void> { await client!.query<Row>(q); }\n')
    assert ("sql.drop-table", "users") in judged(analyze_javascript(code, typescript=True))


def test_tsx_is_read():
    code = 'const App = () => <button onClick={() => fetch("/api/all", {method: "DELETE"})}>x</button>;'
    assert ("http.delete", "http:///api/all") in judged(analyze_javascript(code, typescript=True)) or any(
        kind == "http.delete" for kind, _ in judged(analyze_javascript(code, typescript=True)))


def test_a_name_assigned_twice_is_not_guessed():
    code = 'let q = "SELECT 1"; q = "DROP TABLE users"; const { Client } = require("pg"); new Client().query(q)'
    assert ("code.unknown-sink", "pg.Client()") in judged(analyze_javascript(code))


def test_unparseable_code_is_said():
    assert ("code.unparseable", None) in judged(analyze_javascript("fetch(('https://x', {method: 'DELETE'}"))


def test_grammars_are_not_imported_by_the_allowed_path():
    import subprocess
    import sys

    probe = ("import sys; import guardsh.analyzers.content, guardsh.analyzers.code.read; "
             "print(any(m.startswith('tree_sitter_javascript') or m.startswith('tree_sitter_typescript') "
             "for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"
