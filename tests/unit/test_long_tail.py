"""The long-tail table (tests/corpus/long-tail.tsv, issue 11): every family
of destructive command no pack lists one by one (verbs of unknown CLIs,
non-SQL stores, migrations, wrappers, overwrites, disks, where the project
sits) must be asked about, and every harmless lookalike must run without a
prompt. `todo` / `todo-allow` lines are known gaps, run as strict xfails."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from guardsh.engine import judge
from helpers import TABLE_LABELS, table_cases, table_rows

TABLE = Path(__file__).resolve().parents[1] / "corpus" / "long-tail.tsv"
FAMILIES = {"tools-verbs", "stores", "migrations", "wrappers", "overwrite", "disks", "paths", "false-alarms"}
# The files the table's project holds (see its header): an overwrite of a file
# that does not exist loses nothing.
PROJECT_FILES = ("data/app.db", "data/app.sqlite3", "data/production.sqlite3", "data/customers.csv",
                 "data/ledger.csv", "data/users.json", "data/orders.json", "db/production.sqlite3", "db/seeds.sql",
                 "notes/meeting.md", "src/app.py", ".env", "../.ssh/id_ed25519", "../.ssh/id_rsa", "../.bash_history")


def _rows() -> list[tuple[int, list[str]]]:
    return table_rows(TABLE)


@pytest.fixture
def project_with_files(project):
    for rel in PROJECT_FILES:
        path = (project / rel).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    return project


@pytest.mark.parametrize("expected,command", table_cases(TABLE))
def test_long_tail_line(expected, command, ruleset, project_with_files):
    verdict = judge(command, ruleset, cwd=str(project_with_files))
    # snapshot: kept recoverable before it runs (issue 13), as test_bypass counts it
    blocked = verdict.decision in {"snapshot", "confirm", "deny"}
    assert blocked == (expected == "block"), (
        f"expected {expected}, got {verdict.decision} for {command!r}: {verdict.as_json()['matches']}")


def test_every_line_is_well_formed():
    bad = [(n, f) for n, f in _rows() if len(f) != 4 or f[0] not in TABLE_LABELS or f[1] not in FAMILIES or not f[2]]
    assert not bad, f"malformed lines (number, fields): {bad[:10]}"


def test_no_command_appears_twice():
    seen: dict[str, int] = {}
    twice = [(seen[f[2]], n, f[2]) for n, f in _rows() if len(f) > 2 and seen.setdefault(f[2], n) != n]
    assert not twice, f"duplicate commands (first line, repeat line, command): {twice[:10]}"


def test_every_family_has_as_many_lookalikes_as_destructive_lines():
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for _, (label, family, *_rest) in _rows():
        counts[family]["harmful" if label in ("block", "todo") else "harmless"] += 1
    assert set(counts) == FAMILIES
    lopsided = {f: dict(c) for f, c in counts.items() if c["harmless"] < 0.9 * c["harmful"]}
    assert not lopsided, f"families with too few harmless lookalikes: {lopsided}"
