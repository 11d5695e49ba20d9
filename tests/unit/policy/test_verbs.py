"""The verb reading (issue 11): a subcommand path holding a destructive verb,
with the objects that make it destructive and its known-harmless readings,
written as data in the rules; the schema checks it with path:line errors."""

from __future__ import annotations

import pytest

from helpers import write_rules
from guardsh.engine import judge
from guardsh.policy.load import load_ruleset
from guardsh.policy.schema import ConfigError

HEAD = '[[rule]]\nid = "my.verbs"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "acme"\n'


@pytest.mark.parametrize("body,expected", [
    ('verbs = ["Delete"]\n', "{p}:7: rule 'my.verbs': key 'verbs': 'Delete' must be one lower-case word"),
    ('objects = ["bucket"]\n', "{p}:7: rule 'my.verbs': match: 'objects' and 'harmless' qualify 'verbs', which is missing"),
    ('verbs = ["delete"]\n[[rule.match.harmless]]\nwords = ["message"]\n',
     "{p}:8: rule 'my.verbs': key 'harmless': entry 1 needs a 'reason' (why this reading is safe)"),
    ('verbs = ["delete"]\n[[rule.match.harmless]]\nreason = "fine"\n',
     "{p}:8: rule 'my.verbs': key 'harmless': entry 1 needs 'programs', 'verbs' or 'words'"),
    ('verbs = ["delete"]\nunknown_program = true\n',
     "{p}:8: rule 'my.verbs': key 'unknown_program': goes with program = \"*\""),
])
def test_verb_matcher_errors_name_file_and_line(body, expected, isolated_home):
    path = write_rules(isolated_home, HEAD + body)
    with pytest.raises(ConfigError) as err:
        load_ruleset(user_file=str(path))
    assert any(p.startswith(expected.format(p=path)) for p in err.value.problems), err.value.problems


def _rules(home, text):
    return load_ruleset(user_file=str(write_rules(home, HEAD + text)))


@pytest.mark.parametrize("command,blocked", [
    ("acme delete", True), ("acme bucket delete b1", True), ("acme env vars delete X", True),
    ("acme delete-bucket b1", True), ("acme db:delete", True), ("acme --region eu delete", True),
    ("acme queue message delete m1", False),  # harmless: one message
    ("acme list", False), ("acme get delete", False),  # a listing, whatever its argument
    ("acme deploy notes.delete.txt", False),  # a file name is not a subcommand
    ("acme 'delete everything'", False),  # a phrase is not a subcommand
])
def test_verb_path_objects_and_harmless_readings(command, blocked, isolated_home, project):
    rs = _rules(isolated_home, 'verbs = ["delete"]\n[[rule.match.harmless]]\nwords = ["message"]\nreason = "one message"\n'
                               '[[rule.match.harmless]]\nwords = ["list", "get"]\nreason = "a listing"\n')
    assert (judge(command, rs, cwd=str(project)).decision != "allow") == blocked


def test_objects_narrow_a_weak_verb(isolated_home, project):
    rs = _rules(isolated_home, 'verbs = ["reset"]\nobjects = ["database", "db*"]\n')
    assert judge("acme database reset", rs, cwd=str(project)).blocked
    assert judge("acme dbs reset", rs, cwd=str(project)).blocked
    assert not judge("acme password reset", rs, cwd=str(project)).blocked


def test_generic_rule_leaves_tools_a_pack_knows(ruleset, project):
    # git is known to the git pack: `git rm` is judged there, not as a verb.
    assert not judge("git rm --cached notes.txt", ruleset, cwd=str(project)).blocked
    verdict = judge("argocd app delete storefront", ruleset, cwd=str(project))
    assert verdict.rule_ids == ["cli.destructive-verb"]
    # A runner's own words end where the command it runs starts.
    assert not judge("railway run rm -rf dist", ruleset, cwd=str(project)).blocked
