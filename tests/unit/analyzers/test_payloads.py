"""Payloads wherever they are: SQL or a GraphQL mutation given to a program no pack reads
is judged as psql's or curl's would be; text that only mentions SQL is not."""

from __future__ import annotations

import pytest

from guardsh.engine import judge

VOLUME_DELETE = 'mutation { volumeDelete(volumeId: \\"v1\\") }'


@pytest.fixture
def sql_files(project):
    (project / "wipe.sql").write_text("-- nightly\nTRUNCATE TABLE orders;\n")
    (project / "report.sql").write_text("SELECT count(*) FROM orders;\n")
    return project


@pytest.mark.parametrize("command", [
    "sqlcmd -S db -Q 'DROP DATABASE Shop'",
    "bq query --use_legacy_sql=false 'DELETE FROM analytics.events WHERE true'",
    "snowsql -q 'DROP DATABASE analytics'",
    "clickhouse-client --query 'TRUNCATE TABLE events'",
    "trino --execute 'DROP TABLE hive.web.logs'",
    "cockroach sql -e 'DROP DATABASE shop CASCADE'",
    "heroku pg:psql -a shop -c 'TRUNCATE users CASCADE'",
    "echo 'DROP TABLE users' | sqlcmd -S db",
    "sqlcmd -S db <<< 'TRUNCATE TABLE orders'",
    "sqlcmd -S db -i wipe.sql",
    "bq query < wipe.sql",
    "mytool --sql='DELETE FROM users'",
    "curl -X POST https://api.cloudflare.com/client/v4/accounts/a/d1/database/d/query "
    "-H 'Content-Type: application/json' -d '{\"sql\": \"DROP TABLE users\"}'",
    "curl 'http://ch.example.com:8123/?query=DROP+TABLE+events'",
    "gqlcli 'mutation { deleteProject(id: 1) }'",
])
def test_destructive_payloads_are_confirmed(sql_files, ruleset, command):
    assert judge(command, ruleset, cwd=str(sql_files)).decision != "allow"


@pytest.mark.parametrize("command", [
    "sqlcmd -S db -Q 'SELECT name FROM sys.databases'", "bq query 'SELECT count(*) FROM analytics.events'",
    "heroku pg:psql -a shop -c 'SELECT 1'", "sqlcmd -S db -i report.sql",
    "git commit -m 'DROP TABLE users in the migration'", "echo 'DROP TABLE x' > drop.sql",
    "grep -rn 'DELETE FROM' src/", "jira issue create --summary 'DELETE FROM users ran in prod'",
    "oneliner -e 'delete node_modules recursively'", "mytool --note='please delete the old files'",
    "curl 'http://ch.example.com:8123/?query=SELECT+1'",
    "gh issue comment 1 --body 'mutation { deleteUser(id: 1) } is what broke'",
])
def test_lookalikes_run(sql_files, ruleset, command):
    verdict = judge(command, ruleset, cwd=str(sql_files))
    assert verdict.decision == "allow", [(m.rule.id, m.effect) for m in verdict.matches]


def _graphql(field: str) -> str:
    return ("curl https://api.example.com/graphql -H 'Content-Type: application/json' "
            f"-d '{{\"query\":\"mutation {{ {field} }}\"}}'")


@pytest.mark.parametrize("field", [
    'volumeDelete(volumeId: \\"v\\")', 'replaceProjectMembers(projectId: \\"p1\\", members: []) { id }',
    "upsertFeatureFlags(flags: []) { id }", 'setEnvironmentVariables(id: \\"e\\", variables: {}) { id }',
    'truncateTable(name: \\"x\\")', 'purgeQueue(name: \\"q\\")', "emptyTrash", 'clearDatabase(id: 1)',
    'updateProject(id: 1, input: {members: []}) { id }',
])
def test_destructive_mutations_by_what_they_do(ruleset, field):
    assert judge(_graphql(field), ruleset).decision != "allow"


@pytest.mark.parametrize("field", [
    'resetPassword(email: \\"a@b.c\\") { ok }', 'passwordReset(email: \\"a@b.c\\")',
    'replaceProjectMembers(projectId: \\"p1\\", members: [\\"u1\\"]) { id }', "clearNotifications",
    'updateUser(id: 1, input: {name: \\"x\\"}) { id }', 'removeLabelsFromLabelable(input: {labelIds: [\\"l\\"]}) { x }',
    'revokeToken(id: \\"t\\")', 'projectCreate(input: {name: \\"x\\"}) { id }',
])
def test_harmless_mutations_run(ruleset, field):
    verdict = judge(_graphql(field), ruleset)
    assert verdict.decision == "allow", [m.rule.id for m in verdict.matches]


def test_every_harmless_reading_says_why():
    from guardsh.analyzers.http.graphql import HARMLESS

    assert all(len(why) > 10 for why in HARMLESS.values())


def test_ordinary_commands_do_not_load_the_payload_reader(isolated_home):
    import subprocess
    import sys

    probe = ("import sys; from guardsh.policy.load import load_ruleset; from guardsh.engine import judge; "
             "judge('ls -la && git status && cat README.md', load_ruleset(user_file='')); "
             "print('guardsh.analyzers.payloads' in sys.modules, 'sqlglot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.split()
    assert out == ["False", "False"]
