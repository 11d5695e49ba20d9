"""Every rule proves itself: each of its `examples.match` lines must be caught
by that rule, each `examples.allow` line must not be. A rule without both
kinds of example fails here, with a message that says what to add."""

from __future__ import annotations

import pytest

from guardsh.engine import judge
from guardsh.policy.load import load_ruleset

RULES = load_ruleset(user_file="").rules


def _cases(kind: str):
    for rule in RULES:
        for i, command in enumerate(getattr(rule, f"examples_{kind}")):
            yield pytest.param(rule.id, command, id=f"{rule.id}[{i}]")


@pytest.mark.parametrize("rule_id,command", list(_cases("match")))
def test_rule_catches_its_match_examples(rule_id, command, ruleset, project):
    verdict = judge(command, ruleset, cwd=str(project))
    assert rule_id in verdict.rule_ids, f"{rule_id} did not catch {command!r}; got {verdict.rule_ids}"


@pytest.mark.parametrize("rule_id,command", list(_cases("allow")))
def test_rule_ignores_its_allow_examples(rule_id, command, ruleset, project):
    verdict = judge(command, ruleset, cwd=str(project))
    assert rule_id not in verdict.rule_ids, f"{rule_id} caught {command!r}: {verdict.as_json()['matches']}"


@pytest.mark.parametrize("rule_id,command", [
    pytest.param(*p.values, marks=pytest.mark.xfail(strict=True, reason="known gap (examples.todo)"), id=p.id)
    for p in _cases("todo")])
def test_rule_todo_examples_are_still_gaps(rule_id, command, ruleset, project):
    """examples.todo records a known gap: it fails until fixed, then the line must move to examples.match."""
    assert rule_id in judge(command, ruleset, cwd=str(project)).rule_ids


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_both_kinds_of_example(rule):
    missing = [k for k in ("match", "allow") if not getattr(rule, f"examples_{k}")]
    assert not missing, (f"rule '{rule.id}' ({rule.source}:{rule.line}) has no examples.{missing[0]}: "
                         f"add commands it must {'catch' if missing[0] == 'match' else 'not catch'}")
