"""The long-tail table (tests/corpus/long-tail.tsv, issue 11): every family
of destructive command no pack lists one by one (verbs of unknown CLIs,
non-SQL stores, migrations, wrappers, overwrites, disks, where the project
sits) must be asked about, and every harmless lookalike must run without a
prompt. `todo` / `todo-allow` lines are known gaps, run as strict xfails."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from guardsh.engine import judge

TABLE = Path(__file__).resolve().parents[1] / "corpus" / "long-tail.tsv"
NEWLINE = "\u23ce"
LABELS = {"block", "allow", "todo", "todo-allow"}
FAMILIES = {"tools-verbs", "stores", "migrations", "wrappers", "overwrite", "disks", "paths", "false-alarms"}
# The files the table's project holds (see its header): an overwrite of a file
# that does not exist loses nothing.
PROJECT_FILES = ("data/app.db", "data/app.sqlite3", "data/production.sqlite3", "data/customers.csv",
                 "data/ledger.csv", "data/users.json", "data/orders.json", "db/production.sqlite3", "db/seeds.sql",
                 "notes/meeting.md", "src/app.py", ".env", "../.ssh/id_ed25519", "../.ssh/id_rsa", "../.bash_history")


def _rows() -> list[tuple[int, list[str]]]:
    return [(n, line.split("\t")) for n, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() and not line.startswith("#")]


def _cases():
    for number, fields in _rows():
        if len(fields) != 4:
            continue  # reported by test_every_line_is_well_formed
        label, family, command, note = fields
        slug = re.sub(r"[^a-z0-9]+", "-", note.lower()).strip("-")[:40]
        marks = [pytest.mark.xfail(strict=True, reason=note)] if label.startswith("todo") else []
        expected = {"todo": "block", "todo-allow": "allow"}.get(label, label)
        yield pytest.param(expected, command.replace(NEWLINE, "\n"), id=f"L{number}-{family}-{slug}", marks=marks)


@pytest.fixture
def project_with_files(project):
    for rel in PROJECT_FILES:
        path = (project / rel).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    return project


@pytest.mark.parametrize("expected,command", list(_cases()))
def test_long_tail_line(expected, command, ruleset, project_with_files):
    verdict = judge(command, ruleset, cwd=str(project_with_files))
    # snapshot: kept recoverable before it runs (issue 13), as test_bypass counts it
    blocked = verdict.decision in {"snapshot", "confirm", "deny"}
    assert blocked == (expected == "block"), (
        f"expected {expected}, got {verdict.decision} for {command!r}: {verdict.as_json()['matches']}")


def test_every_line_is_well_formed():
    bad = [(n, f) for n, f in _rows() if len(f) != 4 or f[0] not in LABELS or f[1] not in FAMILIES or not f[2]]
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
