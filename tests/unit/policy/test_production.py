"""Production awareness: a destructive command whose target looks like
production asks for a stronger phrase, or is refused, as rules.toml says."""

from __future__ import annotations

import pexpect
import pytest

from helpers import GUARDSH, guardsh_env, write_rules
from guardsh.engine import judge
from guardsh.policy.load import load_ruleset



@pytest.mark.parametrize("command,env,signal", [
    ("psql -h prod-db.internal -d shop -c 'DROP TABLE bookings'", {}, "prod-db.internal"),
    ("railway volume delete --volume pg-data", {"RAILWAY_ENVIRONMENT": "production"}, "RAILWAY_ENVIRONMENT=production"),
    ("kubectl --context prod-eu delete ns api", {}, "prod-eu"),
    ("aws --profile prod s3 rm s3://b --recursive", {}, "prod"),
    ("dropdb app_production", {}, "app_production"),
])
def test_production_targets_are_recognised(command, env, signal, project, monkeypatch):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    verdict = judge(command, load_ruleset(), cwd=str(project))
    assert verdict.decision == "confirm" and verdict.production == signal


@pytest.mark.parametrize("command", ["psql -h staging-db -c 'DROP TABLE bookings'", "rm -rf data",
                                     "psql -c \"SELECT * FROM products\"", "git push --force origin reproduction"])
def test_ordinary_targets_are_not_production(command, project):
    assert judge(command, load_ruleset(), cwd=str(project)).production is None


@pytest.mark.pty
def test_phrase_escalation_on_a_real_terminal(isolated_home, project):
    child = pexpect.spawn(GUARDSH, ["-c", "psql -h prod-db.internal -c 'DROP TABLE bookings'"], cwd=str(project),
                          env=guardsh_env(isolated_home), timeout=15, encoding="utf-8")
    child.expect(r'Type "([^"]+)" to run it')
    assert child.match.group(1) == "production/bookings"
    assert "PRODUCTION" in child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_deny_escalation_and_custom_patterns(isolated_home, project):
    write_rules(isolated_home, '[production]\nescalate = "deny"\npatterns = ["(?i)acme-main"]\n')
    rs = load_ruleset()
    assert judge("psql -h acme-main.db -c 'DROP TABLE t'", rs, cwd=str(project)).decision == "deny"
    assert judge("psql -h prod-db -c 'DROP TABLE t'", rs, cwd=str(project)).decision == "deny"
    assert judge("psql -h dev-db -c 'DROP TABLE t'", rs, cwd=str(project)).decision == "confirm"


def test_a_project_cannot_relax_the_escalation(isolated_home, project):
    write_rules(isolated_home, '[production]\nescalate = "deny"\n')
    (project / ".guardsh").mkdir()
    (project / ".guardsh/rules.toml").write_text('[production]\nescalate = "phrase"\n')
    rs = load_ruleset(project_file=str(project / ".guardsh/rules.toml"))
    assert judge("dropdb app_production", rs, cwd=str(project)).decision == "deny"


def test_bad_production_settings_are_reported(isolated_home):
    write_rules(isolated_home, '[production]\nescalate = "block"\npatterns = ["(prod"]\n')
    from guardsh.policy.schema import ConfigError

    with pytest.raises(ConfigError) as err:
        load_ruleset()
    text = str(err.value)
    assert "production: key 'escalate': must be one of phrase, deny, not 'block'" in text
    assert "production: key 'patterns': bad regular expression '(prod'" in text
