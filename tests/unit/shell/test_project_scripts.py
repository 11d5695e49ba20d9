"""`npm run X`, `make X`, `just X`: judged by what the project's files say
they run, not only by their names."""

from __future__ import annotations

import json

import pytest

from guardsh.engine import judge

PACKAGE = {"scripts": {"prebuild": "rm -rf dist", "build": "tsc -p .", "test": "jest",
                       "seed": "node seed.js && psql -c 'TRUNCATE users'", "clean-home": "rm -rf ~/data"}}
MAKEFILE = "all: build\n\nbuild: deps\n\t@echo building\n\tgcc -o app main.c\n\ndeps:\n\tnpm ci\n\n" \
           "clean:\n\trm -rf build node_modules\n\nreset: clean\n\t-rm -rf data/\n\nrelease:\n\tgit push --force\n"
JUSTFILE = "default:\n    echo hi\n\ndeploy env='staging':\n    kubectl delete ns {{env}}\n"


@pytest.fixture
def files(project):
    (project / "package.json").write_text(json.dumps(PACKAGE))
    (project / "Makefile").write_text(MAKEFILE)
    (project / "justfile").write_text(JUSTFILE)
    return project


@pytest.mark.parametrize("command,decision,rule", [
    ("npm run build", "allow", None),
    ("npm test", "allow", None),
    ("npm run seed", "confirm", "sql.truncate"),
    ("pnpm clean-home", "confirm", "fs.rm-recursive"),
    ("yarn run seed", "confirm", "sql.truncate"),
    ("make", "allow", None),
    ("make clean", "allow", None),
    ("make reset", "confirm", "fs.rm-recursive"),
    ("make release", "confirm", "git.push-force"),
    ("make -C . reset", "confirm", "fs.rm-recursive"),
    ("just", "allow", None),
    ("just deploy prod", "confirm", "k8s.delete"),
])
def test_runner_is_judged_by_the_script_it_runs(files, ruleset, command, decision, rule):
    verdict = judge(command, ruleset, cwd=str(files))
    assert verdict.decision == decision, verdict.as_json()
    if rule:
        assert rule in verdict.rule_ids
        assert any(" ".join(m.command.via).startswith(command.split()[0]) for m in verdict.matches)


def test_without_the_files_runners_are_judged_by_name(ruleset, project):
    assert judge("npm run seed", ruleset, cwd=str(project)).decision == "allow"
    assert judge("make db-reset", ruleset, cwd=str(project)).rule_ids == ["migrate.project-script"]
