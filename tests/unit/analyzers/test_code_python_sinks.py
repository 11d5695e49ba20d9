"""Python library sinks read from an ast tree: each family's destructive form is found and a
harmless lookalike (a GET, a SELECT, a POST that creates, code that only reads) gives nothing."""

from __future__ import annotations

import ast

import pytest

from code_judge import PROJECT_CREATE, RAILWAY_URL, VOLUME_DELETE, judged
from guardsh.analyzers.code.python_sinks import PythonSinks, analyze_python_sinks, read_python_sinks

DESTRUCTIVE = [
    # the incident, by requests.post with the same JSON body as curl's
    (f'import requests\nrequests.post("{RAILWAY_URL}", json={{"query": "{VOLUME_DELETE}"}})',
     ("http.graphql-destructive", "vol-123")),
    (f'import requests, os\nURL = "{RAILWAY_URL}"\nQ = "{VOLUME_DELETE}"\n'
     f'r = requests.post(URL, json={{"query": Q}}, headers={{"Authorization": f"Bearer {{os.environ[\'TOKEN\']}}"}})',
     ("http.graphql-destructive", "vol-123")),
    (f'import httpx\nhttpx.post("{RAILWAY_URL}", content=r\'{{"query": "{VOLUME_DELETE}"}}\')',
     ("http.graphql-destructive", "vol-123")),
    (f'import json, urllib.request\nreq = urllib.request.Request("{RAILWAY_URL}", '
     f'data=json.dumps({{"query": "{VOLUME_DELETE}"}}).encode(), method="POST")',
     ("http.graphql-destructive", "vol-123")),
    # HTTP methods
    ('import requests\nrequests.delete("https://api.example.com/v1/projects/9")',
     ("http.delete", "https://api.example.com/v1/projects/9")),
    ('import requests\ns = requests.Session()\ns.request("DELETE", "https://api.example.com/x")',
     ("http.delete", "https://api.example.com/x")),
    ('import httpx\nwith httpx.Client() as client:\n    client.delete("https://api.example.com/a")',
     ("http.delete", "https://api.example.com/a")),
    ('import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n'
     '        await s.delete("https://api.example.com/b")', ("http.delete", "https://api.example.com/b")),
    ('import urllib3\nurllib3.PoolManager().request("DELETE", "https://api.example.com/c")',
     ("http.delete", "https://api.example.com/c")),
    ('import requests\nrequests.request(method, "https://api.example.com/d")', ("http.unknown-method", "https://api.example.com/d")),
    # boto3
    ('import boto3\ns3 = boto3.client("s3")\ns3.delete_bucket(Bucket="prod-assets")', ("code.sdk-delete", "delete_bucket prod-assets")),
    ('import boto3\nboto3.resource("s3").Bucket("prod-assets").objects.all().delete()',
     ("code.sdk-delete", "DeleteObjects prod-assets")),
    ('import boto3\nb = boto3.resource("s3").Bucket("logs")\nb.delete()', ("code.sdk-delete", "delete logs")),
    ('import boto3\nboto3.client("rds").delete_db_instance(DBInstanceIdentifier="prod", SkipFinalSnapshot=True)',
     ("code.sdk-delete", "delete_db_instance prod")),
    ('import boto3\nboto3.client("ec2").terminate_instances(InstanceIds=["i-1"])', ("code.sdk-delete", "terminate_instances i-1")),
    ('import boto3\nboto3.client("sqs").purge_queue(QueueUrl=url)', ("code.sdk-delete", "purge_queue")),
    ('from kubernetes import client\nclient.CoreV1Api().delete_namespace("prod")', ("code.sdk-delete", "delete_namespace")),
    ('from google.cloud import storage\nstorage.Client().bucket("media").delete(force=True)', ("code.sdk-delete", "delete media")),
    # mongo
    ('import pymongo\ndb = pymongo.MongoClient().shop\ndb.orders.delete_many({})', ("mongo.delete-all", "orders")),
    ('from pymongo import MongoClient\nMongoClient().drop_database("shop")', ("mongo.drop-database", "shop")),
    ('import pymongo\npymongo.MongoClient()["shop"]["users"].drop()', ("mongo.drop-collection", "users")),
    # redis
    ('import redis\nr = redis.Redis(host="prod")\nr.flushall()', ("redis.flush", "all databases")),
    ('import redis\nredis.from_url(u).flushdb()', ("redis.flush", "db 0")),
    ('import redis\nredis.Redis().execute_command("FLUSHALL")', ("redis.flush", "all databases")),
    # DB-API
    ('import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("DROP TABLE users")', ("sql.drop-table", "users")),
    ('import psycopg\nwith psycopg.connect(dsn) as conn:\n    conn.cursor().execute("TRUNCATE orders")', ("sql.truncate", "orders")),
    ('import pymysql\ncur = pymysql.connect().cursor()\ncur.executemany("DELETE FROM logs", [])', ("sql.delete-all", "logs")),
    ('import sqlite3\nsqlite3.connect("a.db").executescript("DROP TABLE a; DROP TABLE b;")', ("sql.drop-table", "b")),
    ('from sqlalchemy import text\nwith engine.begin() as conn:\n    conn.execute(text("DROP TABLE events"))',
     ("sql.drop-table", "events")),
    ('conn.exec_driver_sql("DELETE FROM users")', ("sql.delete-all", "users")),
    ('import sqlite3\ncur = sqlite3.connect("a.db").cursor()\ncur.execute(build_query())', ("code.unknown-sink", "sqlite3.connect().cursor()")),
    ('cursor.execute(f"DELETE FROM {table}")', ("sql.delete-all", None)),
    # ORM mass deletes
    ('from app.models import User\nUser.objects.all().delete()', ("sql.delete-all", "User")),
    ('Order.objects.filter().delete()', ("sql.delete-all", "Order")),
    ('session.query(User).delete()', ("sql.delete-all", "User")),
    ('from sqlalchemy import delete\nsession.execute(delete(User))', ("sql.delete-all", "User")),
    ('Base.metadata.drop_all(engine)', ("sql.drop-table", "every table in the metadata")),
    # files
    ('import shutil\nshutil.rmtree("/srv/data")', ("code.delete-tree", "/srv/data")),
    ('import os\nos.remove("prod.db")', ("code.delete-file", "prod.db")),
    ('from pathlib import Path\nPath("data.sqlite").unlink()', ("code.delete-file", "data.sqlite")),
]

