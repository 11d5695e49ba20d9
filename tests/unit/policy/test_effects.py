"""One home for effect kinds (guardsh/effects.py): what the analysers emit is
registered, what rules match is registered, and the README shows the registry."""

from __future__ import annotations

import pathlib
import re

import pytest

from guardsh.effects import KINDS, known, markdown_table
from guardsh.policy.schema import ConfigError

ROOT = pathlib.Path(__file__).resolve().parents[3]
# A string literal shaped like an effect kind, in the modules that emit effects.
KIND_LITERAL = re.compile(r'"((?:shell|fs|sql|http|code|secrets|mongo|redis|guard|disk)\.[a-z][a-z-]*)"')
EMITTERS = [*(ROOT / "guardsh/shell").glob("*.py"), *(ROOT / "guardsh/analyzers").rglob("*.py"),
            ROOT / "guardsh/policy/decide.py"]


def test_every_kind_an_analyser_emits_is_registered():
    emitted = {m.group(1): path.name for path in EMITTERS for m in KIND_LITERAL.finditer(path.read_text())}
    unregistered = {kind: where for kind, where in emitted.items() if kind not in KINDS}
    assert not unregistered, f"add these kinds to guardsh/effects.py: {unregistered}"


def test_every_registered_kind_names_a_module_that_exists():
    for kind, (meaning, module) in KINDS.items():
        assert meaning and (ROOT / (module.replace(".", "/") + ".py")).is_file(), kind


def test_rule_patterns_are_checked_against_the_registry():
    assert known("sql.drop-*") and known("redis.*") and known("sql.truncate")
    assert not known("mongo.unparseable") and not known("sql.drop-tabel")


def test_a_rule_naming_an_unknown_kind_is_a_path_line_error(isolated_home):
    from guardsh.policy.load import load_ruleset

    user = isolated_home / ".config/guardsh/rules.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('[[rule]]\nid = "my.drop"\nreason = "r"\naction = "confirm"\n\n'
                    '[[rule.match]]\neffects = ["sql.drop-tabel"]\n')
    with pytest.raises(ConfigError) as e:
        load_ruleset(user_file=str(user))
    assert f"{user}:7:" in str(e.value) and "did you mean 'sql.drop-table'" in str(e.value)


def test_readme_effects_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- effects table: begin -->\n", 1)[1].split("\n<!-- effects table: end -->", 1)[0]
    assert table == markdown_table(), "regenerate it: python -m guardsh.effects"
