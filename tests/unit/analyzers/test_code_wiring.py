"""The new readers as analyze_code uses them, end to end: the incident sent from python3 -c
and node -e is confirmed by the rules, and the harmless lookalikes run."""

from __future__ import annotations

import shlex

import pytest

from code_judge import PROJECT_CREATE, RAILWAY_URL, VOLUME_DELETE


@pytest.fixture
def judge_line(ruleset, isolated_home):
    from guardsh.engine import judge

    return lambda line: judge(line, ruleset, home=str(isolated_home))


def python_line(code: str) -> str:
    return "python3 -c " + shlex.quote(code)


def node_line(code: str) -> str:
    return "node -e " + shlex.quote(code)


CONFIRMED = [
    python_line(f'import requests; requests.post("{RAILWAY_URL}", json={{"query": "{VOLUME_DELETE}"}})'),
    node_line(f'fetch("{RAILWAY_URL}", {{method: "POST", headers: {{"Content-Type": "application/json"}}, '
              f'body: JSON.stringify({{query: "{VOLUME_DELETE}"}})}})'),
    python_line('import requests; requests.delete("https://api.example.com/v1/projects/1")'),
    python_line('import redis; redis.Redis().flushall()'),
    python_line('import sqlite3; sqlite3.connect("app.db").execute("DROP TABLE users")'),
    node_line('require("child_process").execSync("rm -rf ~/work")'),
    node_line('const { Client } = require("pg"); new Client().query("TRUNCATE users")'),
    node_line('prisma.user.deleteMany({})'),
    "ruby -e " + shlex.quote('User.delete_all'),
]
ALLOWED = [
    python_line(f'import requests; requests.post("{RAILWAY_URL}", json={{"query": "{PROJECT_CREATE}"}})'),
    node_line(f'fetch("{RAILWAY_URL}", {{method: "POST", body: JSON.stringify({{query: "{PROJECT_CREATE}"}})}})'),
    python_line('import requests; print(requests.get("https://api.example.com/v1/projects").json())'),
    node_line('fetch("https://api.example.com/items").then(r => r.json()).then(console.log)'),
    python_line('import sqlite3; print(sqlite3.connect("app.db").execute("SELECT count(*) FROM users").fetchone())'),
    node_line('const { Client } = require("pg"); new Client().query("SELECT 1")'),
    "ruby -e " + shlex.quote('puts User.where(active: true).count'),
]


@pytest.mark.parametrize("line", CONFIRMED)
def test_destructive_code_is_confirmed_once_wired(judge_line, line):
    assert judge_line(line).decision != "allow"


@pytest.mark.parametrize("line", ALLOWED)
def test_harmless_code_runs_once_wired(judge_line, line):
    verdict = judge_line(line)
    assert verdict.decision == "allow", [m.rule.id for m in verdict.matches]
