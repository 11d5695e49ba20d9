"""A broken rules.toml stops guardsh with `path:line: what is wrong`, word
for word, and nothing runs until it is fixed (as sudo does)."""

from __future__ import annotations

import os

import pytest

from helpers import run_guardsh, write_rules
from guardsh.policy.load import load_ruleset
from guardsh.policy.schema import ConfigError



CASES = [
    ('[[rule]]\nid = "my.rule"\nreason = "x"\naction = "confirm"\nmatches = 3\n',
     ["{p}:5: rule 'my.rule': unknown key 'matches' (did you mean 'match'?)",
      "{p}:1: rule 'my.rule': missing key 'match'"]),
    ('[[rule]]\nid = "my.rule"\nreason = "x"\naction = "ask"\n[[rule.match]]\nprogram = "rm"\n',
     ["{p}:4: rule 'my.rule': key 'action': must be one of confirm, deny, not 'ask'"]),
    ('[[rule]]\nid = "my.rule"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "rm"\nargs = "(unclosed"\n',
     ["{p}:7: rule 'my.rule': key 'args': bad regular expression '(unclosed': missing ), unterminated subpattern at position 0"]),
    ('[[rule]]\nid = "my.rule"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "rm"\nmin_args = "two"\n',
     ["{p}:7: rule 'my.rule': match: key 'min_args': expected an integer, got a string 'two'"]),
    ('[[rule]]\nid = "fs.rm-recursive"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "rm"\n',
     ["{p}:1: rule 'fs.rm-recursive': duplicate id (already defined at {packs}/filesystem.toml:{line}); "
      "to change it, use [actions] or disable it and add a rule with a new id"]),
    ('disable = ["fs.rm-recursiv"]\n', ["{p}:1: disable: no rule 'fs.rm-recursiv' (did you mean 'fs.rm-recursive'?)"]),
    ('[actions]\n"git.push-force" = "block"\n', ["{p}:2: actions: rule 'git.push-force': action must be one of confirm, deny, not 'block'"]),
    ('[[rule]]\nid = "BadId"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "rm"\n',
     ["{p}:2: rule 'BadId': key 'id': must be 'family.kebab-name' in lower case, like 'git.push-force'"]),
    ('[[rule]]\nid = "my.rule"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "rm"\ntargets = ["hom"]\n',
     ["{p}:7: rule 'my.rule': key 'targets': unknown class 'hom' (did you mean 'home'?) (classes: dynamic, guard, guard-holder, root, device, "
      "system, home, outside, project-root, vcs, data, project, artifact, tmp, null)"]),
    ('[settings]\nconfirm_timeout = "soon"\n', ["{p}:2: settings: key 'confirm_timeout': expected an integer, got a string 'soon'"]),
    ('x = [1,\n', ["{p}:1: TOML syntax: Invalid value at the end of the file"]),
    ('[[rule]]\nid = "a.b"\nreason = x\n', ["{p}:3: TOML syntax: Invalid value"]),
    ('[[allow]]\nrule = "fs.rm-recursive"\ncommand = "^rm -rf /srv/scratch/"\n',
     ["{p}:1: allow: entry needs 'reason' (a rule id, a regular expression for the command, and why)"]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=range(len(CASES)))
def test_config_errors_word_for_word(text, expected, isolated_home):
    from guardsh.policy.load import packs_dir

    path = write_rules(isolated_home, text)
    with pytest.raises(ConfigError) as err:
        load_ruleset(user_file=str(path))
    rm_line = next(n for n, line in enumerate(open(os.path.join(packs_dir(), "filesystem.toml")).read().splitlines(), 1)
                   if line == "[[rule]]")
    want = [e.format(p=path, packs=packs_dir(), line=rm_line) for e in expected]
    assert err.value.problems == want


def test_broken_rules_stop_every_command(isolated_home, project):
    write_rules(isolated_home, "[[rule]]\nid = 1\n")
    result = run_guardsh(["-c", "touch made"], isolated_home)
    assert result.returncode == 2
    assert not (project / "made").exists()
    assert b"rules.toml:1: rule #1: missing key 'reason'" in result.stderr
    assert b"nothing will run until they are fixed" in result.stderr


def test_rules_check_reports_and_exits_2(isolated_home):
    path = write_rules(isolated_home, 'disable = ["nope.nope"]\n')
    result = run_guardsh(["rules", "check"], isolated_home)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == f"{path}:1: disable: no rule 'nope.nope'"


def test_user_rules_add_change_disable_and_allow_list(isolated_home, project):
    write_rules(isolated_home, """
disable = ["git.clean"]

[actions]
"git.push-force" = "deny"

[[allow]]
rule = "fs.rm-recursive"
command = '^rm -rf /srv/scratch/[a-z0-9-]+$'
reason = "scratch space on the build box"

[[rule]]
id = "local.no-make-deploy"
reason = "Deploys to production."
action = "confirm"
examples.match = ["make deploy"]
examples.allow = ["make build"]
[[rule.match]]
program = "make"
args = "^deploy$"
""")
    rs = load_ruleset()
    from guardsh.engine import judge

    assert judge("git clean -fdx", rs).decision == "allow"
    assert judge("git push -f", rs).decision == "deny"
    assert judge("rm -rf /srv/scratch/tmp-1", rs).decision == "allow"
    assert judge("rm -rf /srv/scratch/../data", rs).decision == "confirm"
    assert judge("make deploy", rs).rule_ids == ["local.no-make-deploy"]
    listed = run_guardsh(["rules", "list"], isolated_home).stdout.decode()
    assert "local.no-make-deploy" in listed and "rules.toml" in listed and "git.clean" not in listed


def test_project_rules_may_only_tighten(isolated_home, project):
    (project / ".git").mkdir()
    (project / ".guardsh").mkdir()
    (project / ".guardsh/rules.toml").write_text('disable = ["fs.rm-recursive"]\n')
    result = run_guardsh(["-c", "echo hi"], isolated_home)
    assert result.returncode == 2
    assert b"a project's rules may only add rules or make them stricter" in result.stderr
    (project / ".guardsh/rules.toml").write_text('[actions]\n"git.push-force" = "deny"\n')
    assert b"denies it outright" in run_guardsh(["-c", "git push -f"], isolated_home).stderr


def test_compiled_rules_are_cached_and_never_trusted_over_a_changed_file(isolated_home):
    from guardsh.engine import judge

    path = write_rules(isolated_home, '[actions]\n"git.clean" = "deny"\n')
    assert judge("git clean -f", load_ruleset()).decision == "deny"
    cache = list((isolated_home / ".cache/guardsh").glob("rules-*.cache"))
    assert len(cache) == 1
    path.write_text('[actions]\n"git.push-force" = "deny"\n')
    # The pack's own action again: a confirm, kept first in a project (snapshot).
    assert judge("git clean -f", load_ruleset()).decision == "snapshot"
    assert judge("git push -f", load_ruleset()).decision == "deny"


def test_corrupt_cache_is_rebuilt(isolated_home):
    load_ruleset()
    for cache in (isolated_home / ".cache/guardsh").glob("rules-*.cache"):
        cache.write_bytes(b"not a pickle")
    assert load_ruleset().rule("fs.rm-recursive") is not None