HARMLESS = [
    f'import requests\nrequests.post("{RAILWAY_URL}", json={{"query": "{PROJECT_CREATE}"}})',
    f'import requests\nrequests.post("{RAILWAY_URL}", json={{"query": "query {{ me {{ id }} }}"}})',
    'import requests\nr = requests.get("https://api.example.com/items", params={"q": "x"})\nprint(r.json())',
    'import requests\nrequests.post("https://api.example.com/users", json={"name": "ann"})',
    'import httpx\nhttpx.Client().get("https://api.example.com/a")',
    'import boto3\ns3 = boto3.client("s3")\ns3.list_objects_v2(Bucket="b")\ns3.put_object(Bucket="b", Key="k", Body=b"")',
    'import redis\nr = redis.Redis()\nr.get("k")\nr.delete("session:1")',
    'import pymongo\ndb = pymongo.MongoClient().shop\ndb.orders.delete_many({"status": "test"})\ndb.orders.find({})',
    'import sqlite3\nconn = sqlite3.connect("app.db")\nrows = conn.execute("SELECT * FROM users").fetchall()',
    'cur.execute("INSERT INTO t (a) VALUES (?)", (1,))',
    'cur.execute("DELETE FROM sessions WHERE expires < ?", (now,))',
    'User.objects.filter(is_active=False).delete()',
    'session.query(User).filter(User.id == 3).delete()',
    'from sqlalchemy import delete\nsession.execute(delete(User).where(User.id == 1))',
    'user = User.objects.get(pk=1)\nuser.delete()',
    'from sqlalchemy import select\nrows = session.execute(select(User)).scalars().all()',
    'from sqlalchemy import insert\nsession.execute(insert(User).values(name="ann"))',
    'd = {"a": 1}\nd.get("a")\nitems = [1, 2]\nitems.remove(1)\nos.path.exists("x")',
    'print("DROP TABLE users")\nlog.info("rm -rf /")',
    'executor.submit(job)\nre.compile("x").match(s)',
]


@pytest.mark.parametrize("code, expected", DESTRUCTIVE, ids=[c[:60] for c, _ in DESTRUCTIVE])
def test_destructive_python_sink_is_found(code, expected):
    assert expected in judged(analyze_python_sinks(code))


@pytest.mark.parametrize("code", HARMLESS, ids=[c[:60] for c in HARMLESS])
def test_harmless_lookalike_gives_nothing(code):
    assert judged(analyze_python_sinks(code)) == []


def test_constants_from_elsewhere_are_used():
    tree = ast.parse('import requests\nrequests.delete(BASE + "/v1/x")')
    from guardsh.analyzers.code.findings import CodeFindings

    findings = CodeFindings()
    read_python_sinks(tree, findings, constants={"BASE": "https://api.example.com"})
    assert ("http.delete", "https://api.example.com/v1/x") in judged(findings)


def test_a_reader_passes_its_own_resolution():
    """The way interp's _PythonReader is to call it: per ast.Call, with its qualname/text."""
    from guardsh.analyzers.code.findings import CodeFindings

    code = 'import requests as r\nr.delete(u)'
    tree = ast.parse(code)
    findings = CodeFindings()
    sinks = PythonSinks(findings, qualname=lambda n: "requests.delete" if isinstance(n, ast.Attribute) else None,
                        text=lambda n: "https://resolved.example/x" if isinstance(n, ast.Name) else "?")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert sinks.call(call, "r.delete(u)") is True
    assert ("http.delete", "https://resolved.example/x") in judged(findings)


def test_unparseable_python_is_said():
    assert judged(analyze_python_sinks("requests.post(")) == [("code.unparseable", None)]
