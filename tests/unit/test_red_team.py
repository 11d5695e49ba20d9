"""The second red team's lines (tests/corpus/red-team.tsv): written black-box
against guardsh after the issue 8-13 work, as a refused agent would try to get
past it (another tool, language, spelling, file, wrapper) and as a busy
developer works. `block` lines must be asked about or kept (snapshot), `allow`
lines must run without a prompt; `todo` / `todo-allow` are the known gaps and
false alarms, run as strict xfails so that fixing one makes the test say so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guardsh.engine import judge
from helpers import TABLE_LABELS, table_cases, table_rows

TABLE = Path(__file__).resolve().parents[1] / "corpus" / "red-team.tsv"
# The red team's project (see the table's header).
PROJECT_FILES = ("src/app.py", "data/users.csv", "app.db", "package.json", "../outside/keep.txt")


def _rows() -> list[tuple[int, list[str]]]:
    return table_rows(TABLE)


@pytest.fixture
def red_team_project(project):
    for rel in PROJECT_FILES:
        path = (project / rel).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    return project


@pytest.mark.parametrize("expected,command", table_cases(TABLE))
def test_red_team_line(expected, command, ruleset, red_team_project):
    verdict = judge(command, ruleset, cwd=str(red_team_project))
    blocked = verdict.decision in {"snapshot", "confirm", "deny"}
    assert blocked == (expected == "block"), (
        f"expected {expected}, got {verdict.decision} for {command!r}: {verdict.as_json()['matches']}")


def test_every_line_is_well_formed():
    bad = [(n, f) for n, f in _rows() if len(f) != 4 or f[0] not in TABLE_LABELS or not f[1] or not f[2]]
    assert not bad, f"malformed lines (number, fields): {bad[:10]}"
